import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DecodedImage } from '../../images/index.js';
import type { RenderThumbnailOptions } from './render-thumbnail.js';
import type { ThumbnailMesh, ThumbnailScene } from './thumbnail-scene.js';
import type { PoolReply, PoolRequest, ThumbnailWorkerData, WireMesh } from './thumbnail-wire.js';

/** Options for {@link createThumbnailPool}. */
export interface ThumbnailPoolOptions {
  /** Worker threads. Default: the machine's available parallelism, at most 4. */
  workers?: number;
}

/** Renders thumbnails on worker threads; see {@link createThumbnailPool}. */
export interface ThumbnailPool {
  /** {@link renderThumbnail} on the least busy thread. Scene arrays are copied, never taken. */
  render(scene: ThumbnailScene, options?: Omit<RenderThumbnailOptions, 'cache'>): Promise<DecodedImage>;
  /**
   * {@link renderThumbnailScenePng} on the least busy thread: drawn and compressed off this thread,
   * which only copies the scene's arrays (a part's scene: tens of kilobytes) and gets the PNG back.
   */
  renderPng(
    scene: ThumbnailScene,
    options?: Omit<RenderThumbnailOptions, 'cache'>,
    handOver?: ThumbnailHandOver,
  ): Promise<Uint8Array>;
  /**
   * Renders sent and not drawn yet, on all threads (read from the threads' own counts, so it is right
   * even while the caller's event loop is busy): a caller whose own thread is free can draw a scene
   * itself instead of queueing it behind these (PackPreviews does).
   */
  backlog(): number;
  /** Drops the texture images and caches the threads keep: call it when a model's pack is written. */
  forgetImages(): void;
  /** Ends the threads once the renders asked for are done. */
  close(): Promise<void>;
}

/**
 * How a scene's arrays reach a thread. `copy` (the default): copied, the caller's arrays untouched.
 * `take`: an array that is the whole of its ArrayBuffer is moved to the thread (transferred: the
 * caller's array is left empty), the others copied; for a scene made only to be drawn, such as a
 * whole model's (tens of megabytes that need not be copied again).
 */
export type ThumbnailHandOver = 'copy' | 'take';

interface Thread {
  worker: Worker;
  /** Renders sent to this thread. */
  sent: number;
  /**
   * Renders this thread has drawn (or failed), counted by the thread itself as soon as the drawing is
   * done and compressed (inline: png-encoder.ts, DeflateOn), before its reply reaches this thread's
   * event loop: {@link backlog}
   * stays right while this thread is busy (draws a part itself) and cannot read replies.
   */
  drawn: Int32Array;
  /** Images this thread holds, by the caller's image object. */
  images: WeakSet<DecodedImage>;
  pending: Map<
    number,
    { resolve: (result: DecodedImage | Uint8Array) => void; reject: (error: Error) => void }
  >;
}

/** The worker's module, beside this one: built (dist/) only, not in the TypeScript sources. */
const WORKER_URL = new URL('./thumbnail-worker.js', import.meta.url);

/**
 * Whether {@link createThumbnailPool} can start its threads here: their module exists beside this one
 * (running from dist/, not from TypeScript sources as under vitest).
 */
export function thumbnailWorkerBuilt(): boolean {
  return WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL));
}

/**
 * A pool of worker threads running {@link renderThumbnail}, for a caller whose own thread is busy
 * (the split encodes parts while thumbnails render). Each texture image goes to each thread once,
 * copied into shared memory; scenes are copied (structured clone) and the pixels come back without a
 * copy. Threads keep nothing alive while idle. Loads `thumbnail-worker.js` beside this module, so it
 * runs from the built package (dist/), not from TypeScript sources.
 */
export function createThumbnailPool(options: ThumbnailPoolOptions = {}): ThumbnailPool {
  const count = options.workers ?? Math.min(4, availableParallelism());
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`workers must be a positive integer, got ${count}`);
  const shared = new WeakMap<DecodedImage, { id: number; data: Uint8Array }>();
  const inFlight = new Set<Promise<DecodedImage | Uint8Array>>();
  let nextId = 1;
  let closed = false;

  const threads: Thread[] = Array.from({ length: count }, () => {
    const drawn = new Int32Array(new SharedArrayBuffer(4));
    const thread: Thread = {
      worker: new Worker(WORKER_URL, { workerData: { drawn } satisfies ThumbnailWorkerData }),
      sent: 0,
      drawn,
      images: new WeakSet(),
      pending: new Map(),
    };
    thread.worker.unref();
    thread.worker.on('message', (reply: PoolReply) => {
      const waiting = thread.pending.get(reply.id);
      if (!waiting) return;
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) thread.worker.unref();
      if ('error' in reply) waiting.reject(new Error(reply.error));
      else if ('png' in reply) waiting.resolve(reply.png);
      else waiting.resolve({ width: reply.width, height: reply.height, data: reply.data });
    });
    thread.worker.on('error', (error) => {
      for (const { reject } of thread.pending.values()) reject(error);
      thread.pending.clear();
    });
    return thread;
  });

  /** The image in shared memory, with its id (one copy per image, whatever the number of threads). */
  const sharedImage = (image: DecodedImage) => {
    let entry = shared.get(image);
    if (!entry) {
      const data = new Uint8Array(new SharedArrayBuffer(image.data.byteLength));
      data.set(image.data);
      entry = { id: nextId++, data };
      shared.set(image, entry);
    }
    return entry;
  };

  /** Renders sent to `thread` and not drawn yet. */
  const waiting = (thread: Thread) => thread.sent - Atomics.load(thread.drawn, 0);

  const post = (thread: Thread, request: PoolRequest, transfer: ArrayBuffer[] = []) =>
    thread.worker.postMessage(request, transfer);

  const send = (
    scene: ThumbnailScene,
    renderOptions: Omit<RenderThumbnailOptions, 'cache'>,
    png: boolean,
    handOver: ThumbnailHandOver = 'copy',
  ): Promise<DecodedImage | Uint8Array> => {
    if (closed) return Promise.reject(new Error('the thumbnail pool is closed'));
    const thread = threads.reduce((best, t) => (waiting(t) < waiting(best) ? t : best));
    thread.sent++;
    const transfer: ArrayBuffer[] = [];
    const meshes: WireMesh[] = scene.meshes.map((scenery) => {
      const mesh = compactMesh(scenery, transfer, handOver === 'take');
      if (!mesh.texture) return { ...mesh, texture: null };
      const { image, ...sampling } = mesh.texture;
      const { id, data } = sharedImage(image);
      if (!thread.images.has(image)) {
        post(thread, { type: 'image', id, width: image.width, height: image.height, data });
        thread.images.add(image);
      }
      return { ...mesh, texture: { ...sampling, imageId: id } };
    });
    const id = nextId++;
    const rendered = new Promise<DecodedImage | Uint8Array>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.ref();
      post(thread, { type: 'render', id, meshes, options: renderOptions, ...(png ? { png } : {}) }, transfer);
    });
    inFlight.add(rendered);
    const settle = () => inFlight.delete(rendered);
    rendered.then(settle, settle);
    return rendered;
  };

  return {
    render(scene, renderOptions = {}) {
      return send(scene, renderOptions, false) as Promise<DecodedImage>;
    },
    renderPng(scene, renderOptions = {}, handOver = 'copy') {
      return send(scene, renderOptions, true, handOver) as Promise<Uint8Array>;
    },
    backlog() {
      let total = 0;
      for (const thread of threads) total += waiting(thread);
      return total;
    },
    forgetImages() {
      for (const thread of threads) {
        thread.images = new WeakSet();
        post(thread, { type: 'forget' });
      }
    },
    async close() {
      closed = true;
      await Promise.allSettled(inFlight);
      await Promise.all(threads.map((thread) => thread.worker.terminate()));
    },
  };
}

/**
 * The mesh with its arrays copied into arrays of their own, listed in `transfer`. Posting a typed
 * array clones its whole ArrayBuffer, and glTF-Transform's arrays can be views into a model's whole
 * binary chunk (51 MB cloned per part, measured: 1.8 s for 500 parts); the copies hold only the
 * mesh's bytes and are moved to the worker instead of cloned, and the caller's arrays are untouched.
 * With `take`, an array that is the whole of its (non-shared) ArrayBuffer is moved as it is.
 */
function compactMesh(mesh: ThumbnailMesh, transfer: ArrayBuffer[], take: boolean): ThumbnailMesh {
  const own = <T extends Float32Array | Float64Array | Uint32Array>(array: T): T => {
    const buffer = array.buffer;
    if (
      take &&
      buffer instanceof ArrayBuffer &&
      array.byteOffset === 0 &&
      array.byteLength === buffer.byteLength
    ) {
      // An array shared by two meshes (instances) is listed once: the message keeps it shared.
      if (!transfer.includes(buffer)) transfer.push(buffer);
      return array;
    }
    const copy = array.slice() as T;
    transfer.push(copy.buffer as ArrayBuffer);
    return copy;
  };
  return {
    ...mesh,
    positions: own(mesh.positions),
    indices: own(mesh.indices),
    normals: mesh.normals ? own(mesh.normals) : null,
    colors: mesh.colors ? own(mesh.colors) : null,
    uvs: mesh.uvs ? own(mesh.uvs) : null,
  };
}
