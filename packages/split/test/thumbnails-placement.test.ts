import type { mat4 } from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import { transformPoints } from '../src/geometry.js';
import {
  frameThumbnail,
  ownedMesh,
  renderThumbnail,
  renderThumbnailScenePng,
  staticMeshes,
  ThumbnailCache,
  type ThumbnailMesh,
} from '../src/pack/thumbnails/index.js';
import { cubeMesh, sphereMesh } from './helpers/thumbnail-checks.js';

/** Rotation about (1, 2, 3) by 0.7 rad, scale (2, 0.5, 1.5), translation (3, −1, 7): column-major. */
function skewedMatrix(mirror = false): mat4 {
  const [x, y, z] = [1, 2, 3].map((v) => v / Math.hypot(1, 2, 3)) as [number, number, number];
  const c = Math.cos(0.7);
  const s = Math.sin(0.7);
  const t = 1 - c;
  const r = [
    [t * x * x + c, t * x * y - s * z, t * x * z + s * y],
    [t * x * y + s * z, t * y * y + c, t * y * z - s * x],
    [t * x * z - s * y, t * y * z + s * x, t * z * z + c],
  ];
  const scale = [mirror ? -2 : 2, 0.5, 1.5];
  const m = new Array<number>(16).fill(0);
  for (let col = 0; col < 3; col++)
    for (let row = 0; row < 3; row++) m[col * 4 + row] = r[row]![col]! * scale[col]!;
  m[12] = 3;
  m[13] = -1;
  m[14] = 7;
  m[15] = 1;
  return m as mat4;
}

/**
 * The mesh placed by hand, as staticMeshes placed it before the renderer did: positions by
 * geometry.ts's transformPoints (float64), normals by the inverse transpose (cofactors × the sign of
 * the determinant) stored as float32.
 */
function placedByHand(mesh: ThumbnailMesh, m: mat4): ThumbnailMesh {
  const det =
    m[0] * (m[5] * m[10] - m[9] * m[6]) -
    m[4] * (m[1] * m[10] - m[9] * m[2]) +
    m[8] * (m[1] * m[6] - m[5] * m[2]);
  const sign = det < 0 ? -1 : 1;
  const [a0, a1, a2, , b0, b1, b2, , c0, c1, c2] = m;
  const k = [
    b1 * c2 - b2 * c1,
    b2 * c0 - b0 * c2,
    b0 * c1 - b1 * c0,
    c1 * a2 - c2 * a1,
    c2 * a0 - c0 * a2,
    c0 * a1 - c1 * a0,
    a1 * b2 - a2 * b1,
    a2 * b0 - a0 * b2,
    a0 * b1 - a1 * b0,
  ].map((v) => v * sign);
  const local = mesh.normals!;
  const normals = new Float32Array(local.length);
  for (let i = 0; i < local.length; i += 3) {
    const [x, y, z] = [local[i]!, local[i + 1]!, local[i + 2]!];
    normals[i] = x * k[0]! + y * k[3]! + z * k[6]!;
    normals[i + 1] = x * k[1]! + y * k[4]! + z * k[7]!;
    normals[i + 2] = x * k[2]! + y * k[5]! + z * k[8]!;
  }
  return { ...mesh, positions: transformPoints(mesh.positions, m), normals, matrix: null };
}

describe('ThumbnailMesh.matrix (placement in the renderer)', () => {
  it('draws a mesh with a matrix exactly as the same mesh placed beforehand', () => {
    const sphere = { ...sphereMesh(24, 32, [0.2, 0, 0], 0.08), baseColorFactor: [0.7, 0.4, 0.2, 1] } as const;
    for (const mirror of [false, true]) {
      const m = skewedMatrix(mirror);
      // staticMeshes reverses the winding under a mirroring matrix; the renderer applies the rest.
      const [withMatrix] = staticMeshes(
        {
          triangles: sphere.indices,
          positions: sphere.positions,
          normals: sphere.normals as Float32Array,
          colors: null,
          matrices: [m],
        },
        { baseColorFactor: sphere.baseColorFactor },
      );
      expect(withMatrix!.matrix).toBe(m);
      const byHand = placedByHand(withMatrix!, m);
      const a = renderThumbnail({ meshes: [withMatrix!] }, { size: 96 });
      const b = renderThumbnail({ meshes: [byHand] }, { size: 96 });
      expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
      // Lit and framed as placed: the picture has many shades and fills the frame.
      expect(frameThumbnail({ meshes: [withMatrix!] }, 96)!.project(3, -1, 7)).toEqual(
        frameThumbnail({ meshes: [byHand] }, 96)!.project(3, -1, 7),
      );
      // And not as the unplaced mesh would be drawn (the matrix matters).
      const unplaced = renderThumbnail({ meshes: [{ ...withMatrix!, matrix: null }] }, { size: 96 });
      expect(Buffer.from(unplaced.data).equals(Buffer.from(a.data))).toBe(false);
    }
  });

  it('reuses the cache memory between scenes without leaking one into the next', async () => {
    const cache = new ThumbnailCache();
    const big = { meshes: [{ ...sphereMesh(40, 60), matrix: skewedMatrix() }] };
    const small = {
      meshes: [
        { ...cubeMesh([0, 0, 0]), matrix: skewedMatrix(), baseColorFactor: [0.1, 0.8, 0.2, 1] as const },
        { ...cubeMesh([2, 0, 0]), matrix: skewedMatrix(true), baseColorFactor: [0.8, 0.1, 0.2, 1] as const },
      ],
    };
    await renderThumbnailScenePng(big, { size: 64, cache });
    const reused = await renderThumbnailScenePng(small, { size: 64, cache });
    const fresh = await renderThumbnailScenePng(small, { size: 64 });
    expect(Buffer.from(reused).equals(Buffer.from(fresh))).toBe(true);
    // The caller's arrays are never written.
    expect(Array.from(small.meshes[0]!.positions)).toEqual(Array.from(cubeMesh([0, 0, 0]).positions));
  });

  it('ownedMesh places the mesh into arrays of its own, drawn as the mesh with its matrix', () => {
    const mesh: ThumbnailMesh = {
      ...cubeMesh(),
      colors: new Float32Array(24 * 4).fill(0.5),
      uvs: new Float32Array(24 * 2),
      matrix: skewedMatrix(),
    };
    const before = Array.from(mesh.positions);
    const owned = ownedMesh(mesh);
    expect(owned.matrix).toBeNull();
    expect(Array.from(owned.positions)).toEqual(Array.from(placedByHand(mesh, skewedMatrix()).positions));
    for (const key of ['positions', 'normals', 'indices', 'colors', 'uvs'] as const) {
      expect(owned[key]!.buffer).not.toBe(mesh[key]!.buffer);
      expect(owned[key]!.byteLength).toBe(owned[key]!.buffer.byteLength);
    }
    expect(Array.from(mesh.positions)).toEqual(before);
    const a = renderThumbnail({ meshes: [owned] }, { size: 48 });
    const b = renderThumbnail({ meshes: [mesh] }, { size: 48 });
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
  });
});
