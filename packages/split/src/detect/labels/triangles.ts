import { Primitive, type TypedArray } from '@gltf-transform/core';

/**
 * Label splits work on triangle lists only. Points and lines have no faces to label, and
 * strips/fans are rare in practice (glTF-Transform's writers emit lists); those primitives
 * pass through whole.
 */
export function isTriangleList(primitive: Primitive): boolean {
  return primitive.getMode() === Primitive.Mode.TRIANGLES && primitive.getAttribute('POSITION') !== null;
}

/** Vertex count of a primitive (its POSITION count). */
export function vertexCount(primitive: Primitive): number {
  return primitive.getAttribute('POSITION')?.getCount() ?? 0;
}

/**
 * The vertex indices of a triangle list, three per triangle. Non-indexed primitives get
 * 0…n-1 without copying the geometry; a trailing partial triangle is ignored.
 */
export function triangleIndices(primitive: Primitive): ArrayLike<number> {
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
