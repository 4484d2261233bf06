/**
 * The edges of a triangle list over welded vertex ids, and the triangles around each: what the shape
 * segmenter's face graph (shape/face-graph.ts) and the label smoothing (labels/smooth-labels.ts) are
 * built on. O(triangles): edges are found through an open-addressing hash on their two vertex ids.
 * Degenerate edges (both ends one vertex) are no edges.
 */
export interface MeshEdges {
  /** Number of distinct edges. */
  count: number;
  /** Edge `e`'s triangle corners are `corner[start[e] .. start[e + 1]]`; `count + 1` entries. */
  start: Int32Array;
  /** The triangle of each entry (`Math.floor(corner / 3)`). */
  around: Int32Array;
  /** Each entry's corner index `3 * t + k`: the edge runs from corner k to corner k + 1 of t. */
  corner: Int32Array;
}

export function meshEdges(indices: ArrayLike<number>): MeshEdges {
  const triangles = Math.floor(indices.length / 3);
  let capacity = 1;
  while (capacity < triangles * 3 * 2) capacity *= 2;
  const mask = capacity - 1;
  const table = new Int32Array(capacity * 3).fill(-1); // edge id, low vertex, high vertex
  const edgeOf = new Int32Array(triangles * 3).fill(-1);
  let count = 0;
  for (let t = 0; t < triangles; t++) {
    for (let k = 0; k < 3; k++) {
      const p = indices[3 * t + k]!;
      const q = indices[3 * t + ((k + 1) % 3)]!;
      if (p === q) continue;
      const lo = Math.min(p, q);
      const hi = Math.max(p, q);
      let h = (Math.imul(lo, 73856093) ^ Math.imul(hi, 19349663)) & mask;
      for (;;) {
        const at = 3 * h;
        if (table[at] === -1) {
          table[at] = count;
          table[at + 1] = lo;
          table[at + 2] = hi;
          edgeOf[3 * t + k] = count++;
          break;
        }
        if (table[at + 1] === lo && table[at + 2] === hi) {
          edgeOf[3 * t + k] = table[at]!;
          break;
        }
        h = (h + 1) & mask;
      }
    }
  }
  const start = new Int32Array(count + 1);
  for (let i = 0; i < edgeOf.length; i++) if (edgeOf[i]! >= 0) start[edgeOf[i]! + 1]!++;
  for (let e = 0; e < count; e++) start[e + 1]! += start[e]!;
  const fill = start.slice(0, count);
  const around = new Int32Array(start[count]!);
  const corner = new Int32Array(start[count]!);
  for (let i = 0; i < edgeOf.length; i++) {
    const e = edgeOf[i]!;
    if (e < 0) continue;
    const at = fill[e]!++;
    around[at] = Math.floor(i / 3);
    corner[at] = i;
  }
  return { count, start, around, corner };
}

/**
 * The pairs of triangles an edge links: its two triangles, or, around a non-manifold edge (more than
 * two), each triangle and the next around it.
 */
export function forEachTrianglePair(
  edges: MeshEdges,
  visit: (f: number, g: number, edge: number) => void,
): void {
  const { count, start, around } = edges;
  for (let e = 0; e < count; e++) {
    const first = start[e]!;
    const n = start[e + 1]! - first;
    if (n < 2) continue;
    if (n === 2) visit(around[first]!, around[first + 1]!, e);
    else for (let k = 0; k < n; k++) visit(around[first + k]!, around[first + ((k + 1) % n)]!, e);
  }
}
