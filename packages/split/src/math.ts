import { MathUtils, type mat4, type vec3, type vec4 } from '@gltf-transform/core';

/**
 * The few 4×4 matrix operations the split needs, column-major as glTF stores them. Kept local
 * (instead of pulling gl-matrix) because glTF-Transform does not re-export its copy.
 */

export const IDENTITY: mat4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

/** a × b (apply b first, then a). */
export function multiply(a: mat4, b: mat4): mat4 {
  const out = new Array<number>(16).fill(0);
  for (let col = 0; col < 4; col++) {
    for (let row = 0; row < 4; row++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += a[k * 4 + row]! * b[col * 4 + k]!;
      out[col * 4 + row] = sum;
    }
  }
  return out as unknown as mat4;
}

/** Inverse of an affine or general 4×4 matrix; throws on a singular matrix (a zero scale). */
export function invert(m: mat4): mat4 {
  const inverse = tryInvert(m);
  if (!inverse) throw new Error('cannot invert a singular matrix');
  return inverse;
}

/** Inverse of a 4×4 matrix, or null when it is singular (a node scaled to zero, say). */
export function tryInvert(m: mat4): mat4 | null {
  const [a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23, a30, a31, a32, a33] = m;
  const b00 = a00 * a11 - a01 * a10;
  const b01 = a00 * a12 - a02 * a10;
  const b02 = a00 * a13 - a03 * a10;
  const b03 = a01 * a12 - a02 * a11;
  const b04 = a01 * a13 - a03 * a11;
  const b05 = a02 * a13 - a03 * a12;
  const b06 = a20 * a31 - a21 * a30;
  const b07 = a20 * a32 - a22 * a30;
  const b08 = a20 * a33 - a23 * a30;
  const b09 = a21 * a32 - a22 * a31;
  const b10 = a21 * a33 - a23 * a31;
  const b11 = a22 * a33 - a23 * a32;
  const det = b00 * b11 - b01 * b10 + b02 * b09 + b03 * b08 - b04 * b07 + b05 * b06;
  if (!det || !Number.isFinite(det)) return null;
  const d = 1 / det;
  return [
    (a11 * b11 - a12 * b10 + a13 * b09) * d,
    (a02 * b10 - a01 * b11 - a03 * b09) * d,
    (a31 * b05 - a32 * b04 + a33 * b03) * d,
    (a22 * b04 - a21 * b05 - a23 * b03) * d,
    (a12 * b08 - a10 * b11 - a13 * b07) * d,
    (a00 * b11 - a02 * b08 + a03 * b07) * d,
    (a32 * b02 - a30 * b05 - a33 * b01) * d,
    (a20 * b05 - a22 * b02 + a23 * b01) * d,
    (a10 * b10 - a11 * b08 + a13 * b06) * d,
    (a01 * b08 - a00 * b10 - a03 * b06) * d,
    (a30 * b04 - a31 * b02 + a33 * b00) * d,
    (a21 * b02 - a20 * b04 - a23 * b00) * d,
    (a11 * b07 - a10 * b09 - a12 * b06) * d,
    (a00 * b09 - a01 * b07 + a02 * b06) * d,
    (a31 * b01 - a30 * b03 - a32 * b00) * d,
    (a20 * b03 - a21 * b01 + a22 * b00) * d,
  ] as unknown as mat4;
}

export function translation(t: vec3): mat4 {
  return [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, t[0], t[1], t[2], 1];
}

export function isIdentity(m: mat4, tolerance = 1e-12): boolean {
  for (let i = 0; i < 16; i++) if (Math.abs(m[i]! - IDENTITY[i]!) > tolerance) return false;
  return true;
}

/** Writes m × (x, y, z, 1) into out at offset (no perspective divide: glTF node matrices are affine). */
export function transformPointInto(
  m: mat4,
  x: number,
  y: number,
  z: number,
  out: Float64Array | number[],
  offset: number,
): void {
  out[offset] = m[0] * x + m[4] * y + m[8] * z + m[12];
  out[offset + 1] = m[1] * x + m[5] * y + m[9] * z + m[13];
  out[offset + 2] = m[2] * x + m[6] * y + m[10] * z + m[14];
}

/** A node transform as glTF stores it (the matrix T × R × S). */
export interface TRS {
  translation: vec3;
  rotation: vec4;
  scale: vec3;
}

/** The node transform that changes nothing. */
export function identityTRS(): TRS {
  return { translation: [0, 0, 0], rotation: [0, 0, 0, 1], scale: [1, 1, 1] };
}

/** The matrix of a node transform, composed exactly as glTF-Transform's `Node.getMatrix` does. */
export function composeTRS(trs: TRS): mat4 {
  return MathUtils.compose(
    trs.translation,
    trs.rotation,
    trs.scale,
    new Array<number>(16) as unknown as mat4,
  );
}

/**
 * The world matrix of the last node of a chain of nodes (outermost first), computed as
 * `createWorldMatrices` computes it: parent world × child matrix, so both give the same numbers.
 */
export function composeChain(chain: readonly TRS[]): mat4 {
  let matrix = composeTRS(chain[0] ?? identityTRS());
  for (const trs of chain.slice(1)) matrix = multiply(matrix, composeTRS(trs));
  return matrix;
}

/** Largest difference between the 3×3 linear parts of two matrices. */
function linearDistance(a: mat4, b: mat4): number {
  let distance = 0;
  for (const i of [0, 1, 2, 4, 5, 6, 8, 9, 10]) distance = Math.max(distance, Math.abs(a[i]! - b[i]!));
  return distance;
}

/** Whether the linear part of `m` is the identity within `tolerance` (a pure translation). */
export function isTranslationOnly(m: mat4, tolerance: number): boolean {
  return linearDistance(m, IDENTITY) <= tolerance;
}

/**
 * How far from TRS a matrix may be and still be written as one TRS: 1e-7 of its largest column,
 * about the precision of the float32 vertex data it transforms (the difference would not show).
 */
const TRS_TOLERANCE = 1e-7;

/** Unit quaternion of a proper rotation matrix (columns orthonormal, determinant +1). */
function rotationQuaternion(m: mat4): vec4 {
  const t: vec3 = [0, 0, 0];
  const r: vec4 = [0, 0, 0, 1];
  const s: vec3 = [1, 1, 1];
  MathUtils.decompose(m, t, r, s);
  const length = Math.hypot(r[0], r[1], r[2], r[3]);
  return [r[0] / length, r[1] / length, r[2] / length, r[3] / length];
}

type Vector3 = [number, number, number];
const dot = (a: Vector3, b: Vector3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const det3 = (a: Vector3, b: Vector3, c: Vector3) =>
  a[0] * (b[1] * c[2] - b[2] * c[1]) -
  b[0] * (a[1] * c[2] - a[2] * c[1]) +
  c[0] * (a[1] * b[2] - a[2] * b[1]);

/** The 4×4 matrix whose linear part has the given columns (no translation). */
function fromColumns(columns: readonly Vector3[]): mat4 {
  const [a, b, c] = columns as [Vector3, Vector3, Vector3];
  return [a[0], a[1], a[2], 0, b[0], b[1], b[2], 0, c[0], c[1], c[2], 0, 0, 0, 0, 1];
}

/**
 * Singular value decomposition of the 3×3 linear part of `m`: L = U × diag(σ) × Vᵀ with U and V
 * proper rotations (determinant +1); a mirror (det L < 0) is carried by a negative σ₀, as glTF scales
 * carry it. A singular L (a zero scale) gets zero singular values; null only for non-finite input.
 *
 * One-sided Jacobi (Hestenes): plane rotations of L's columns until they are orthogonal; quadratic
 * convergence, accurate to double precision for any conditioning. Written here rather than taken from
 * a matrix library (ml-matrix has an SVD) because the case is 3×3 only, the sign conventions above
 * (proper rotations, the mirror in the scale) must be imposed on any library's result anyway, and
 * this is the whole of it.
 */
function svd3(m: mat4): { u: mat4; sigma: vec3; v: mat4 } | null {
  const a: Vector3[] = [
    [m[0], m[1], m[2]],
    [m[4], m[5], m[6]],
    [m[8], m[9], m[10]],
  ];
  const v: Vector3[] = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  for (let sweep = 0; sweep < 64; sweep++) {
    let rotated = false;
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ] as const) {
      const alpha = dot(a[p]!, a[p]!);
      const beta = dot(a[q]!, a[q]!);
      const gamma = dot(a[p]!, a[q]!);
      if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
      rotated = true;
      const zeta = (beta - alpha) / (2 * gamma);
      const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
      const c = 1 / Math.sqrt(1 + t * t);
      const s = c * t;
      for (const columns of [a, v]) {
        const cp = columns[p]!;
        const cq = columns[q]!;
        for (let k = 0; k < 3; k++) {
          const x = cp[k]!;
          const y = cq[k]!;
          cp[k] = c * x - s * y;
          cq[k] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  // L × V = A: A's columns are U's scaled by σ. Make V proper (flip its last column and A's with it).
  if (det3(v[0]!, v[1]!, v[2]!) < 0) {
    for (const columns of [a, v]) columns[2] = columns[2]!.map((x) => -x) as Vector3;
  }
  const sigma = a.map((column) => Math.hypot(...column)) as vec3;
  if (!sigma.every(Number.isFinite)) return null;
  const u: Vector3[] = [];
  for (const [j, column] of a.entries()) {
    if (sigma[j]! > 0) u[j] = column.map((x) => x / sigma[j]!) as Vector3;
  }
  // A singular L (a zero scale) leaves columns of U free: any unit vectors orthogonal to the others.
  for (let j = 0; j < 3; j++) {
    if (u[j]) continue;
    let best: Vector3 = [1, 0, 0];
    let bestScore = Infinity;
    for (const axis of [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ] as Vector3[]) {
      const score = u.reduce((sum, other) => sum + (other ? Math.abs(dot(other, axis)) : 0), 0);
      if (score < bestScore) [best, bestScore] = [axis, score];
    }
    const w = [...best] as Vector3;
    for (const other of u) {
      if (!other) continue;
      const d = dot(other, w);
      for (let k = 0; k < 3; k++) w[k] = w[k]! - d * other[k]!;
    }
    const length = Math.hypot(...w);
    u[j] = w.map((x) => x / length) as Vector3;
  }
  // Make U proper too: a mirror moves into the first scale.
  if (det3(u[0]!, u[1]!, u[2]!) < 0) {
    // A free column (zero scale) takes the flip at no cost; else the first scale turns negative.
    const j = Math.max(0, sigma.indexOf(0));
    u[j] = u[j]!.map((x) => -x) as Vector3;
    sigma[j] = sigma[j] === 0 ? 0 : -sigma[j]!;
  }
  return { u: fromColumns(u), sigma, v: fromColumns(v) };
}

/**
 * Node transforms (outermost first) whose chain composes to `m`, for a glTF file, where every node
 * transform is TRS (a node `matrix` must decompose to TRS too). One TRS when m is a rotation times a
 * scale, mirrored or not (within 1e-7 of its size); else m has shear (a non-uniform scale above a
 * rotation in the source's hierarchy) and two transforms make it exactly, by the SVD L = U Σ Vᵀ:
 * `(t, U, Σ)` then `(0, Vᵀ, 1)`, the same kind of chain the source itself used to make the shear.
 * A singular m (a zero scale) decomposes too, with a zero in Σ. Null only for non-finite values.
 */
export function decomposeAffine(m: mat4): TRS[] | null {
  if (!m.every(Number.isFinite)) return null;
  const size = Math.max(
    Math.hypot(m[0], m[1], m[2]),
    Math.hypot(m[4], m[5], m[6]),
    Math.hypot(m[8], m[9], m[10]),
  );
  const translation: vec3 = [m[12], m[13], m[14]];
  const single: TRS = { translation, rotation: [0, 0, 0, 1], scale: [1, 1, 1] };
  MathUtils.decompose(m, [0, 0, 0], single.rotation, single.scale);
  const length = Math.hypot(...single.rotation);
  single.rotation = single.rotation.map((value) => value / length) as vec4;
  if (linearDistance(composeTRS(single), m) <= TRS_TOLERANCE * size) return [single];
  const svd = svd3(m);
  if (!svd) return null;
  const inverseV = [...svd.v] as unknown as mat4;
  // Vᵀ: transpose the 3×3 part.
  for (const [i, j] of [
    [1, 4],
    [2, 8],
    [6, 9],
  ] as const) {
    inverseV[i] = svd.v[j];
    inverseV[j] = svd.v[i];
  }
  return [
    { translation: [...translation], rotation: rotationQuaternion(svd.u), scale: svd.sigma },
    { translation: [0, 0, 0], rotation: rotationQuaternion(inverseV), scale: [1, 1, 1] },
  ];
}

/**
 * A node transform as glTF-Transform's writer will write it: a translation, rotation or scale within
 * 1e-5 of its default is left out of the file (`MathUtils.eq`), so it is set to the default here,
 * and whatever is computed from the transform (placements, bounds) matches the file.
 */
export function asWritten(trs: TRS): TRS {
  return {
    translation: MathUtils.eq(trs.translation, [0, 0, 0]) ? [0, 0, 0] : [...trs.translation],
    rotation: MathUtils.eq(trs.rotation, [0, 0, 0, 1]) ? [0, 0, 0, 1] : [...trs.rotation],
    scale: MathUtils.eq(trs.scale, [1, 1, 1]) ? [1, 1, 1] : [...trs.scale],
  };
}
