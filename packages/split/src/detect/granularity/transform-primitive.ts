import { type Accessor, Document, type mat4, Primitive, type TypedArray } from '@gltf-transform/core';
import { normalizedDivisor } from '../labels/triangles.js';

/**
 * Moves a primitive's geometry by `matrix`, IN PLACE on fresh accessors (the primitive's own
 * POSITION, NORMAL and TANGENT are replaced by transformed float copies, so accessors another
 * primitive shares are left alone): positions by the matrix, normals by its inverse transpose,
 * tangents by its linear part (w negated across a mirror), and the winding of triangles reversed
 * when the matrix mirrors, so front faces stay front faces.
 *
 * glTF-Transform's `transformPrimitive` does the same, but it lives in @gltf-transform/functions,
 * which the planning entry (`@meshparts/split/inspect`, `meshparts inspect`) must not load: its import
 * is about half of a cold start (BENCHMARKS.md, target 6). Morph targets and strips or fans are not
 * handled: the caller never moves such primitives.
 */
export function transformPrimitiveInPlace(primitive: Primitive, matrix: mat4): void {
  const m = matrix;
  const det =
    m[0] * (m[5] * m[10] - m[6] * m[9]) -
    m[4] * (m[1] * m[10] - m[2] * m[9]) +
    m[8] * (m[1] * m[6] - m[2] * m[5]);
  // Inverse transpose of the linear part (for normals), up to a scale that normalising removes.
  const n = [
    m[5] * m[10] - m[6] * m[9],
    m[6] * m[8] - m[4] * m[10],
    m[4] * m[9] - m[5] * m[8],
    m[2] * m[9] - m[1] * m[10],
    m[0] * m[10] - m[2] * m[8],
    m[1] * m[8] - m[0] * m[9],
    m[1] * m[6] - m[2] * m[5],
    m[2] * m[4] - m[0] * m[6],
    m[0] * m[5] - m[1] * m[4],
  ];
  const position = primitive.getAttribute('POSITION');
  if (position) {
    primitive.setAttribute(
      'POSITION',
      mapped(position, 3, (x, y, z, out) => {
        out[0] = m[0] * x + m[4] * y + m[8] * z + m[12];
        out[1] = m[1] * x + m[5] * y + m[9] * z + m[13];
        out[2] = m[2] * x + m[6] * y + m[10] * z + m[14];
      }),
    );
  }
  const normal = primitive.getAttribute('NORMAL');
  if (normal) {
    primitive.setAttribute(
      'NORMAL',
      mapped(normal, 3, (x, y, z, out) => {
        const nx = n[0]! * x + n[1]! * y + n[2]! * z;
        const ny = n[3]! * x + n[4]! * y + n[5]! * z;
        const nz = n[6]! * x + n[7]! * y + n[8]! * z;
        const length = Math.hypot(nx, ny, nz) || 1;
        out[0] = nx / length;
        out[1] = ny / length;
        out[2] = nz / length;
      }),
    );
  }
  const tangent = primitive.getAttribute('TANGENT');
  if (tangent) {
    primitive.setAttribute(
      'TANGENT',
      mapped(tangent, 4, (x, y, z, out, w) => {
        const tx = m[0] * x + m[4] * y + m[8] * z;
        const ty = m[1] * x + m[5] * y + m[9] * z;
        const tz = m[2] * x + m[6] * y + m[10] * z;
        const length = Math.hypot(tx, ty, tz) || 1;
        out[0] = tx / length;
        out[1] = ty / length;
        out[2] = tz / length;
        out[3] = det < 0 ? -w : w;
      }),
    );
  }
  if (det < 0 && primitive.getMode() === Primitive.Mode.TRIANGLES) reverseWinding(primitive);
}

/** A float copy of `source` with each element mapped (3 or 4 components; the 4th passed as `w`). */
function mapped(
  source: Accessor,
  size: 3 | 4,
  map: (x: number, y: number, z: number, out: number[], w: number) => void,
): Accessor {
  const array = source.getArray()!;
  const scale = 1 / normalizedDivisor(array, source.getNormalized());
  const count = source.getCount();
  const out = new Float32Array(count * size);
  const element = [0, 0, 0, 0];
  for (let i = 0; i < count; i++) {
    const at = i * size;
    map(
      array[at]! * scale,
      array[at + 1]! * scale,
      array[at + 2]! * scale,
      element,
      size === 4 ? array[at + 3]! * scale : 1,
    );
    for (let c = 0; c < size; c++) out[at + c] = element[c]!;
  }
  return source.clone().setNormalized(false).setArray(out).setSparse(false);
}

/** Swaps the last two corners of every triangle, on a fresh index accessor (made for a non-indexed one). */
function reverseWinding(primitive: Primitive): void {
  const indices = primitive.getIndices();
  const count = indices ? indices.getCount() : primitive.getAttribute('POSITION')!.getCount();
  const source: ArrayLike<number> = indices
    ? indices.getArray()!
    : Uint32Array.from({ length: count }, (_, i) => i);
  const out: TypedArray =
    count <= 65535 && (!indices || indices.getArray() instanceof Uint16Array)
      ? new Uint16Array(count)
      : new Uint32Array(count);
  for (let i = 0; i + 2 < count; i += 3) {
    out[i] = source[i]!;
    out[i + 1] = source[i + 2]!;
    out[i + 2] = source[i + 1]!;
  }
  const vertexCount = primitive.getAttribute('POSITION')!.getCount();
  const array = vertexCount > 65535 && out instanceof Uint16Array ? Uint32Array.from(out) : out;
  const fresh = indices
    ? indices.clone().setArray(array)
    : Document.fromGraph(primitive.getGraph())!
        .createAccessor()
        .setType('SCALAR')
        .setArray(array)
        .setBuffer(primitive.getAttribute('POSITION')!.getBuffer());
  primitive.setIndices(fresh);
}
