import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../src/pack/manifest.js';
import type * as Previews from '../src/pack/pack-previews.js';
import type * as Thumbnails from '../src/pack/thumbnails/index.js';
import type { PackPart } from '../src/parts/split-parts.js';
import { REPO_ROOT } from './helpers/paths.js';
import { cubeMesh, sphereMesh } from './helpers/thumbnail-checks.js';

// Worker threads start from the build (dist/), as in thumbnails-pool.test.ts: `pnpm build` after a change.
const DIST = join(REPO_ROOT, 'packages/split/dist/');

async function built<T>(path: string): Promise<T> {
  if (!existsSync(join(DIST, path))) throw new Error(`${DIST}${path} is missing: run pnpm build first`);
  return (await import(join(DIST, path))) as T;
}

/** A small scene per part: a bumpy sphere and a cube, placed by a matrix, coloured by the index. */
function partScene(index: number): Thumbnails.ThumbnailScene {
  const matrix = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, index * 0.3, 0, -index * 0.1, 1];
  return {
    meshes: [
      {
        ...sphereMesh(10 + (index % 7), 16, [0, 0, 0], 0.1),
        matrix,
        baseColorFactor: [0.1 + (index % 9) / 10, 0.5, 0.3, 1],
      },
      { ...cubeMesh([1.2, 0, 0], 0.8), matrix, baseColorFactor: [0.8, 0.2, (index % 5) / 5, 1] },
    ],
  };
}

describe('defaultThumbnailWorkers', () => {
  it('takes MESHPARTS_THUMBNAIL_WORKERS when it is a whole number, else decides by cores and load', async () => {
    const { defaultThumbnailWorkers, THUMBNAIL_WORKERS_ENV, THUMBNAIL_WORKER_MAX_EXTRA_LOAD } = await import(
      '../src/pack/pack-previews.js'
    );
    const { availableParallelism, loadavg } = await import('node:os');
    const saved = process.env[THUMBNAIL_WORKERS_ENV];
    try {
      process.env[THUMBNAIL_WORKERS_ENV] = '0';
      expect(defaultThumbnailWorkers()).toBe(0);
      process.env[THUMBNAIL_WORKERS_ENV] = ' 2 ';
      expect(defaultThumbnailWorkers()).toBe(2);
      process.env[THUMBNAIL_WORKERS_ENV] = 'many';
      const cores = availableParallelism();
      const expected = cores >= 2 && loadavg()[0]! < cores + THUMBNAIL_WORKER_MAX_EXTRA_LOAD ? 1 : 0;
      expect(defaultThumbnailWorkers()).toBe(expected);
    } finally {
      if (saved === undefined) delete process.env[THUMBNAIL_WORKERS_ENV];
      else process.env[THUMBNAIL_WORKERS_ENV] = saved;
    }
  });
});

describe('thumbnails on a worker thread', () => {
  it("hands a scene's arrays over ('take') and gives back the same PNG", async () => {
    const { createThumbnailPool, renderThumbnailScenePng } =
      await built<typeof Thumbnails>('pack/thumbnails/index.js');
    const pool = createThumbnailPool({ workers: 1 });
    try {
      const scene = partScene(3);
      const expected = await renderThumbnailScenePng(partScene(3), { size: 64 });
      // A view into a larger buffer cannot be moved: it is copied, the caller's buffer left as it is.
      const backing = new Float32Array(1000);
      const view = backing.subarray(10, 10 + 6);
      const extra: Thumbnails.ThumbnailMesh = { ...cubeMesh([9, 9, 9]), uvs: view };
      const png = await pool.renderPng(scene, { size: 64 }, 'take');
      expect(Buffer.from(png).equals(Buffer.from(expected))).toBe(true);
      // Moved: the caller's whole-buffer arrays are detached.
      expect(scene.meshes[0]!.positions.byteLength).toBe(0);
      expect(scene.meshes[0]!.indices.byteLength).toBe(0);
      await pool.renderPng({ meshes: [extra] }, { size: 16 }, 'take');
      expect(view.length).toBe(6);
      expect(backing.byteLength).toBe(4000);
    } finally {
      await pool.close();
    }
  });

  it('counts a drawing done before its reply reaches this thread (backlog)', async () => {
    const { createThumbnailPool } = await built<typeof Thumbnails>('pack/thumbnails/index.js');
    const pool = createThumbnailPool({ workers: 1 });
    try {
      expect(pool.backlog()).toBe(0);
      const pngs = [1, 2, 3].map((i) => pool.renderPng(partScene(i), { size: 32 }));
      expect(pool.backlog()).toBeGreaterThan(0);
      expect(pool.backlog()).toBeLessThanOrEqual(3);
      // Without yielding to the event loop (no reply can be read here), the count still falls to 0.
      const deadline = Date.now() + 20_000;
      while (pool.backlog() > 0 && Date.now() < deadline)
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      expect(pool.backlog()).toBe(0);
      await Promise.all(pngs);
    } finally {
      await pool.close();
    }
  });

  it('makes the same pack files whether a worker draws or not, the whole model drawn between parts with one', async () => {
    const { PackPreviews, MAX_WORKER_BACKLOG } = await built<typeof Previews>('pack/pack-previews.js');
    const parts = 40;
    // What the scenes were asked for, in order: a part's scene, the whole model's, a unit of its stream.
    const events: string[] = [];
    const scenes = (streamed: boolean): Previews.PreviewScenes => ({
      partCount: parts,
      scene: async (index) => {
        events.push(index === null ? 'whole' : `part ${index}`);
        if (index === null)
          return { meshes: Array.from({ length: parts }, (_, i) => partScene(i).meshes).flat() };
        return partScene(index);
      },
      ...(streamed
        ? {
            wholeStream: () => ({
              units: parts,
              forEachMesh: (visit, from, to) => {
                for (let i = from; i < to; i++) {
                  events.push(`unit ${i}`);
                  for (const mesh of partScene(i).meshes) visit(mesh);
                }
              },
            }),
          }
        : {}),
    });
    async function pack(workers: number, streamed: boolean) {
      events.length = 0;
      const previews = new PackPreviews(scenes(streamed), {
        thumbnails: 64,
        gallery: false,
        thumbnailWorkers: workers,
      });
      async function* partsOf(): AsyncGenerator<PackPart> {
        for (let i = 0; i < parts; i++) {
          // The split's own work between parts, so that the worker falls behind now and then.
          const until = Date.now() + 2;
          while (Date.now() < until) {}
          yield { name: `part_${i}` } as unknown as PackPart;
        }
      }
      for await (const _ of previews.withThumbnails(partsOf())) {
      }
      const files = await previews.files({ manifest: {} as Manifest, dir: '/nonexistent' });
      return new Map(files.map((file) => [file.path, Buffer.from(file.bytes)]));
    }
    const partEvents = Array.from({ length: parts }, (_, i) => `part ${i}`);
    const units = (passes: number) =>
      Array.from({ length: passes }, () => Array.from({ length: parts }, (_, i) => `unit ${i}`)).flat();
    // No stream: the whole model's scene after the parts, with or without a worker.
    const here = await pack(0, false);
    expect(events).toEqual([...partEvents, 'whole']);
    const pooled = await pack(1, false);
    expect(events).toEqual([...partEvents, 'whole']);
    // A stream without a worker: read three times after the parts.
    const streamedHere = await pack(0, true);
    expect(events).toEqual([...partEvents, ...units(3)]);
    // With a worker: framed before the first part, then a slice drawn after each part.
    const streamedPooled = await pack(1, true);
    expect(events).toEqual([...units(2), ...partEvents.flatMap((part, i) => [part, `unit ${i}`])]);
    expect(MAX_WORKER_BACKLOG).toBeGreaterThan(0);
    expect(here.size).toBe(parts + 1);
    for (const other of [pooled, streamedHere, streamedPooled]) {
      expect([...other.keys()].sort()).toEqual([...here.keys()].sort());
      for (const [path, bytes] of here) expect(other.get(path)!.equals(bytes), path).toBe(true);
    }
  });
});
