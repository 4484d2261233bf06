/**
 * Why a scene is split by nodes: asked for (`nodes`), or chosen by `auto` for several mesh nodes.
 * A module of its own so that the byte-level split (fast/), which plans the same layouts, says the
 * same without loading detection.
 */
export function byNodesReason(asked: boolean, meshNodes: number): string {
  return asked
    ? `asked for: one part per mesh node (${meshNodes} mesh node${meshNodes === 1 ? '' : 's'})`
    : `the scene has ${meshNodes} mesh nodes: one part per node`;
}
