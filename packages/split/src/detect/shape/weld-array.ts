import { weldSources } from '../weld-grid.js';

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
 * Weld an xyz array on a grid whose cell is `tolerance` × the bounding-box diagonal, with the weld
 * the label strategies use (weld-grid.ts), on a plain array so the shape core needs no
 * glTF-Transform type.
 */
export function weldPositionArray(source: ArrayLike<number>, tolerance: number): WeldedArray {
  const { ids, count, positions } = weldSources(
    [{ array: source, scale: 1, count: Math.floor(source.length / 3) }],
    tolerance,
  );
  return { ids: ids[0]!, count, positions };
}
