/** Welded vertices of one position array (see {@link weldPositionArray}). */
export interface WeldedArray {
  /** Per input vertex, its welded id. */
  ids: Uint32Array;
  /** Number of welded vertices. */
  count: number;
  /** Per welded id, its position (x, y, z): the first input vertex that landed there. */
  positions: Float64Array;
}

/**
 * Weld an xyz array on a grid whose cell is `tolerance` × the bounding-box diagonal, like
 * `labels/weld.ts` does for glTF primitives (same grid, same hash), but on a plain array so the
 * shape core needs no glTF-Transform type. Non-finite coordinates are read as 0 so that one bad
 * vertex cannot poison the bounds.
 */
export function weldPositionArray(source: ArrayLike<number>, tolerance: number): WeldedArray {
  const vertices = Math.floor(source.length / 3);
  const read = (i: number) => {
    const value = source[i]!;
    return Number.isFinite(value) ? value : 0;
  };
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < vertices * 3; i++) {
    const value = read(i);
    const axis = i % 3;
    if (value < min[axis]!) min[axis] = value;
    if (value > max[axis]!) max[axis] = value;
  }
  const diagonal = Math.hypot(max[0]! - min[0]!, max[1]! - min[1]!, max[2]! - min[2]!);
  const cell = diagonal > 0 && Number.isFinite(diagonal) ? diagonal * Math.max(tolerance, 1e-9) : 1;
  let capacity = 1;
  while (capacity < vertices * 2) capacity *= 2;
  const mask = capacity - 1;
  // One entry of four int32 per bucket (id, then the cell's x, y, z): one cache miss per probe.
  const table = new Int32Array(capacity * 4).fill(-1);
  const positions = new Float64Array(vertices * 3);
  const ids = new Uint32Array(vertices);
  let count = 0;
  for (let v = 0; v < vertices; v++) {
    const x = read(3 * v);
    const y = read(3 * v + 1);
    const z = read(3 * v + 2);
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
        ids[v] = count++;
        break;
      }
      if (table[at + 1] === qx && table[at + 2] === qy && table[at + 3] === qz) {
        ids[v] = slot;
        break;
      }
      h = (h + 1) & mask;
    }
  }
  return { ids, count, positions: positions.subarray(0, count * 3) };
}
