import { RenderTarget } from './render-target.js';
import { MipmapCache } from './texture-sampler.js';

/**
 * What successive thumbnails of one model can share: the mip chains of its textures (an atlas
 * shared by every part is reduced once, not once per part) and the sample buffers (5 MB at the
 * default 256 px × 2² samples: allocating and zeroing them per thumbnail costs as much as drawing
 * a small part). Keep one per model, or one per thread, beside the model's `ImageCache`; it is not
 * for concurrent use from several threads (a render is synchronous, so one thread is safe).
 */
export class ThumbnailCache {
  readonly mipmaps = new MipmapCache();
  readonly #targets = new Map<number, RenderTarget>();

  /** A cleared render target of `size` × `size` samples, kept for the next render of that size. */
  target(size: number): RenderTarget {
    let target = this.#targets.get(size);
    if (!target) {
      target = new RenderTarget(size);
      this.#targets.set(size, target);
    }
    target.clear();
    return target;
  }

  /** Lets the buffers and mip chains go (a cache that is dropped lets them go too). */
  clear(): void {
    this.#targets.clear();
    this.mipmaps.clear();
  }
}
