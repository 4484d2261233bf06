/**
 * Why a scene is split by nodes: asked for (`nodes`), or chosen by `auto` for several mesh nodes.
 * A module of its own so that the byte-level split (fast/), which plans the same layouts, says the
 * same without loading detection. With fewer `parts` than mesh nodes (nodes that share a mesh are one
 * part with several placements, `instances: 'shared'`), the reason says so: "7 mesh nodes: one part
 * per node" above "6 parts" read as a contradiction (the third newcomer's trial).
 */
export function byNodesReason(asked: boolean, meshNodes: number, parts = meshNodes): string {
  const reason = asked
    ? `asked for: one part per mesh node (${meshNodes} mesh node${meshNodes === 1 ? '' : 's'})`
    : `the scene has ${meshNodes} mesh nodes: one part per node`;
  return parts < meshNodes
    ? `${reason}; nodes that share a mesh are one part placed several times: ${parts} part${parts === 1 ? '' : 's'}`
    : reason;
}
