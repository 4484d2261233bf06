import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DecodedImage } from '../../images/index.js';
import type { RenderThumbnailOptions } from './render-thumbnail.js';
import type { ThumbnailMesh, ThumbnailScene } from './thumbnail-scene.js';
import type { PoolReply, PoolRequest, WireMesh } from './thumbnail-wire.js';

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
  renderPng(scene: ThumbnailScene, options?: Omit<RenderThumbnailOptions, 'cache'>): Promise<Uint8Array>;
  /** Drops the texture images and caches the threads keep: call it when a model's pack is written. */
  forgetImages(): void;
  /** Ends the threads once the renders asked for are done. */
  close(): Promise<void>;
}

interface Thread {
  worker: Worker;
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
    const thread: Thread = { worker: new Worker(WORKER_URL), images: new WeakSet(), pending: new Map() };
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

  const post = (thread: Thread, request: PoolRequest, transfer: ArrayBuffer[] = []) =>
    thread.worker.postMessage(request, transfer);

  const send = (
    scene: ThumbnailScene,
    renderOptions: Omit<RenderThumbnailOptions, 'cache'>,
    png: boolean,
  ): Promise<DecodedImage | Uint8Array> => {
    if (closed) return Promise.reject(new Error('the thumbnail pool is closed'));
    const thread = threads.reduce((best, t) => (t.pending.size < best.pending.size ? t : best));
    const transfer: ArrayBuffer[] = [];
    const meshes: WireMesh[] = scene.meshes.map((scenery) => {
      const mesh = compactMesh(scenery, transfer);
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
    renderPng(scene, renderOptions = {}) {
      return send(scene, renderOptions, true) as Promise<Uint8Array>;
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
 */
function compactMesh(mesh: ThumbnailMesh, transfer: ArrayBuffer[]): ThumbnailMesh {
  const own = <T extends Float32Array | Float64Array | Uint32Array>(array: T): T => {
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
