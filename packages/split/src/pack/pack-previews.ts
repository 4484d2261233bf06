import { availableParallelism, loadavg } from 'node:os';
import type { Document } from '@gltf-transform/core';
import type { PartPlan } from '../detect/detect-parts.js';
import type { ImageCache } from '../images/index.js';
import type { PackPart } from '../parts/split-parts.js';
import { THUMBNAIL_FILE, thumbnailPathOf } from './manifest.js';
import type { PackFile, PackFilesContext } from './pack-files.js';

/** What a pack shows of itself besides its parts. */
export interface PackPreviewOptions {
  /** Thumbnail size in pixels, or null for none. */
  thumbnails: number | null;
  /** Write `index.html` and its `gallery/` folder. */
  gallery: boolean;
  /**
   * Worker threads that draw and compress thumbnails while this thread splits (createThumbnailPool);
   * 0 draws them all here. Default {@link defaultThumbnailWorkers}: one where the machine has a
   * second core that other processes leave free. This thread still draws a part itself whenever the workers are
   * {@link MAX_WORKER_BACKLOG} thumbnails behind, so a busy or missing core costs little. Packs of
   * fewer than {@link THUMBNAIL_WORKER_MIN_PARTS} parts, and runs from TypeScript sources (vitest:
   * the worker's module is not built), draw here anyway. The pictures are the same either way (the
   * renderer is pure: same scene, same bytes).
   */
  thumbnailWorkers?: number;
}

/** Fewer parts than this are drawn on the calling thread: starting a worker costs more (~40 ms). */
export const THUMBNAIL_WORKER_MIN_PARTS = 16;

/**
 * Thumbnails the workers may have waiting before this thread draws the next part itself: enough that
 * a worker never waits for this thread (a nodes-500 part takes it ~2 ms to draw, this thread ~1.5 ms
 * to split and send), few enough that neither thread idles at the end.
 */
export const MAX_WORKER_BACKLOG = 3;

/** Environment variable that sets {@link defaultThumbnailWorkers} (a whole number; benchmarks, operators). */
export const THUMBNAIL_WORKERS_ENV = 'MESHPARTS_THUMBNAIL_WORKERS';

/**
 * Above this 1-minute load average, beyond the number of cores, no worker is started by default: the
 * other core is not free. Measured on the shared 2-core machine (bench/thumbnails.mjs split-500): one
 * worker shortened a nodes-500 split at load averages of 1.6 to 3.1 (3.3–3.7× the split without
 * thumbnails against 4.2×; 2.5× against 3.7×) and lengthened it at 4.7–5.3 (4.6× against 3.9×), when
 * other processes kept both cores busy. The limit (cores + 1.5) lies between.
 */
export const THUMBNAIL_WORKER_MAX_EXTRA_LOAD = 1.5;

/**
 * The default {@link PackPreviewOptions.thumbnailWorkers}: `MESHPARTS_THUMBNAIL_WORKERS` when set
 * (a whole number); else 1 where the machine has at least two cores and a 1-minute load average
 * below cores + {@link THUMBNAIL_WORKER_MAX_EXTRA_LOAD}; else 0. A worker costs ~10 % more CPU
 * (scenes copied to it, its own buffers) and more peak RSS: its own heap, and for the byte-level
 * split (nodes-500: 131 against 118 MiB, BENCHMARKS.md Thumbnails round 5); the
 * pictures are the same either way.
 */
export function defaultThumbnailWorkers(): number {
  const set = process.env[THUMBNAIL_WORKERS_ENV]?.trim();
  if (set !== undefined && /^\d+$/.test(set)) return Number(set);
  const cores = availableParallelism();
  return cores >= 2 && loadavg()[0]! < cores + THUMBNAIL_WORKER_MAX_EXTRA_LOAD ? 1 : 0;
}

/**
 * Part thumbnails handed to workers and not yet back, at most: when the split outruns the worker, it
 * waits for the oldest, so a big model's part scenes (copied to the worker) never pile up in memory.
 */
const MAX_THUMBNAILS_IN_FLIGHT = 16;

type Thumbnails = typeof import('./thumbnails/index.js');
type ThumbnailScene = import('./thumbnails/index.js').ThumbnailScene;
type ThumbnailSceneStream = import('./thumbnails/index.js').ThumbnailSceneStream;

/**
 * Where the pictures come from: the scene of part `index` as its file shows it (in world space), or of
 * the whole model (`null`). From a Document ({@link documentScenes}), or from the byte-level split's
 * view of the GLB (fast/).
 */
export interface PreviewScenes {
  /** How many parts the pack has (worker threads pay only for many). */
  readonly partCount: number;
  scene(index: number | null, thumbnails: Thumbnails): Promise<ThumbnailScene>;
  /**
   * The whole model read mesh by mesh (StreamedThumbnail), when the source can read it again and again
   * without holding it and reading it does not disturb the parts (the byte-level split's GLB). Then
   * `scene(null)` is not asked for: the whole model is drawn on this thread, a slice after each part
   * while a worker draws the parts, or after the parts without one. Without it, `scene(null)` is
   * drawn after the parts (a Document may be rebuilt while its parts are made).
   */
  readonly wholeStream?: (thumbnails: Thumbnails) => ThumbnailSceneStream;
}

/**
 * The scenes of a Document's planned parts, as `thumbnailSceneOf` builds them; `images`: the model's
 * decoded images (shared with texture cropping: each image is decoded once).
 */
export function documentScenes(document: Document, plan: PartPlan, images: ImageCache): PreviewScenes {
  return {
    partCount: plan.parts.length,
    scene: (index, thumbnails) => {
      const planned = index === null ? null : plan.parts[index];
      return thumbnails.thumbnailSceneOf(document, {
        images,
        ...(planned
          ? {
              nodes: [planned.nodes[0]!],
              ...(planned.primitive ? { primitives: [planned.primitive] } : {}),
            }
          : {}),
      });
    },
  };
}

/**
 * The previews of one pack: a thumbnail per part (rendered from the source document as each part
 * passes on its way to the pack writer, so no part is held or read back), the whole model's
 * thumbnail, and the gallery page. Everything reaches the pack through writePack's `files`, so it is
 * listed in the manifest and is the pack's own.
 *
 * A part is drawn as its file shows it: the part's nodes where the source scene puts them, in world
 * space, which the part file keeps up to a translation (the camera frames the bounds, so the
 * translation does not change the picture). The thumbnail code is loaded only when thumbnails are
 * asked for.
 *
 * Speed (issue 17 §4): a part's scene is taken from the source (views of its arrays, with the
 * placement as a matrix) and drawn on a worker thread (`thumbnailWorkers`, one by default where a
 * second core is free), or on this thread whenever the worker is {@link MAX_WORKER_BACKLOG} drawings
 * behind; PNGs are compressed on libuv's threads while the next parts are split and written, or by
 * the drawing thread itself when a worker shares the drawing (both cores are busy then). When
 * the scenes allow it (`wholeStream`: the byte-level split), the whole model is drawn on this thread
 * a slice after each part while the worker draws parts, so that its drawing overlaps the split
 * instead of following it, without being held whole. Nothing waits for a thumbnail until `files`,
 * except when {@link MAX_THUMBNAILS_IN_FLIGHT} are out.
 */
export class PackPreviews {
  readonly #scenes: PreviewScenes;
  readonly #options: PackPreviewOptions;
  /** Part thumbnails being drawn or compressed while the next parts are split and written. */
  readonly #thumbnails: Array<Promise<PackFile>> = [];
  /**
   * The glTF extensions of the parts written through glTF-Transform's writer (directly encoded parts
   * use none that needs a decoder): the gallery picks its three.js decoders from them instead of
   * reopening every part file (90–280 ms for a 500-part pack).
   */
  readonly #extensions = new Set<string>();
  #renderer: Promise<Thumbnails> | undefined;
  #cache: import('./thumbnails/index.js').ThumbnailCache | undefined;
  #pool: import('./thumbnails/index.js').ThumbnailPool | null | undefined;
  #closing: Promise<void> | undefined;
  /** The whole model's picture, drawn a slice after each part while a worker draws the parts (wholeStream). */
  #wholeDrawing: import('./thumbnails/index.js').StreamedThumbnail | undefined;

  constructor(scenes: PreviewScenes, options: PackPreviewOptions) {
    this.#scenes = scenes;
    this.#options = options;
  }

  /** The parts as they come, with each part's thumbnail started on the way. */
  async *withThumbnails(parts: AsyncIterable<PackPart>): AsyncGenerator<PackPart, void, undefined> {
    let index = 0;
    let waited = 0;
    try {
      const size = this.#options.thumbnails;
      const { partCount, wholeStream } = this.#scenes;
      if (size !== null && wholeStream && partCount >= THUMBNAIL_WORKER_MIN_PARTS) {
        // A worker draws the parts: the whole model is framed now (two reads, while the worker
        // starts) and drawn here a slice after each part, so that neither thread waits for the
        // other at the end. Its own cache: the parts this thread draws meanwhile use another.
        const thumbnails = await this.#loadRenderer();
        if (this.#poolOf(thumbnails)) {
          const cache = new thumbnails.ThumbnailCache();
          this.#wholeDrawing = new thumbnails.StreamedThumbnail(wholeStream(thumbnails), { size, cache });
        }
      }
      for await (const part of parts) {
        if ('document' in part) {
          for (const extension of part.document.getRoot().listExtensionsUsed())
            this.#extensions.add(extension.extensionName);
        }
        const at = index++;
        if (size !== null && at < this.#scenes.partCount) {
          // The scene is taken from the source now, before the part goes on; the drawing and the
          // compression finish in the background, and a failure surfaces in `files`.
          const path = thumbnailPathOf(part.name);
          const { png } = await this.#start(size, at);
          const file = png.then((bytes) => ({ path, bytes }));
          file.catch(() => {});
          this.#thumbnails.push(file);
          while (this.#thumbnails.length - waited > MAX_THUMBNAILS_IN_FLIGHT)
            await this.#thumbnails[waited++]!.catch(() => {});
        }
        yield part;
        // The part is written: the whole model's next slice may read into the memory it was read into.
        const whole = this.#wholeDrawing;
        whole?.drawTo(Math.ceil(((at + 1) * whole.units) / partCount));
      }
    } finally {
      // Every part is handed out: the workers end once their thumbnails are done (also when the
      // pack fails half-way, so that no thread outlives it).
      this.#closing = this.#pool?.close();
      this.#closing?.catch(() => {});
    }
  }

  /** writePack's `files` callback: the thumbnails, the whole model's, and the gallery page. */
  readonly files = async ({ manifest, dir }: PackFilesContext): Promise<PackFile[]> => {
    const size = this.#options.thumbnails;
    // The whole model, on this thread while a worker finishes the parts: what is left of its slices,
    // or all of it.
    const whole =
      size === null
        ? null
        : this.#wholeDrawing
          ? (await this.#loadRenderer()).streamedThumbnailPng(this.#wholeDrawing, { deflateOn: 'inline' })
          : (await this.#start(size, null)).png;
    whole?.catch(() => {});
    const files = await Promise.all(this.#thumbnails);
    if (whole) files.push({ path: THUMBNAIL_FILE, bytes: await whole });
    await this.#closing;
    if (this.#options.gallery) {
      const { decodersForExtensions, galleryFiles } = await import('./gallery/index.js');
      const decoders = [...decodersForExtensions(this.#extensions)];
      files.push(...(await galleryFiles(dir, manifest, { decoders })));
    }
    return files;
  };

  /**
   * Builds the scene now and starts its drawing and compression: on the pool when there is one, the
   * scene is a part's and the pool is not {@link MAX_WORKER_BACKLOG} behind; else here (the whole
   * model, `part` null, always here: as a stream when the scenes have one). The PNG's promise comes
   * back wrapped, so that awaiting the start does not wait for it.
   */
  async #start(size: number, part: number | null): Promise<{ png: Promise<Uint8Array> }> {
    const thumbnails = await this.#loadRenderer();
    this.#cache ??= new thumbnails.ThumbnailCache();
    const pool = this.#poolOf(thumbnails);
    // With a worker drawing too, both cores draw: compressed here, inline (png-encoder.ts, DeflateOn);
    // alone, this thread leaves zlib to libuv's threads, the second core.
    const options = { size, cache: this.#cache, deflateOn: pool ? 'inline' : 'pool' } as const;
    const stream = part === null ? this.#scenes.wholeStream?.(thumbnails) : undefined;
    if (stream) return { png: thumbnails.renderThumbnailStreamPng(stream, options) };
    const scene = await this.#scenes.scene(part, thumbnails);
    if (pool && part !== null && pool.backlog() < MAX_WORKER_BACKLOG)
      return { png: pool.renderPng(scene, { size }) };
    return { png: thumbnails.renderThumbnailScenePng(scene, options) };
  }

  /** The thumbnail code, loaded on first use. */
  #loadRenderer(): Promise<Thumbnails> {
    this.#renderer ??= import('./thumbnails/index.js');
    return this.#renderer;
  }

  /** The worker pool, started on first use, or null when thumbnails are drawn on this thread. */
  #poolOf(thumbnails: Thumbnails): import('./thumbnails/index.js').ThumbnailPool | null {
    if (this.#pool === undefined) {
      const workers =
        this.#scenes.partCount >= THUMBNAIL_WORKER_MIN_PARTS
          ? (this.#options.thumbnailWorkers ?? defaultThumbnailWorkers())
          : 0;
      this.#pool =
        workers > 0 && thumbnails.thumbnailWorkerBuilt() ? thumbnails.createThumbnailPool({ workers }) : null;
    }
    return this.#pool;
  }
}
