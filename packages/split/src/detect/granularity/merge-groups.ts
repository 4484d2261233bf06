import { disjointSets, findRoot } from '../../disjoint-sets.js';

/**
 * The one merge rule of every strategy (pure: numbers in, groups out). Parts are whatever a strategy
 * made (labels of a mesh, mesh nodes, primitives); this file only sees their areas, which ones may
 * not merge, their shared boundaries and a way to find the nearest surface.
 */

/** The neighbours of the parts, as the caller measured them. */
export interface MergeGraph {
  /**
   * Per part, the length of boundary it shares with each other part (after welding), or null when
   * the parts cannot share boundaries (separate nodes).
   */
  boundaries: readonly ReadonlyMap<number, number>[] | null;
  /**
   * The part nearest to the surface of `members` (one group) among the parts `allowed` accepts, or
   * null when none is within reach.
   */
  nearest(members: readonly number[], allowed: (part: number) => boolean): number | null;
}

/** Why a group was merged: a part under the area share, or more parts than the target. */
export type MergeReason = 'min-part-area' | 'target-parts';

/** One part that absorbed others. */
export interface MergedGroup {
  /** The largest constituent: the part whose name the group keeps. */
  host: number;
  /** Every constituent, the host first, then by decreasing area. */
  members: number[];
  /** What made the merges: `min-part-area` when any constituent was under the share. */
  reason: MergeReason;
}

/** The result of {@link mergeGroups}. */
export interface MergePlan {
  /** For each part, the host of its group (itself when it was not merged). */
  hostOf: Uint32Array;
  /** Groups of two parts or more, by decreasing area. */
  merged: MergedGroup[];
  /** Number of parts left. */
  count: number;
}

/** What to merge: parts under `minArea` (same unit as the areas), then the smallest until `targetParts`. */
export interface MergeLimits {
  minArea: number;
  targetParts: number | null;
}

/** A binary min-heap of (area, group) pairs; stale entries are skipped by the caller. */
class AreaHeap {
  private readonly areas: number[] = [];
  private readonly groups: number[] = [];
  get size(): number {
    return this.areas.length;
  }
  push(area: number, group: number): void {
    let i = this.areas.length;
    this.areas.push(area);
    this.groups.push(group);
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!this.less(i, up)) break;
      this.swap(i, up);
      i = up;
    }
  }
  pop(): [number, number] {
    const top: [number, number] = [this.areas[0]!, this.groups[0]!];
    const lastArea = this.areas.pop()!;
    const lastGroup = this.groups.pop()!;
    if (this.areas.length > 0) {
      this.areas[0] = lastArea;
      this.groups[0] = lastGroup;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.areas.length && this.less(l, m)) m = l;
        if (r < this.areas.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
  /** Smaller area first; equal areas by group index, so the result does not depend on push order. */
  private less(a: number, b: number): boolean {
    return (
      this.areas[a]! < this.areas[b]! ||
      (this.areas[a] === this.areas[b] && this.groups[a]! < this.groups[b]!)
    );
  }
  private swap(a: number, b: number): void {
    [this.areas[a], this.areas[b]] = [this.areas[b]!, this.areas[a]!];
    [this.groups[a], this.groups[b]] = [this.groups[b]!, this.groups[a]!];
  }
}

/**
 * Merges small parts into their neighbours, smallest first: a group under `minArea`, or the smallest
 * group while more than `targetParts` remain, joins the group it shares the longest boundary with,
 * else the group with the nearest surface ({@link MergeGraph}). `fixed` parts are never merged,
 * neither into nor from (shared meshes, skinned or animated nodes): they still count as parts, so a
 * target may be out of reach. A group with no neighbour stays as it is. Deterministic: ties go to
 * the lower part index.
 */
export function mergeGroups(
  areas: readonly number[],
  fixed: readonly boolean[],
  graph: MergeGraph,
  limits: MergeLimits,
): MergePlan {
  const n = areas.length;
  const root = disjointSets(n);
  const find = (x: number): number => findRoot(root, x);
  const groupArea = [...areas];
  const members: number[][] = areas.map((_, i) => [i]);
  const largest = areas.map((_, i) => i);
  const small = new Uint8Array(n);
  const adjacency: Map<number, number>[] | null = graph.boundaries
    ? graph.boundaries.map((map, i) => {
        const own = new Map<number, number>();
        if (fixed[i]) return own;
        for (const [other, length] of map)
          if (other !== i && !fixed[other] && length > 0) own.set(other, length);
        return own;
      })
    : null;
  const heap = new AreaHeap();
  for (let i = 0; i < n; i++) if (!fixed[i]) heap.push(areas[i]!, i);
  let count = n;
  const done = new Uint8Array(n);
  while (heap.size > 0) {
    const [area, group] = heap.pop();
    if (find(group) !== group || groupArea[group] !== area || done[group]) continue;
    const tooSmall = area < limits.minArea;
    const tooMany = limits.targetParts !== null && count > limits.targetParts;
    // The heap is ordered by area: once the smallest group is big enough, so is every other.
    if (!tooSmall && !tooMany) break;
    const into = neighbourOf(group, adjacency, members[group]!, graph, (part) => {
      const other = find(part);
      return other !== group && !fixed[other];
    });
    if (into === null) {
      done[group] = 1;
      continue;
    }
    const host = find(into);
    if (tooSmall) small[host] = small[group] = 1;
    // Union: the group with more members absorbs the other's lists (small into large).
    const [keep, drop] = members[host]!.length >= members[group]!.length ? [host, group] : [group, host];
    root[drop] = keep;
    groupArea[keep] = groupArea[keep]! + groupArea[drop]!;
    for (const member of members[drop]!) members[keep]!.push(member);
    members[drop] = [];
    if (
      areas[largest[drop]!]! > areas[largest[keep]!]! ||
      (areas[largest[drop]!] === areas[largest[keep]!] && largest[drop]! < largest[keep]!)
    )
      largest[keep] = largest[drop]!;
    small[keep] = small[keep]! | small[drop]!;
    if (adjacency) mergeAdjacency(adjacency, keep, drop);
    done[keep] = 0;
    count--;
    heap.push(groupArea[keep]!, keep);
  }
  const hostOf = new Uint32Array(n);
  const merged: MergedGroup[] = [];
  for (let i = 0; i < n; i++) {
    const group = find(i);
    hostOf[i] = largest[group]!;
    if (group === i && members[i]!.length > 1) {
      const sorted = [...members[i]!].sort((a, b) => areas[b]! - areas[a]! || a - b);
      merged.push({
        host: largest[i]!,
        members: sorted,
        reason: small[i] ? 'min-part-area' : 'target-parts',
      });
    }
  }
  merged.sort((a, b) => groupArea[find(b.host)]! - groupArea[find(a.host)]! || a.host - b.host);
  return { hostOf, merged, count };
}

/** The group `group` merges into: longest shared boundary, else nearest surface. */
function neighbourOf(
  group: number,
  adjacency: Map<number, number>[] | null,
  members: readonly number[],
  graph: MergeGraph,
  allowed: (part: number) => boolean,
): number | null {
  if (adjacency) {
    let best = -1;
    let bestLength = 0;
    for (const [other, length] of adjacency[group]!) {
      if (!allowed(other)) continue;
      if (length > bestLength || (length === bestLength && other < best)) {
        best = other;
        bestLength = length;
      }
    }
    if (best >= 0) return best;
  }
  return graph.nearest(members, allowed);
}

/** Moves `drop`'s boundaries to `keep` (both are group roots). */
function mergeAdjacency(adjacency: Map<number, number>[], keep: number, drop: number): void {
  const into = adjacency[keep]!;
  for (const [other, length] of adjacency[drop]!) {
    if (other === keep) continue;
    into.set(other, (into.get(other) ?? 0) + length);
    const back = adjacency[other]!;
    back.delete(drop);
    back.set(keep, (back.get(keep) ?? 0) + length);
  }
  into.delete(drop);
  adjacency[drop] = new Map();
}
