import type { SurfaceGraph } from './graph.js';

/**
 * Move each boundary between two parts onto the cheapest cut near it, at triangle resolution.
 * Cuts are found on patches, so a boundary may sit a patch off the crease it follows. For each
 * pair of touching parts, the band of triangles within `rings` triangle rings of their common
 * boundary is taken; its triangles that touch the rest of part A are tied to a source, those that
 * touch the rest of part B to a sink, and a minimum cut with the fold costs as capacities (concave
 * creases nearly free, flat and convex surface at full length) relabels the band. Boundaries move
 * onto creases within the band, or straighten where there is none; nothing moves outside it.
 *
 * `labels` (per face) is updated in place. Max-flow by Dinic's algorithm on the band only; the
 * band is counted in triangle rings, not patches, so its size follows the boundaries' length and
 * not the mesh's size (with two patch rings a 500k-triangle mesh spent 15 s here).
 */
export function refineBoundaries(faces: SurfaceGraph, labels: Int32Array, rings: number): void {
  // Boundary triangles of each pair of touching parts, in one pass.
  const pairs = new Map<string, { a: number; b: number; seeds: number[] }>();
  for (let f = 0; f < faces.n; f++) {
    const own = labels[f]!;
    for (let e = faces.offsets[f]!; e < faces.offsets[f + 1]!; e++) {
      const other = labels[faces.targets[e]!]!;
      if (other === own) continue;
      const a = Math.min(own, other);
      const b = Math.max(own, other);
      const key = `${a} ${b}`;
      let pair = pairs.get(key);
      if (!pair) {
        pair = { a, b, seeds: [] };
        pairs.set(key, pair);
      }
      if (pair.seeds.at(-1) !== f) pair.seeds.push(f);
    }
  }
  const depth = new Int32Array(faces.n).fill(-1);
  const inBand = new Int32Array(faces.n).fill(-1);
  for (const { a, b, seeds } of pairs.values()) {
    const band: number[] = [];
    for (const f of seeds) {
      if (depth[f] !== -1 || (labels[f] !== a && labels[f] !== b)) continue;
      depth[f] = 0;
      band.push(f);
    }
    for (let head = 0; head < band.length; head++) {
      const f = band[head]!;
      if (depth[f]! >= rings) continue;
      for (let e = faces.offsets[f]!; e < faces.offsets[f + 1]!; e++) {
        const g = faces.targets[e]!;
        if (depth[g] !== -1 || labels[g] !== labels[f]) continue;
        depth[g] = depth[f]! + 1;
        band.push(g);
      }
    }
    band.forEach((f, i) => {
      inBand[f] = i;
    });
    cutBand(faces, band, inBand, labels, a, b);
    for (const f of band) {
      inBand[f] = -1;
      depth[f] = -1;
    }
  }
}

/** Minimum cut of one band between the rest of part a (source) and the rest of part b (sink). */
function cutBand(
  faces: SurfaceGraph,
  bandFaces: readonly number[],
  inBand: Int32Array,
  labels: Int32Array,
  a: number,
  b: number,
): void {
  const n = bandFaces.length;
  if (n < 2) return;
  const source = n;
  const sink = n + 1;
  const flow = new FlowGraph(n + 2, bandFaces.length * 8);
  let total = 0;
  for (const f of bandFaces) {
    for (let e = faces.offsets[f]!; e < faces.offsets[f + 1]!; e++) total += faces.costs[e]!;
  }
  const infinite = total + 1;
  let tiedToSource = false;
  let tiedToSink = false;
  for (let i = 0; i < n; i++) {
    const f = bandFaces[i]!;
    let toA = false;
    let toB = false;
    for (let e = faces.offsets[f]!; e < faces.offsets[f + 1]!; e++) {
      const g = faces.targets[e]!;
      const j = inBand[g]!;
      if (j >= 0) {
        if (j > i) flow.add(i, j, faces.costs[e]!, faces.costs[e]!);
      } else if (labels[g] === a) toA = true;
      else if (labels[g] === b) toB = true;
    }
    // A face touching both outer rims stays as it is: tie it to its own side.
    if (toA && (!toB || labels[f] === a)) {
      flow.add(source, i, infinite, 0);
      tiedToSource = true;
    } else if (toB) {
      flow.add(i, sink, infinite, 0);
      tiedToSink = true;
    }
  }
  if (!tiedToSource || !tiedToSink) return;
  flow.maxFlow(source, sink, total * 1e-12);
  const reached = flow.reachable(source, total * 1e-12);
  for (let i = 0; i < n; i++) labels[bandFaces[i]!] = reached[i] ? a : b;
}

/** A flow network in arc lists (arc k and k ^ 1 are each other's reverse); Dinic's max-flow. */
class FlowGraph {
  private head: Int32Array;
  private next: Int32Array;
  private to: Int32Array;
  private capacity: Float64Array;
  private arcs = 0;

  constructor(
    private readonly n: number,
    capacityHint: number,
  ) {
    this.head = new Int32Array(n).fill(-1);
    this.next = new Int32Array(capacityHint);
    this.to = new Int32Array(capacityHint);
    this.capacity = new Float64Array(capacityHint);
  }

  /** An arc u → v of capacity `forward` and its reverse v → u of capacity `backward`. */
  add(u: number, v: number, forward: number, backward: number): void {
    if (this.arcs + 2 > this.to.length) {
      const size = this.to.length * 2 + 16;
      const grow = <T extends Int32Array | Float64Array>(array: T): T => {
        const bigger = new (array.constructor as new (length: number) => T)(size);
        bigger.set(array);
        return bigger;
      };
      this.next = grow(this.next);
      this.to = grow(this.to);
      this.capacity = grow(this.capacity);
    }
    for (const [from, target, cap] of [
      [u, v, forward],
      [v, u, backward],
    ] as const) {
      this.to[this.arcs] = target;
      this.capacity[this.arcs] = cap;
      this.next[this.arcs] = this.head[from]!;
      this.head[from] = this.arcs++;
    }
  }

  maxFlow(s: number, t: number, epsilon: number): void {
    const level = new Int32Array(this.n);
    const queue = new Int32Array(this.n);
    const current = new Int32Array(this.n);
    const path = new Int32Array(this.n);
    for (;;) {
      level.fill(-1);
      level[s] = 0;
      let headAt = 0;
      let tail = 0;
      queue[tail++] = s;
      while (headAt < tail) {
        const u = queue[headAt++]!;
        for (let k = this.head[u]!; k !== -1; k = this.next[k]!) {
          const v = this.to[k]!;
          if (level[v] === -1 && this.capacity[k]! > epsilon) {
            level[v] = level[u]! + 1;
            queue[tail++] = v;
          }
        }
      }
      if (level[t] === -1) return;
      current.set(this.head);
      // Blocking flow: iterative depth-first search along the level graph.
      let depth = 0;
      let u = s;
      for (;;) {
        if (u === t) {
          let pushed = Infinity;
          for (let d = 0; d < depth; d++) pushed = Math.min(pushed, this.capacity[path[d]!]!);
          for (let d = 0; d < depth; d++) {
            this.capacity[path[d]!]! -= pushed;
            this.capacity[path[d]! ^ 1]! += pushed;
          }
          depth = 0;
          u = s;
          continue;
        }
        let advanced = false;
        for (let k = current[u]!; k !== -1; k = this.next[k]!) {
          const v = this.to[k]!;
          if (this.capacity[k]! > epsilon && level[v] === level[u]! + 1) {
            current[u] = k;
            path[depth++] = k;
            u = v;
            advanced = true;
            break;
          }
        }
        if (advanced) continue;
        current[u] = -1;
        level[u] = -1; // dead end for this phase
        if (depth === 0) break;
        const back = path[--depth]!;
        u = this.to[back ^ 1]!;
        current[u] = this.next[current[u]!]!;
      }
    }
  }

  /** Nodes reachable from s through arcs with capacity left: the source side of a minimum cut. */
  reachable(s: number, epsilon: number): Uint8Array {
    const seen = new Uint8Array(this.n);
    const queue = [s];
    seen[s] = 1;
    while (queue.length > 0) {
      const u = queue.pop()!;
      for (let k = this.head[u]!; k !== -1; k = this.next[k]!) {
        const v = this.to[k]!;
        if (!seen[v] && this.capacity[k]! > epsilon) {
          seen[v] = 1;
          queue.push(v);
        }
      }
    }
    return seen;
  }
}
