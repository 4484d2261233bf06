import { disjointSets, findRoot } from '../../disjoint-sets.js';
import type { SurfaceGraph } from './graph.js';

/** Settings of {@link mergeParts}. */
export interface MergeSettings {
  /** Parts with less area than this merge (absolute area), while more than `maxCount` (or 1) remain. */
  minArea: number;
  /** Merge the smallest parts until at most this many remain (`targetParts`). */
  maxCount: number | undefined;
}

/** Parts after {@link mergeParts}: labels 0…count-1, ranked by area (0 is the largest). */
export interface MergedParts {
  partOf: Int32Array;
  count: number;
  /** Parts merged away. */
  merged: number;
}

/**
 * Merge small parts into their neighbours, smallest first: a part below `minArea` joins the part
 * it shares the longest boundary with (plain length, whatever the folds), or, when it touches no
 * other part (a separate shell), the nearest part of at least `minArea` by centroid distance.
 * Then, with `maxCount`, the smallest parts merge the same way until that many are left. A part
 * below `minArea` survives only when `maxCount` forbids going lower. Finally parts are ranked by
 * area, largest first, so that labels are stable and meaningful.
 */
export function mergeParts(
  graph: SurfaceGraph,
  partOf: Int32Array,
  count: number,
  settings: MergeSettings,
): MergedParts {
  const parent = disjointSets(count);
  const find = (p: number) => findRoot(parent, p);
  const area = new Float64Array(count);
  const centroid = new Float64Array(count * 3);
  for (let u = 0; u < graph.n; u++) {
    const p = partOf[u]!;
    area[p]! += graph.area[u]!;
    for (let k = 0; k < 3; k++) centroid[3 * p + k]! += graph.centroid[3 * u + k]!;
  }
  // Boundary lengths between parts, one map per part (merged smaller into larger).
  const borders: Map<number, number>[] = Array.from({ length: count }, () => new Map());
  for (let u = 0; u < graph.n; u++) {
    const p = partOf[u]!;
    for (let e = graph.offsets[u]!; e < graph.offsets[u + 1]!; e++) {
      const q = partOf[graph.targets[e]!]!;
      if (q !== p) borders[p]!.set(q, (borders[p]!.get(q) ?? 0) + graph.lengths[e]! + 1e-300);
    }
  }
  let alive = count;
  let merged = 0;
  const floorCount = settings.maxCount ?? 1;
  const join = (small: number) => {
    let into = -1;
    let longest = -1;
    const border = borders[small]!;
    for (const [other, length] of [...border]) {
      const root = find(other);
      if (root === small) continue;
      if (length > longest || (length === longest && root < into)) {
        longest = length;
        into = root;
      }
    }
    if (into < 0) into = nearest(small);
    if (into < 0) return false;
    parent[small] = into;
    area[into]! += area[small]!;
    for (let k = 0; k < 3; k++) centroid[3 * into + k]! += centroid[3 * small + k]!;
    // Fold the small part's borders into its new owner's.
    const target = borders[into]!;
    for (const [other, length] of border) {
      const root = find(other);
      if (root !== into) target.set(root, (target.get(root) ?? 0) + length);
    }
    border.clear();
    alive--;
    merged++;
    return true;
  };
  const nearest = (small: number) => {
    let best = -1;
    let bestDistance = Infinity;
    let fallback = -1;
    for (let p = 0; p < count; p++) {
      if (p === small || find(p) !== p) continue;
      if (fallback < 0 || area[p]! > area[fallback]!) fallback = p;
      if (area[p]! < settings.minArea) continue;
      let distance = 0;
      for (let k = 0; k < 3; k++)
        distance += (centroid[3 * p + k]! / area[p]! - centroid[3 * small + k]! / area[small]!) ** 2;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = p;
      }
    }
    return best >= 0 ? best : fallback;
  };
  const bySize = () =>
    Array.from({ length: count }, (_, p) => p)
      .filter((p) => find(p) === p)
      .sort((a, b) => area[a]! - area[b]! || a - b);
  for (const p of bySize()) {
    if (alive <= floorCount) break;
    if (find(p) === p && area[p]! < settings.minArea) join(p);
  }
  if (settings.maxCount !== undefined) {
    while (alive > settings.maxCount) {
      const smallest = bySize()[0];
      if (smallest === undefined || !join(smallest)) break;
    }
  }
  const ranked = bySize().reverse();
  const rank = new Int32Array(count);
  ranked.forEach((p, r) => {
    rank[p] = r;
  });
  const out = new Int32Array(graph.n);
  for (let u = 0; u < graph.n; u++) out[u] = rank[find(partOf[u]!)]!;
  return { partOf: out, count: ranked.length, merged };
}
