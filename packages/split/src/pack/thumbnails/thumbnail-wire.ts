import type { RenderThumbnailOptions } from './render-thumbnail.js';
import type { ThumbnailMesh, ThumbnailTexture } from './thumbnail-scene.js';

/** Messages between {@link createThumbnailPool} and its worker threads. */

/** A texture as sent to a worker: the image by id (sent once per worker, in shared memory). */
export type WireTexture = Omit<ThumbnailTexture, 'image'> & { imageId: number };

/** A mesh as sent to a worker. */
export type WireMesh = Omit<ThumbnailMesh, 'texture'> & { texture?: WireTexture | null };

export type PoolRequest =
  | { type: 'image'; id: number; width: number; height: number; data: Uint8Array }
  | {
      type: 'render';
      id: number;
      meshes: WireMesh[];
      options: Omit<RenderThumbnailOptions, 'cache'>;
      /** Reply with PNG bytes (renderThumbnailScenePng) instead of RGBA pixels. */
      png?: boolean;
    }
  | { type: 'forget' };

export type PoolReply =
  | { id: number; width: number; height: number; data: Uint8Array }
  | { id: number; png: Uint8Array }
  | { id: number; error: string };

/** A thread's `workerData`: where it counts the renders it has drawn (Thread.drawn in the pool). */
export interface ThumbnailWorkerData {
  drawn: Int32Array;
}
