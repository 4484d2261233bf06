import { type IDENTITY, isIdentity } from '../../math.js';
import type { ThumbnailMesh } from './thumbnail-scene.js';

/** A column-major 4 × 4 matrix (ThumbnailMesh.matrix). */
type Matrix = readonly number[];

/**
 * Where a scene's meshes that carry a `matrix` are placed for one drawing: their positions (float64)
 * and normals (float32) in world space, in memory reused from drawing to drawing (a `ThumbnailCache`
 * keeps one). Why: placing a part into new arrays (a float64 copy of its positions, a float32 copy
 * of its normals) cost ~0.4 ms per nodes-500 part and most of the renderer's garbage, and the
 * byte-level split's arrays are views of the part's bytes that cannot be placed in place.
 */
export class PlacementBuffers {
  positions = new Float64Array(0);
  normals = new Float32Array(0);

  /** Makes room for `positions` and `normals` values (contents are not kept). */
  reserve(positions: number, normals: number): void {
    if (this.positions.length < positions)
      this.positions = new Float64Array(Math.max(positions, this.positions.length * 2));
    if (this.normals.length < normals)
      this.normals = new Float32Array(Math.max(normals, this.normals.length * 2));
  }
}

/**
 * The scene's meshes with every `matrix` applied: positions by {@link placePointsInto}, normals by
 * {@link placeNormalsInto}, into `buffers` (valid until the next call with them). Meshes without a
 * matrix are returned as they are. The arithmetic is the one `staticMeshes` used before it left the
 * placing to the renderer, so the pictures are the same bit for bit.
 */
export function placedMeshes(meshes: readonly ThumbnailMesh[], buffers: PlacementBuffers): ThumbnailMesh[] {
  let positions = 0;
  let normals = 0;
  for (const mesh of meshes) {
    if (!mesh.matrix) continue;
    positions += mesh.positions.length;
    if (mesh.normals && normalsMove(mesh.matrix)) normals += mesh.normals.length;
  }
  if (positions === 0) return meshes as ThumbnailMesh[];
  buffers.reserve(positions, normals);
  let p = 0;
  let n = 0;
  return meshes.map((mesh) => {
    const matrix = mesh.matrix;
    if (!matrix) return mesh;
    const placed = buffers.positions.subarray(p, p + mesh.positions.length);
    p += placed.length;
    placePointsInto(mesh.positions, matrix, placed);
    let placedNormals = mesh.normals ?? null;
    if (mesh.normals && normalsMove(matrix)) {
      placedNormals = buffers.normals.subarray(n, n + mesh.normals.length);
      n += placedNormals.length;
      placeNormalsInto(mesh.normals, matrix, placedNormals);
    }
    return { ...mesh, positions: placed, normals: placedNormals, matrix: null };
  });
}

/**
 * The mesh placed (its `matrix` applied, as {@link placedMeshes} places it) in arrays of its own,
 * none shared with the caller's: for a scene that must outlive the memory its arrays were read into
 * (the byte-level split's whole model, read primitive after primitive into one arena). Placed here,
 * in the one pass that copies them, rather than copied now and placed again by the renderer: for
 * nodes-500's whole model that second pass wrote 63 MB of fresh memory and cost ~0.3 s. Each array
 * is exactly its values, so a worker pool can take their buffers (ThumbnailPool.renderPng's `take`).
 */
export function ownedMesh(mesh: ThumbnailMesh): ThumbnailMesh {
  const matrix = mesh.matrix;
  let positions: Float32Array | Float64Array;
  let normals = mesh.normals ?? null;
  if (matrix) {
    positions = new Float64Array(mesh.positions.length);
    placePointsInto(mesh.positions, matrix, positions);
    if (normals && normalsMove(matrix)) {
      const moved = new Float32Array(normals.length);
      placeNormalsInto(normals, matrix, moved);
      normals = moved;
    } else normals = normals?.slice() ?? null;
  } else {
    positions = mesh.positions.slice();
    normals = normals?.slice() ?? null;
  }
  return {
    ...mesh,
    positions,
    normals,
    matrix: null,
    indices: mesh.indices.slice(),
    colors: mesh.colors?.slice() ?? null,
    uvs: mesh.uvs?.slice() ?? null,
  };
}

/**
 * Whether normals change under `m`: not when it is the identity (to 1e-12, the rule staticMeshes
 * kept), nor when its 3 × 3 part is exactly the identity (a translation: the inverse transpose is
 * the identity, and x·1 + y·0 + z·0 = x; only a −0 could become +0, which lights the same).
 */
function normalsMove(m: Matrix): boolean {
  if (isIdentity(m as typeof IDENTITY)) return false;
  return !(
    m[0] === 1 &&
    m[1] === 0 &&
    m[2] === 0 &&
    m[4] === 0 &&
    m[5] === 1 &&
    m[6] === 0 &&
    m[8] === 0 &&
    m[9] === 0 &&
    m[10] === 1
  );
}

/** Flat xyz points by `m` into `out` (geometry.ts's transformPoints, into given memory). */
export function placePointsInto(local: Float32Array | Float64Array, m: Matrix, out: Float64Array): void {
  const m0 = m[0]!;
  const m1 = m[1]!;
  const m2 = m[2]!;
  const m4 = m[4]!;
  const m5 = m[5]!;
  const m6 = m[6]!;
  const m8 = m[8]!;
  const m9 = m[9]!;
  const m10 = m[10]!;
  const m12 = m[12]!;
  const m13 = m[13]!;
  const m14 = m[14]!;
  for (let i = 0; i + 2 < local.length; i += 3) {
    const x = local[i]!;
    const y = local[i + 1]!;
    const z = local[i + 2]!;
    out[i] = m0 * x + m4 * y + m8 * z + m12;
    out[i + 1] = m1 * x + m5 * y + m9 * z + m13;
    out[i + 2] = m2 * x + m6 * y + m10 * z + m14;
  }
}

/** 3 × 3 determinant of a 4 × 4 column-major matrix (negative: the transform mirrors). */
export function determinant3(m: Matrix): number {
  return (
    m[0]! * (m[5]! * m[10]! - m[9]! * m[6]!) -
    m[4]! * (m[1]! * m[10]! - m[9]! * m[2]!) +
    m[8]! * (m[1]! * m[6]! - m[5]! * m[2]!)
  );
}

/**
 * Normals by the inverse transpose of the matrix's 3 × 3 part (correct under non-uniform scale):
 * the cofactor matrix, with the determinant's sign (the renderer normalises), into `out`.
 */
export function placeNormalsInto(local: Float32Array | Float64Array, m: Matrix, out: Float32Array): void {
  const sign = determinant3(m) < 0 ? -1 : 1;
  // Columns a, b, c of the 3 × 3 part; cofactor columns are b × c, c × a, a × b.
  const a0 = m[0]!;
  const a1 = m[1]!;
  const a2 = m[2]!;
  const b0 = m[4]!;
  const b1 = m[5]!;
  const b2 = m[6]!;
  const c0 = m[8]!;
  const c1 = m[9]!;
  const c2 = m[10]!;
  const k0 = (b1 * c2 - b2 * c1) * sign;
  const k1 = (b2 * c0 - b0 * c2) * sign;
  const k2 = (b0 * c1 - b1 * c0) * sign;
  const k3 = (c1 * a2 - c2 * a1) * sign;
  const k4 = (c2 * a0 - c0 * a2) * sign;
  const k5 = (c0 * a1 - c1 * a0) * sign;
  const k6 = (a1 * b2 - a2 * b1) * sign;
  const k7 = (a2 * b0 - a0 * b2) * sign;
  const k8 = (a0 * b1 - a1 * b0) * sign;
  for (let i = 0; i + 2 < local.length; i += 3) {
    const x = local[i]!;
    const y = local[i + 1]!;
    const z = local[i + 2]!;
    out[i] = x * k0 + y * k3 + z * k6;
    out[i + 1] = x * k1 + y * k4 + z * k7;
    out[i + 2] = x * k2 + y * k5 + z * k8;
  }
}
