import type { Piece } from './fields.js';
import type { SurfaceGraph } from './graph.js';

/** The sub-graph of `graph` on `nodes` (global ids), with local numbering and the given edge weights. */
export function pieceOf(
  graph: SurfaceGraph,
  weights: Float64Array,
  costs: Float64Array,
  nodes: Int32Array,
  local: Int32Array,
): Piece {
  const n = nodes.length;
  for (let i = 0; i < n; i++) local[nodes[i]!] = i;
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const u = nodes[i]!;
    let degree = 0;
    for (let e = graph.offsets[u]!; e < graph.offsets[u + 1]!; e++)
      if (local[graph.targets[e]!]! >= 0) degree++;
    offsets[i + 1] = offsets[i]! + degree;
  }
  const targets = new Int32Array(offsets[n]!);
  const pieceWeights = new Float64Array(offsets[n]!);
  const pieceCosts = new Float64Array(offsets[n]!);
  const mass = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = nodes[i]!;
    mass[i] = graph.area[u]!;
    let at = offsets[i]!;
    for (let e = graph.offsets[u]!; e < graph.offsets[u + 1]!; e++) {
      const v = local[graph.targets[e]!]!;
      if (v < 0) continue;
      targets[at] = v;
      pieceCosts[at] = costs[e]!;
      pieceWeights[at++] = weights[e]!;
    }
  }
  for (let i = 0; i < n; i++) local[nodes[i]!] = -1;
  return { n, offsets, targets, weights: pieceWeights, costs: pieceCosts, mass };
}

/**
 * Connected components of the nodes of a piece that share a side (`side[i]` equal), by
 * breadth-first search over the piece's edges. Returns the component of each local node and the
 * component count.
 */
export function sideComponents(piece: Piece, side: Uint8Array): { component: Int32Array; count: number } {
  const component = new Int32Array(piece.n).fill(-1);
  const queue = new Int32Array(piece.n);
  let count = 0;
  for (let s = 0; s < piece.n; s++) {
    if (component[s] !== -1) continue;
    component[s] = count;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    while (head < tail) {
      const u = queue[head++]!;
      for (let e = piece.offsets[u]!; e < piece.offsets[u + 1]!; e++) {
        const v = piece.targets[e]!;
        if (component[v] === -1 && side[v] === side[u]) {
          component[v] = count;
          queue[tail++] = v;
        }
      }
    }
    count++;
  }
  return { component, count };
}
