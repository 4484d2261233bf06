/** One array of xyz positions to weld: `count` vertices, each coordinate multiplied by `scale`. */
export interface WeldSource {
  array: ArrayLike<number>;
  /** 1, or 1 / the divisor of a normalized integer accessor. */
  scale: number;
  count: number;
}

/** Welded vertex ids for several position arrays that share one space (one mesh). */
export interface WeldResult {
  /** Per source, the welded id of each of its vertices. */
  ids: Uint32Array[];
  /** Number of distinct welded vertices. */
  count: number;
  /** Per welded id, its position (x, y, z): the first vertex that landed there. */
  positions: Float64Array;
}

/**
 * Welds positions on a grid whose cell is `tolerance` × the bounding-box diagonal: vertices in the
 * same cell get one id. Duplicated seam vertices (same position, other UV or normal) have
 * bit-identical positions and always land in one cell; near-coincident ones usually do too. An
 * open-addressing hash over the integer cell coordinates keeps this O(vertices) with no per-vertex
 * allocation. Non-finite coordinates are read as 0, so that one bad vertex cannot poison the
 * bounds. The one weld of the label strategies (`labels/weld.ts`, glTF primitives) and of `shape`
 * (`shape/weld-array.ts`, plain arrays).
 */
export function weldSources(sources: readonly WeldSource[], tolerance: number): WeldResult {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  let total = 0;
  for (const { array, scale, count } of sources) {
    total += count;
    for (let i = 0; i < count * 3; i++) {
      const value = finite(array[i]! * scale);
      const axis = i % 3;
      if (value < min[axis]!) min[axis] = value;
      if (value > max[axis]!) max[axis] = value;
    }
  }
  const diagonal = Math.hypot(max[0]! - min[0]!, max[1]! - min[1]!, max[2]! - min[2]!);
  const cell = diagonal > 0 && Number.isFinite(diagonal) ? diagonal * Math.max(tolerance, 1e-9) : 1;
  let capacity = 1;
  while (capacity < total * 2) capacity *= 2;
  const mask = capacity - 1;
  // One entry of four int32 per bucket: welded id (-1 when empty), then the cell's x, y, z. An
  // entry sits in one cache line, so a probe costs one miss, not one for the id and one for the
  // key: the table is far larger than the caches, and on labels-2m's 1M vertices the loop took
  // ~100–125 ms instead of ~115–140 ms with separate id and key arrays.
  const table = new Int32Array(capacity * 4).fill(-1);
  const positions = new Float64Array(total * 3);
  let count = 0;
  const ids = sources.map(({ array, scale, count: vertices }) => {
    const out = new Uint32Array(vertices);
    for (let v = 0; v < vertices; v++) {
      const x = finite(array[3 * v]! * scale);
      const y = finite(array[3 * v + 1]! * scale);
      const z = finite(array[3 * v + 2]! * scale);
      const qx = Math.round((x - min[0]!) / cell) | 0;
      const qy = Math.round((y - min[1]!) / cell) | 0;
      const qz = Math.round((z - min[2]!) / cell) | 0;
      let h = (Math.imul(qx, 73856093) ^ Math.imul(qy, 19349663) ^ Math.imul(qz, 83492791)) & mask;
      for (;;) {
        const at = 4 * h;
        const slot = table[at]!;
        if (slot === -1) {
          table[at] = count;
          table[at + 1] = qx;
          table[at + 2] = qy;
          table[at + 3] = qz;
          positions[3 * count] = x;
          positions[3 * count + 1] = y;
          positions[3 * count + 2] = z;
          out[v] = count++;
          break;
        }
        if (table[at + 1] === qx && table[at + 2] === qy && table[at + 3] === qz) {
          out[v] = slot;
          break;
        }
        h = (h + 1) & mask;
      }
    }
    return out;
  });
  return { ids, count, positions: positions.subarray(0, count * 3) };
}

function finite(value: number): number {
  return Number.isFinite(value) ? value : 0;
}
