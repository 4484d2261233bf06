import { describe, expect, it } from 'vitest';
import { frameThumbnail, type ThumbnailMesh, usedVertices } from '../src/pack/thumbnails/index.js';
import { PreparedMesh, VertexBuffers } from '../src/pack/thumbnails/prepared-mesh.js';
import { drawTriangles } from '../src/pack/thumbnails/rasterizer.js';
import { drawShadedQuad, drawsShadedQuad } from '../src/pack/thumbnails/rasterizer-shaded.js';
import { RenderTarget } from '../src/pack/thumbnails/render-target.js';
import { ShadeTables } from '../src/pack/thumbnails/shade-table.js';
import { MipmapCache } from '../src/pack/thumbnails/texture-sampler.js';
import { cubeMesh, gridMesh, quadMesh, quadrantsImage, sphereMesh } from './helpers/thumbnail-checks.js';

/**
 * Draws the meshes in order into two targets, one with the general rasterizer and one with the
 * shaded 2 × 2 one, and returns both (the frame as drawThumbnail makes it).
 */
function drawBoth(meshes: ThumbnailMesh[], size: number): [RenderTarget, RenderTarget] {
  const scene = { meshes };
  const used = meshes.map(usedVertices);
  const frame = frameThumbnail(scene, size * 2, used)!;
  const general = new RenderTarget(size, 2);
  const shaded = new RenderTarget(size, 2);
  const mipmaps = new MipmapCache();
  const shades = new ShadeTables();
  meshes.forEach((mesh, m) => {
    const prepared = new PreparedMesh(mesh, frame, used[m]!, mipmaps, new VertexBuffers(), shades);
    expect(drawsShadedQuad(shaded, prepared)).toBe(true);
    const count = mesh.indices.length / 3;
    drawTriangles(general, prepared, null, 0, count);
    drawShadedQuad(shaded, prepared, 0, count);
  });
  return [general, shaded];
}

/** Samples covered (inverse depth > 0) in a target. */
function coveredSamples(target: RenderTarget): number {
  let count = 0;
  for (let pixel = 0; pixel < target.size * target.size; pixel++)
    for (let s = 0; s < 4; s++) if (target.depth[pixel * 8 + s]! > 0) count++;
  return count;
}

describe('the shaded 2 × 2 rasterizer', () => {
  it('writes the same depths and colour words as the general rasterizer, bit for bit', () => {
    const scenes: Array<{ meshes: ThumbnailMesh[]; size: number }> = [
      // Smooth light (per-vertex normals) and flat light (no normals), intersecting: depth decides
      // sample by sample where they cross.
      {
        meshes: [
          { ...sphereMesh(24, 48, [0, 0, 0], 0.05), baseColorFactor: [0.7, 0.35, 0.1, 1] },
          { ...cubeMesh([0.9, -0.3, 0.5], 0.9, false), baseColorFactor: [0.1, 0.4, 0.8, 1] },
        ],
        size: 96,
      },
      // Small triangles, as a part's: many partial pixels on shared edges.
      {
        meshes: [{ ...sphereMesh(60, 120, [0, 0, 0], 0.05), baseColorFactor: [0.2, 0.8, 0.3, 1] }],
        size: 128,
      },
      // Large triangles (bounding boxes beyond 64 pixels: spans by division), double-sided and seen
      // from behind, and unlit.
      {
        meshes: [
          { ...quadMesh(), baseColorFactor: [0.9, 0.9, 0.2, 1], doubleSided: true },
          { ...cubeMesh([0.2, 0.1, -0.6], 0.7), baseColorFactor: [0.8, 0.1, 0.1, 1], unlit: true },
        ],
        size: 160,
      },
      { meshes: [{ ...gridMesh(40), baseColorFactor: [0.5, 0.5, 0.9, 1], doubleSided: true }], size: 97 },
    ];
    // The quad turned away: its back is what the camera sees.
    const back = scenes[2]!.meshes[0]!;
    const flipped = back.indices.slice();
    for (let i = 0; i < flipped.length; i += 3) [flipped[i], flipped[i + 1]] = [flipped[i + 1]!, flipped[i]!];
    scenes[2]!.meshes[0] = { ...back, indices: flipped };

    for (const { meshes, size } of scenes) {
      const [general, shaded] = drawBoth(meshes, size);
      expect(coveredSamples(shaded)).toBeGreaterThan(size * size);
      // Depths and colours share one buffer: compare its bits.
      expect(Buffer.from(shaded.color.buffer).equals(Buffer.from(general.color.buffer))).toBe(true);
      expect(Array.from(shaded.rowFirst)).toEqual(Array.from(general.rowFirst));
      expect(Array.from(shaded.rowLast)).toEqual(Array.from(general.rowLast));
    }
  });

  it('is used only for opaque meshes coloured by their factor, at 2 × 2 samples', () => {
    const frame = frameThumbnail({ meshes: [quadMesh()] }, 128)!;
    const mipmaps = new MipmapCache();
    const shades = new ShadeTables();
    const prepare = (mesh: ThumbnailMesh) =>
      new PreparedMesh(mesh, frame, usedVertices(mesh), mipmaps, new VertexBuffers(), shades);
    const quad = new RenderTarget(64, 2);
    expect(drawsShadedQuad(quad, prepare(quadMesh()))).toBe(true);
    expect(drawsShadedQuad(new RenderTarget(64, 1), prepare(quadMesh()))).toBe(false);
    expect(drawsShadedQuad(new RenderTarget(32, 4), prepare(quadMesh()))).toBe(false);
    expect(drawsShadedQuad(quad, prepare({ ...quadMesh(), alphaMode: 'BLEND' }))).toBe(false);
    expect(drawsShadedQuad(quad, prepare({ ...quadMesh(), alphaMode: 'MASK' }))).toBe(false);
    const colors = new Float32Array(4 * 4).fill(1);
    expect(drawsShadedQuad(quad, prepare({ ...quadMesh(), colors }))).toBe(false);
    expect(drawsShadedQuad(quad, prepare({ ...quadMesh(), texture: { image: quadrantsImage() } }))).toBe(
      false,
    );
  });
});
