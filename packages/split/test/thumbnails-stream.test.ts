import { describe, expect, it } from 'vitest';
import {
  drawThumbnailStream,
  renderThumbnail,
  renderThumbnailScenePng,
  renderThumbnailStreamPng,
  StreamedThumbnail,
  streamedThumbnailPng,
  ThumbnailCache,
  type ThumbnailMesh,
  type ThumbnailSceneStream,
} from '../src/pack/thumbnails/index.js';
import { cubeMesh, quadMesh, quadrantsImage, sphereMesh } from './helpers/thumbnail-checks.js';

/** Translation by (x, y, z), column-major. */
const moved = (x: number, y: number, z: number) => [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, x, y, z, 1];

/** Opaque, placed by a matrix, blended, cut out, textured and double-sided meshes, in drawing order. */
function meshes(): ThumbnailMesh[] {
  return [
    { ...sphereMesh(16, 32), baseColorFactor: [0.7, 0.35, 0.1, 1] },
    { ...cubeMesh([0, 0, 0], 0.9), baseColorFactor: [0.1, 0.4, 0.8, 1], matrix: moved(1.1, -0.3, 0.4) },
    { ...cubeMesh([-0.9, 0.5, 0.6], 0.7), baseColorFactor: [0.9, 0.9, 0.9, 0.45], alphaMode: 'BLEND' },
    {
      ...sphereMesh(8, 16),
      baseColorFactor: [0.2, 0.8, 0.3, 0.5],
      alphaMode: 'BLEND',
      matrix: moved(0.3, 0.8, 1),
    },
    {
      ...quadMesh(0.2),
      texture: { image: quadrantsImage([255, 0, 255, 120]) },
      alphaMode: 'MASK',
      doubleSided: true,
      matrix: moved(-1, -1, 0),
    },
  ];
}

/**
 * The meshes as a stream that reuses its memory the way the byte-level split's arena does: each mesh's
 * arrays are copies made for the visit and overwritten with garbage once it returns, so a drawing
 * that kept any of them would change.
 */
function reusingStream(source: ThumbnailMesh[]): ThumbnailSceneStream & { reads: number[] } {
  const stream = {
    units: source.length,
    /** How many times each mesh was read. */
    reads: source.map(() => 0),
    forEachMesh(visit: (mesh: ThumbnailMesh) => void, from: number, to: number) {
      for (const [i, mesh] of source.entries()) {
        if (i < from || i >= to) continue;
        stream.reads[i]!++;
        const lent = {
          ...mesh,
          positions: mesh.positions.slice(),
          indices: mesh.indices.slice(),
          normals: mesh.normals?.slice() ?? null,
          uvs: mesh.uvs?.slice() ?? null,
        };
        visit(lent);
        lent.positions.fill(Number.NaN);
        lent.indices.fill(0);
        lent.normals?.fill(0);
        lent.uvs?.fill(0);
      }
    },
  };
  return stream;
}

describe('a scene drawn mesh by mesh (drawThumbnailStream)', () => {
  it('draws what the whole scene draws, bit for bit, though each mesh is let go after its visit', async () => {
    const cache = new ThumbnailCache();
    const scene = { meshes: meshes() };
    const stream = reusingStream(scene.meshes);
    const expected = renderThumbnail(scene, { size: 96 });
    const target = drawThumbnailStream(stream, { size: 96, cache });
    expect(target).not.toBeNull();
    const drawn = target!.resolve();
    // Framed in two passes, drawn in a third.
    expect(stream.reads).toEqual(scene.meshes.map(() => 3));
    expect(Buffer.from(drawn.data).equals(Buffer.from(expected.data))).toBe(true);
    // Something of every kind is on the picture: opaque, blended (partial alpha) and empty pixels.
    const alphas = new Set(drawn.data.filter((_, i) => i % 4 === 3));
    expect(alphas.has(0) && alphas.has(255) && [...alphas].some((a) => a > 0 && a < 255)).toBe(true);
    // And as PNG files, through a cache shared with the whole scene's drawings.
    const png = await renderThumbnailStreamPng(reusingStream(scene.meshes), { size: 96, cache });
    const scenePng = await renderThumbnailScenePng(scene, { size: 96, cache });
    expect(Buffer.from(png).equals(Buffer.from(scenePng))).toBe(true);
  });

  it('draws a slice at a time (StreamedThumbnail) the same picture, with other drawings in between', async () => {
    const scene = { meshes: meshes() };
    const expected = await renderThumbnailScenePng(scene, { size: 96 });
    const stream = reusingStream(scene.meshes);
    const drawing = new StreamedThumbnail(stream, { size: 96, cache: new ThumbnailCache() });
    expect(drawing.units).toBe(5);
    // Framed when made: every mesh read twice, none drawn yet.
    expect(stream.reads).toEqual([2, 2, 2, 2, 2]);
    const other = new ThumbnailCache();
    for (const to of [1, 1, 3, 2, 4]) {
      drawing.drawTo(to);
      // Parts drawn meanwhile with their own cache, as the pack's thread draws them between slices.
      await renderThumbnailScenePng(
        { meshes: [cubeMesh()] },
        { size: 64, cache: other, deflateOn: 'inline' },
      );
    }
    // Each unit drawn once, in order, whatever was asked (drawTo never goes back).
    expect(stream.reads).toEqual([3, 3, 3, 3, 2]);
    const png = await streamedThumbnailPng(drawing, { deflateOn: 'inline' });
    expect(stream.reads).toEqual([3, 3, 3, 3, 3]);
    expect(Buffer.from(png).equals(Buffer.from(expected))).toBe(true);
  });

  it('gives nothing to draw for a stream without triangles, and a transparent PNG', async () => {
    const empty: ThumbnailSceneStream = { units: 0, forEachMesh: () => {} };
    expect(drawThumbnailStream(empty, { size: 32 })).toBeNull();
    // Only non-finite vertices: nothing to frame.
    const stray: ThumbnailSceneStream = {
      units: 1,
      forEachMesh: (visit) =>
        visit({ positions: new Float32Array(9).fill(Number.NaN), indices: new Uint32Array([0, 1, 2]) }),
    };
    expect(drawThumbnailStream(stray, { size: 32 })).toBeNull();
    const png = await renderThumbnailStreamPng(empty, { size: 32 });
    const blank = await renderThumbnailScenePng({ meshes: [] }, { size: 32 });
    expect(Buffer.from(png).equals(Buffer.from(blank))).toBe(true);
    expect(() => drawThumbnailStream(empty, { size: 0 })).toThrow(RangeError);
  });
});
