import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as Thumbnails from '../src/pack/thumbnails/index.js';
import { REPO_ROOT } from './helpers/paths.js';
import { cubeMesh, imageDifference, quadMesh, quadrantsImage } from './helpers/thumbnail-checks.js';

// The pool starts worker threads from thumbnail-worker.js beside it: it runs from the build (dist/),
// like the CLI tests run the built bin. `pnpm install` builds; `pnpm build` after a change.
const DIST = join(REPO_ROOT, 'packages/split/dist/pack/thumbnails/index.js');

async function built(): Promise<typeof Thumbnails> {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run pnpm build first`);
  return (await import(DIST)) as typeof Thumbnails;
}

describe('createThumbnailPool', () => {
  it('renders on worker threads exactly what renderThumbnail renders on this one', async () => {
    const { createThumbnailPool, renderThumbnail } = await built();
    const image = quadrantsImage();
    const scenes: Thumbnails.ThumbnailScene[] = [
      { meshes: [{ ...cubeMesh(), baseColorFactor: [0.8, 0.1, 0.1, 1] }] },
      { meshes: [{ ...quadMesh(), texture: { image, wrapS: 'clamp' } }] },
      // The same image again (sent to each thread once), and another mesh with its own texture.
      {
        meshes: [
          { ...quadMesh(), texture: { image } },
          {
            ...cubeMesh([2, 0, 0]),
            texture: { image: quadrantsImage([255, 0, 255, 255]) },
            uvs: new Float32Array(48),
          },
        ],
      },
      { meshes: [] },
    ];
    const pool = createThumbnailPool({ workers: 2 });
    try {
      // Twice over: the second round reuses each thread's images and buffers.
      const rendered = await Promise.all(
        [...scenes, ...scenes].map((scene) => pool.render(scene, { size: 64 })),
      );
      rendered.forEach((result, i) => {
        const expected = renderThumbnail(scenes[i % scenes.length]!, { size: 64 });
        expect([result.width, result.height]).toEqual([64, 64]);
        expect(imageDifference(result, expected, 0).pixels).toBe(0);
      });
      // The caller's arrays are copied, not moved away.
      expect(scenes[0]!.meshes[0]!.positions.length).toBe(72);
      pool.forgetImages();
      const again = await pool.render(scenes[1]!, { size: 32 });
      expect(imageDifference(again, renderThumbnail(scenes[1]!, { size: 32 }), 0).pixels).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('makes PNG files on worker threads with the pixels renderThumbnail renders here', async () => {
    const { createThumbnailPool, renderThumbnail, thumbnailWorkerBuilt } = await built();
    const { decodeImage } = (await import(
      join(REPO_ROOT, 'packages/split/dist/images/index.js')
    )) as typeof import('../src/images/index.js');
    expect(thumbnailWorkerBuilt()).toBe(true);
    const scenes: Thumbnails.ThumbnailScene[] = [
      { meshes: [{ ...cubeMesh(), baseColorFactor: [0.2, 0.7, 0.3, 1] }] },
      { meshes: [{ ...quadMesh(), texture: { image: quadrantsImage() } }] },
      { meshes: [] },
    ];
    const pool = createThumbnailPool({ workers: 1 });
    try {
      const pngs = await Promise.all(
        [...scenes, ...scenes].map((scene) => pool.renderPng(scene, { size: 48 })),
      );
      for (const [i, png] of pngs.entries()) {
        const decoded = await decodeImage(png);
        const expected = renderThumbnail(scenes[i % scenes.length]!, { size: 48 });
        expect(imageDifference(decoded, expected, 0).pixels).toBe(0);
      }
      await expect(pool.renderPng(scenes[0]!, { size: 5000 })).rejects.toThrow(/thumbnail size/);
    } finally {
      await pool.close();
    }
  });

  it('reports a render error to its caller, and refuses work once closed', async () => {
    const { createThumbnailPool } = await built();
    const pool = createThumbnailPool({ workers: 1 });
    await expect(pool.render({ meshes: [cubeMesh()] }, { size: 0 })).rejects.toThrow(/thumbnail size/);
    // The thread is still serving after an error.
    const image = await pool.render({ meshes: [cubeMesh()] }, { size: 16 });
    expect(image.width).toBe(16);
    await pool.close();
    await expect(pool.render({ meshes: [cubeMesh()] })).rejects.toThrow(/closed/);
    expect(() => createThumbnailPool({ workers: 0 })).toThrow(RangeError);
  });
});
