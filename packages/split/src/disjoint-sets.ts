/**
 * The union-find forest every grouping step shares (connected pieces, colour blends, granularity
 * merges, shape merges, texture boxes): `parent[i]` is i's parent and a root is its own parent. Each
 * caller keeps its own union rule (which root survives), so only the forest and the lookup are here.
 */

/** A forest of `count` singletons. */
export function disjointSets(count: number): Int32Array {
  const parent = new Int32Array(count);
  for (let i = 0; i < count; i++) parent[i] = i;
  return parent;
}

/** The root of `x`'s set, halving the path on the way (amortised near-constant). */
export function findRoot(parent: Int32Array, x: number): number {
  let node = x;
  while (parent[node] !== node) {
    parent[node] = parent[parent[node]!]!;
    node = parent[node]!;
  }
  return node;
}
