/**
 * What to tell a user whose model `inspect` or `split` finds to be one part by `auto`: a fused mesh
 * (what AI generators write) has nothing that marks parts, and these commands only cut along what
 * the file marks. A newcomer otherwise concludes that meshparts cannot split the model.
 */
export function onePartHint(asked: string | undefined, strategy: string, parts: number): string[] {
  if ((asked ?? 'auto') !== 'auto' || strategy !== 'nodes' || parts !== 1) return [];
  return [
    'hint: split cuts only along what the file marks (nodes, labels, colours); to cut one fused mesh, ' +
      '`meshparts run` segments it first (Tripo with an API key, offline otherwise), or ask for ' +
      '--strategy components (separate pieces) or --strategy shape (its geometry)',
  ];
}
