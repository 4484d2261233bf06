import { EdgeListBuilder, graphFromEdges, type SurfaceGraph } from './graph.js';
import { createRandom } from './random.js';

/** The result of {@link coarsenGraph}: the coarse graph and which coarse node each fine node joined. */
export interface Coarsening {
  graph: SurfaceGraph;
  /** Per node of the input graph, its node in `graph`. */
  nodeOf: Int32Array;
  /** Levels of matching done. */
  levels: number;
}

/**
 * Multilevel coarsening by heavy-edge matching (as in METIS and multilevel spectral methods):
 * each level pairs every node with the free neighbour it is most strongly tied to, relative to
 * their sizes (affinity / (area₁ + area₂)), so patches grow evenly and stay on one side of
 * concave creases (weak ties are matched last). Levels repeat until at most `target` nodes are
 * left or a level no longer shrinks the graph by 10 %. O(edges) per level, the graph about halving
 * at each: O(edges) in all.
 */
export function coarsenGraph(fine: SurfaceGraph, target: number, seed: number): Coarsening {
  let graph = fine;
  const nodeOf = new Int32Array(fine.n);
  for (let i = 0; i < fine.n; i++) nodeOf[i] = i;
  const random = createRandom(seed);
  let levels = 0;
  let total = 0;
  for (let i = 0; i < fine.n; i++) total += fine.area[i]!;
  while (graph.n > target) {
    // A patch may not outgrow a few times the mean patch area at the target count: keeps patches
    // comparable so the coarse graph samples the surface evenly.
    const cap = (4 * total) / target;
    const { map, count } = matchLevel(graph, random, cap);
    if (count > graph.n * 0.9) break;
    graph = contract(graph, map, count);
    for (let i = 0; i < nodeOf.length; i++) nodeOf[i] = map[nodeOf[i]!]!;
    levels++;
  }
  return { graph, nodeOf, levels };
}

function matchLevel(
  graph: SurfaceGraph,
  random: () => number,
  cap: number,
): { map: Int32Array; count: number } {
  const { n, offsets, targets, weights, area } = graph;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  const map = new Int32Array(n).fill(-1);
  let count = 0;
  for (let k = 0; k < n; k++) {
    const u = order[k]!;
    if (map[u] !== -1) continue;
    let best = -1;
    let bestRating = -1;
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
      const v = targets[e]!;
      if (v === u || map[v] !== -1) continue;
      const joined = area[u]! + area[v]!;
      if (joined > cap) continue;
      const rating = weights[e]! / (joined + 1e-300);
      if (rating > bestRating) {
        bestRating = rating;
        best = v;
      }
    }
    map[u] = count;
    if (best >= 0) map[best] = count;
    count++;
  }
  return { map, count };
}

/** The graph of the groups of `map`: areas, normals and centroids summed, parallel edges merged. */
export function contract(graph: SurfaceGraph, map: Int32Array, count: number): SurfaceGraph {
  const area = new Float64Array(count);
  const normal = new Float64Array(count * 3);
  const centroid = new Float64Array(count * 3);
  // Members of each group, in compressed rows.
  const start = new Int32Array(count + 1);
  for (let i = 0; i < graph.n; i++) start[map[i]! + 1]!++;
  for (let c = 0; c < count; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, count);
  const members = new Int32Array(graph.n);
  for (let i = 0; i < graph.n; i++) {
    const c = map[i]!;
    members[fill[c]!++] = i;
    area[c]! += graph.area[i]!;
    for (let k = 0; k < 3; k++) {
      normal[3 * c + k]! += graph.normal[3 * i + k]!;
      centroid[3 * c + k]! += graph.centroid[3 * i + k]!;
    }
  }
  const builder = new EdgeListBuilder(graph.targets.length / 2);
  const slot = new Int32Array(count).fill(-1);
  const seen: number[] = [];
  for (let c = 0; c < count; c++) {
    for (let m = start[c]!; m < start[c + 1]!; m++) {
      const u = members[m]!;
      for (let e = graph.offsets[u]!; e < graph.offsets[u + 1]!; e++) {
        const d = map[graph.targets[e]!]!;
        if (d <= c) continue; // each coarse edge once, from its lower end
        let at = slot[d]!;
        if (at === -1) {
          at = builder.count;
          builder.push(c, d, 0, 0, 0);
          slot[d] = at;
          seen.push(d);
        }
        builder.weights[at]! += graph.weights[e]!;
        builder.lengths[at]! += graph.lengths[e]!;
        builder.costs[at]! += graph.costs[e]!;
      }
    }
    for (const d of seen) slot[d] = -1;
    seen.length = 0;
  }
  return graphFromEdges(count, builder, { area, normal, centroid });
}
