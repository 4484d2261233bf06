import type { DecodedImage } from '../../images/index.js';
import { frameThumbnail, usedVertices } from './camera.js';
import { PreparedMesh } from './prepared-mesh.js';
import { drawTriangle } from './rasterizer.js';
import type { RenderTarget } from './render-target.js';
import { ThumbnailCache } from './thumbnail-cache.js';
import type { ThumbnailScene } from './thumbnail-scene.js';

/** Options for {@link renderThumbnail}. */
export interface RenderThumbnailOptions {
  /** Width and height of the image in pixels, 1–4096. Default 256. */
  size?: number;
  /**
   * Anti-aliasing: the scene is drawn at size × supersample and each pixel averages
   * supersample² samples. 1 (off) to 4. Default 2.
   */
  supersample?: number;
  /**
   * Texture mip chains and sample buffers shared by successive renders: pass one per model (and
   * thread) so that a texture shared by many parts is reduced once and buffers are not reallocated.
   * Default: a cache for this call only.
   */
  cache?: ThumbnailCache;
}

export const RENDER_THUMBNAIL_DEFAULTS: Readonly<Required<Omit<RenderThumbnailOptions, 'cache'>>> =
  Object.freeze({ size: 256, supersample: 2 });

/** Largest image {@link renderThumbnail} draws. */
export const MAX_THUMBNAIL_SIZE = 2048;

/** Largest size × supersample: the sample buffers hold 20 bytes per sample (320 MB at 4096²). */
export const MAX_THUMBNAIL_SAMPLES = 4096;

/**
 * Renders a scene as a square RGBA image: the fixed three-quarter camera of `THUMBNAIL_CAMERA`
 * framed on the scene, a transparent background, a z-buffer, the light rig of `THUMBNAIL_LIGHTS`,
 * base colour from the factor, vertex colours and a mip-mapped bilinear texture, sRGB output with
 * straight alpha. Opaque and masked triangles first, then blended ones from far to near.
 * A scene with nothing to draw gives a fully transparent image. Pure: no I/O, no global state.
 */
export function renderThumbnail(scene: ThumbnailScene, options: RenderThumbnailOptions = {}): DecodedImage {
  const size = options.size ?? RENDER_THUMBNAIL_DEFAULTS.size;
  const supersample = options.supersample ?? RENDER_THUMBNAIL_DEFAULTS.supersample;
  if (!Number.isInteger(size) || size < 1 || size > MAX_THUMBNAIL_SIZE)
    throw new RangeError(`thumbnail size must be an integer from 1 to ${MAX_THUMBNAIL_SIZE}, got ${size}`);
  if (!Number.isInteger(supersample) || supersample < 1 || supersample > 4)
    throw new RangeError(`thumbnail supersample must be an integer from 1 to 4, got ${supersample}`);
  if (size * supersample > MAX_THUMBNAIL_SAMPLES)
    throw new RangeError(
      `thumbnail size × supersample must be at most ${MAX_THUMBNAIL_SAMPLES}, got ${size * supersample}`,
    );
  const cache = options.cache ?? new ThumbnailCache();

  const used = scene.meshes.map(usedVertices);
  const frame = frameThumbnail(scene, size * supersample, used);
  if (!frame) return { width: size, height: size, data: new Uint8Array(size * size * 4) };

  const target = cache.target(size * supersample);
  const blended: PreparedMesh[] = [];
  scene.meshes.forEach((mesh, m) => {
    if (mesh.indices.length < 3) return;
    const prepared = new PreparedMesh(mesh, frame, used[m]!, cache.mipmaps);
    if (prepared.blended) {
      blended.push(prepared);
      return;
    }
    const triangles = Math.floor(mesh.indices.length / 3);
    for (let t = 0; t < triangles; t++) drawTriangle(target, prepared, t);
  });
  if (blended.length > 0) drawBlended(target, blended);
  return target.resolve(supersample);
}

/** Blended triangles of every mesh, sorted far to near by their centroid's inverse depth, composited. */
function drawBlended(target: RenderTarget, meshes: PreparedMesh[]): void {
  const order: Array<{ mesh: PreparedMesh; triangle: number; depth: number }> = [];
  for (const mesh of meshes) {
    const { indices } = mesh.mesh;
    const screen = mesh.screen;
    for (let t = 0; t < Math.floor(indices.length / 3); t++) {
      const depth =
        (screen[indices[t * 3]! * 3 + 2] ?? 0) +
        (screen[indices[t * 3 + 1]! * 3 + 2] ?? 0) +
        (screen[indices[t * 3 + 2]! * 3 + 2] ?? 0);
      order.push({ mesh, triangle: t, depth: Number.isNaN(depth) ? -Infinity : depth });
    }
  }
  // Smaller inverse depth = farther: draw those first (invalid triangles, skipped when drawn, first).
  order.sort((x, y) => x.depth - y.depth);
  for (const { mesh, triangle } of order) drawTriangle(target, mesh, triangle);
}
