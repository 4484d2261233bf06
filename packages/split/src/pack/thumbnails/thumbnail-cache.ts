import { PlacementBuffers } from './placement.js';
import { VertexBuffers } from './prepared-mesh.js';
import { RenderTarget } from './render-target.js';
import { ShadeTables } from './shade-table.js';
import { MipmapCache } from './texture-sampler.js';

/**
 * What successive thumbnails of one model can share: the mip chains of its textures (an atlas
 * shared by every part is reduced once, not once per part), the sample buffers (2.5 MB at the
 * default 256 px × 2² samples: allocating and zeroing them per thumbnail costs as much as drawing
 * a small part), the per-vertex arrays and the PNG row buffers. Keep one per model, or one per
 * thread, beside the model's `ImageCache`; it is not for concurrent use from several threads (a
 * render is synchronous, so one thread is safe).
 */
export class ThumbnailCache {
  readonly mipmaps = new MipmapCache();
  /** Sample words per light level of the model's opaque colours. */
  readonly shades = new ShadeTables();
  /** Per-vertex arrays of the mesh being drawn (opaque meshes are drawn one after the other). */
  vertices = new VertexBuffers();
  /** Positions and normals of the meshes being drawn that carry a matrix (ThumbnailMesh.matrix). */
  placement = new PlacementBuffers();
  readonly #targets = new Map<string, RenderTarget>();
  /** PNG row buffers given back after their compression, for the next thumbnails. */
  #rows: Uint8Array[] = [];

  /**
   * A cleared render target of `size` × `size` pixels with `supersample`² coverage samples each,
   * kept for the next render of that size.
   */
  target(size: number, supersample: number): RenderTarget {
    const key = `${size}×${supersample}`;
    let target = this.#targets.get(key);
    if (!target) {
      target = new RenderTarget(size, supersample);
      this.#targets.set(key, target);
    }
    target.clear();
    return target;
  }

  /**
   * A buffer of `bytes` for a thumbnail's PNG rows, from those {@link releaseRows} gave back when
   * there is one: a fresh quarter-megabyte array per thumbnail costs more (zeroed pages, page faults,
   * garbage collection) than drawing a small part. Not cleared: it may hold an earlier thumbnail's
   * pixels (RenderTarget.resolveInto writes every pixel). Its filter bytes are 0 as long as nobody
   * writes them.
   */
  acquireRows(bytes: number): Uint8Array {
    const rows = this.#rows.pop();
    if (rows?.byteLength === bytes) return rows;
    return new Uint8Array(bytes);
  }

  /** Gives back a buffer from {@link acquireRows} once nothing reads it any more. */
  releaseRows(rows: Uint8Array): void {
    // As many as compressions that overlap the next renders (a pack keeps at most 16 in flight).
    if (this.#rows.length < 16) this.#rows.push(rows);
  }

  /** Lets the buffers and mip chains go (a cache that is dropped lets them go too). */
  clear(): void {
    this.#rows = [];
    this.#targets.clear();
    this.mipmaps.clear();
    this.shades.clear();
    this.vertices = new VertexBuffers();
    this.placement = new PlacementBuffers();
  }
}
