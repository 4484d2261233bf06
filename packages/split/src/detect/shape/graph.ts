/**
 * A weighted undirected graph in compressed rows (both directions stored), with per-node surface
 * data. Used at every level: faces (the dual graph of the mesh) and patches (groups of faces).
 */
export interface SurfaceGraph {
  /** Node count. */
  n: number;
  /** Row starts: the neighbours of node i are `targets[offsets[i] .. offsets[i + 1])`. */
  offsets: Int32Array;
  targets: Int32Array;
  /** Affinity of each stored edge: boundary length × how flat the fold across it is (0–1). */
  weights: Float64Array;
  /** Plain boundary length of each stored edge. */
  lengths: Float64Array;
  /** Cost of cutting each stored edge: its length × how flat its concave fold is (convex folds cost in full). */
  costs: Float64Array;
  /** Area of each node. */
  area: Float64Array;
  /** Area-weighted normal sum of each node (x, y, z): its direction is the mean normal. */
  normal: Float64Array;
  /** Area-weighted centroid sum of each node (x, y, z): divide by area for the centroid. */
  centroid: Float64Array;
}

/** An undirected edge list, turned into a {@link SurfaceGraph} by {@link graphFromEdges}. */
export interface EdgeList {
  count: number;
  from: Int32Array;
  to: Int32Array;
  weights: Float64Array;
  lengths: Float64Array;
  costs: Float64Array;
}

/** Build compressed rows (both directions) from an undirected edge list. */
export function graphFromEdges(
  n: number,
  edges: EdgeList,
  nodes: Pick<SurfaceGraph, 'area' | 'normal' | 'centroid'>,
): SurfaceGraph {
  const offsets = new Int32Array(n + 1);
  for (let e = 0; e < edges.count; e++) {
    offsets[edges.from[e]! + 1]!++;
    offsets[edges.to[e]! + 1]!++;
  }
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  const fill = offsets.slice(0, n);
  const size = offsets[n]!;
  const targets = new Int32Array(size);
  const weights = new Float64Array(size);
  const lengths = new Float64Array(size);
  const costs = new Float64Array(size);
  for (let e = 0; e < edges.count; e++) {
    const a = edges.from[e]!;
    const b = edges.to[e]!;
    let at = fill[a]!++;
    targets[at] = b;
    weights[at] = edges.weights[e]!;
    lengths[at] = edges.lengths[e]!;
    costs[at] = edges.costs[e]!;
    at = fill[b]!++;
    targets[at] = a;
    weights[at] = edges.weights[e]!;
    lengths[at] = edges.lengths[e]!;
    costs[at] = edges.costs[e]!;
  }
  return { n, offsets, targets, weights, lengths, costs, ...nodes };
}

/** Growable edge list (typed arrays doubled on demand). */
export class EdgeListBuilder {
  count = 0;
  from: Int32Array;
  to: Int32Array;
  weights: Float64Array;
  lengths: Float64Array;
  costs: Float64Array;

  constructor(capacity: number) {
    const size = Math.max(16, capacity);
    this.from = new Int32Array(size);
    this.to = new Int32Array(size);
    this.weights = new Float64Array(size);
    this.lengths = new Float64Array(size);
    this.costs = new Float64Array(size);
  }

  push(a: number, b: number, weight: number, length: number, cost: number): void {
    if (this.count === this.from.length) {
      const grow = <T extends Int32Array | Float64Array>(array: T): T => {
        const next = new (array.constructor as new (size: number) => T)(array.length * 2);
        next.set(array);
        return next;
      };
      this.from = grow(this.from);
      this.to = grow(this.to);
      this.weights = grow(this.weights);
      this.lengths = grow(this.lengths);
      this.costs = grow(this.costs);
    }
    this.from[this.count] = a;
    this.to[this.count] = b;
    this.weights[this.count] = weight;
    this.lengths[this.count] = length;
    this.costs[this.count] = cost;
    this.count++;
  }
}

/**
 * How much of an edge's weight survives a fold between two surface elements with unit normals
 * `n1`, `n2` and centroids `c1`, `c2`: exp(−η(1 − cos θ)/scale), η = 1 for a concave fold and
 * `convexFactor` for a convex one (people cut at concave creases: the minima rule).
 */
export function foldAffinity(
  n1: ArrayLike<number>,
  i1: number,
  n2: ArrayLike<number>,
  i2: number,
  c1: ArrayLike<number>,
  j1: number,
  c2: ArrayLike<number>,
  j2: number,
  scale: number,
  convexFactor: number,
): number {
  const nx1 = n1[i1]!;
  const ny1 = n1[i1 + 1]!;
  const nz1 = n1[i1 + 2]!;
  const nx2 = n2[i2]!;
  const ny2 = n2[i2 + 1]!;
  const nz2 = n2[i2 + 2]!;
  // A node without a normal (a degenerate triangle) folds nothing.
  if (nx1 * nx1 + ny1 * ny1 + nz1 * nz1 < 0.5 || nx2 * nx2 + ny2 * ny2 + nz2 * nz2 < 0.5) return 1;
  const cos = nx1 * nx2 + ny1 * ny2 + nz1 * nz2;
  const bend = 1 - Math.max(-1, Math.min(1, cos));
  if (!(bend > 1e-12)) return 1;
  // Convex when the normals point away from each other along the line joining the centroids.
  const side =
    (nx1 - nx2) * (c1[j1]! - c2[j2]!) +
    (ny1 - ny2) * (c1[j1 + 1]! - c2[j2 + 1]!) +
    (nz1 - nz2) * (c1[j1 + 2]! - c2[j2 + 2]!);
  const eta = side < 0 ? 1 : convexFactor;
  return Math.exp((-eta * bend) / scale);
}
