import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { DecodedImage } from '../../images/index.js';
import { renderThumbnailScenePng } from './render-png.js';
import { renderThumbnail } from './render-thumbnail.js';
import { ThumbnailCache } from './thumbnail-cache.js';
import type { ThumbnailMesh } from './thumbnail-scene.js';
import type { PoolReply, PoolRequest, ThumbnailWorkerData, WireMesh } from './thumbnail-wire.js';

/**
 * A thread of {@link createThumbnailPool}: renders the scenes it is sent. Texture images arrive once
 * each (in shared memory) and are kept, with this thread's {@link ThumbnailCache}, until `forget`.
 */
/** Serves render requests on `port` until the thread ends; all state is this function's own. */
function serve(port: MessagePort, drawn: Int32Array): void {
  let images = new Map<number, DecodedImage>();
  let cache = new ThumbnailCache();

  const meshOf = (wire: WireMesh): ThumbnailMesh => {
    const { texture, ...rest } = wire;
    if (!texture) return rest;
    const image = images.get(texture.imageId);
    if (!image) throw new Error(`thumbnail worker: image ${texture.imageId} was not sent`);
    const { imageId: _id, ...sampling } = texture;
    return { ...rest, texture: { ...sampling, image } };
  };

  port.on('message', (request: PoolRequest) => {
    if (request.type === 'image') {
      images.set(request.id, { width: request.width, height: request.height, data: request.data });
      return;
    }
    if (request.type === 'forget') {
      images = new Map();
      cache = new ThumbnailCache();
      return;
    }
    const fail = (error: unknown) => {
      const reply: PoolReply = {
        id: request.id,
        error: error instanceof Error ? error.message : String(error),
      };
      port.postMessage(reply);
    };
    try {
      const scene = { meshes: request.meshes.map(meshOf) };
      if (request.png) {
        // Drawn and compressed now, on this thread (the cache's buffers are this thread's): a pool
        // exists because the drawing is shared, so every core is drawing and libuv's threads would
        // only contend (png-encoder.ts, DeflateOn). Counted (the pool's backlog) once drawn and
        // compressed, or failed, before the reply reaches the pool's thread.
        renderThumbnailScenePng(scene, { ...request.options, cache, deflateOn: 'inline' }).then((png) => {
          const reply: PoolReply = { id: request.id, png };
          port.postMessage(reply, [png.buffer as ArrayBuffer]);
        }, fail);
        return;
      }
      const image = renderThumbnail(scene, { ...request.options, cache });
      const reply: PoolReply = { id: request.id, width: image.width, height: image.height, data: image.data };
      port.postMessage(reply, [image.data.buffer as ArrayBuffer]);
    } catch (error) {
      fail(error);
    } finally {
      Atomics.add(drawn, 0, 1);
    }
  });
}

if (!parentPort) throw new Error('thumbnail-worker.js runs as a worker thread of createThumbnailPool');
serve(parentPort, (workerData as ThumbnailWorkerData).drawn);
