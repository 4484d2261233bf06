/** glTF primitive modes (the `mode` of a primitive). */
const POINTS = 0;
const LINES = 1;
const LINE_LOOP = 2;
const LINE_STRIP = 3;
const TRIANGLES = 4;
const TRIANGLE_STRIP = 5;
const TRIANGLE_FAN = 6;

/**
 * Calls `visit(a, b, c)` with the vertex indices of every element a primitive draws: each triangle of
 * a list, strip or fan; each segment of lines (c = b); each point (a = b = c). What a texture sampled
 * over an element can reach lies inside the convex hull of its vertices' UVs, so these are what the
 * UV coverage needs, whatever the mode.
 */
export function forEachElement(
  indices: ArrayLike<number> | null,
  vertexCount: number,
  mode: number,
  visit: (a: number, b: number, c: number) => void,
): void {
  const count = indices ? indices.length : vertexCount;
  const at = indices ? (i: number) => indices[i]! : (i: number) => i;
  switch (mode) {
    case POINTS:
      for (let i = 0; i < count; i++) visit(at(i), at(i), at(i));
      return;
    case LINES:
      for (let i = 0; i + 1 < count; i += 2) visit(at(i), at(i + 1), at(i + 1));
      return;
    case LINE_LOOP:
    case LINE_STRIP:
      for (let i = 0; i + 1 < count; i++) visit(at(i), at(i + 1), at(i + 1));
      if (mode === LINE_LOOP && count > 1) visit(at(count - 1), at(0), at(0));
      return;
    case TRIANGLES:
      for (let i = 0; i + 2 < count; i += 3) visit(at(i), at(i + 1), at(i + 2));
      return;
    case TRIANGLE_STRIP:
      for (let i = 0; i + 2 < count; i++) visit(at(i), at(i + 1), at(i + 2));
      return;
    case TRIANGLE_FAN:
      for (let i = 1; i + 1 < count; i++) visit(at(0), at(i), at(i + 1));
      return;
    default:
      // An unknown mode: treat each vertex as a point, which still covers every UV it reads.
      for (let i = 0; i < count; i++) visit(at(i), at(i), at(i));
  }
}
