import { Primitive, type TypedArray } from '@gltf-transform/core';
import { vertexCount } from '../../geometry.js';

/**
 * Label splits work on triangle lists only. Points and lines have no faces to label, and
 * strips/fans are rare in practice (glTF-Transform's writers emit lists); those primitives
 * pass through whole.
 */
export function isTriangleList(primitive: Primitive): boolean {
  return primitive.getMode() === Primitive.Mode.TRIANGLES && primitive.getAttribute('POSITION') !== null;
}

/**
 * The vertex indices of a triangle list, three per triangle: a view of the index buffer, not a copy
 * (geometry.ts's `triangleListIndices` covers every mode and copies). Non-indexed primitives get 0…n-1;
 * a trailing partial triangle is ignored.
 */
export function triangleListIndices(primitive: Primitive): ArrayLike<number> {
  const indices = primitive.getIndices()?.getArray();
  if (indices)
    return indices.length % 3 === 0 ? indices : indices.subarray(0, indices.length - (indices.length % 3));
  const count = vertexCount(primitive);
  const implicit = new Uint32Array(count - (count % 3));
  for (let i = 0; i < implicit.length; i++) implicit[i] = i;
  return implicit;
}

/** Divisor that turns stored values into their decoded value (normalized integers → 0–1). */
export function normalizedDivisor(array: TypedArray, normalized: boolean): number {
  if (!normalized) return 1;
  if (array instanceof Uint8Array) return 255;
  if (array instanceof Int8Array) return 127;
  if (array instanceof Uint16Array) return 65535;
  if (array instanceof Int16Array) return 32767;
  if (array instanceof Uint32Array) return 4294967295;
  return 1;
}

/**
 * The label of triangle `triangle` from its three vertices' labels (`values` per vertex): the majority, or the first vertex's when
 * all three differ. Majority rather than first-vertex, because segmenters that label vertices (not
 * faces) leave seam triangles whose vertices disagree; the majority puts such a triangle with the part
 * it mostly belongs to, independently of the vertex order.
 */
export function majorityLabel(
  values: ArrayLike<number>,
  indices: ArrayLike<number>,
  triangle: number,
): number {
  const a = values[indices[3 * triangle]!]!;
  const b = values[indices[3 * triangle + 1]!]!;
  const c = values[indices[3 * triangle + 2]!]!;
  return a === b || a === c ? a : b === c ? b : a;
}
