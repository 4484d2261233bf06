import type { Document } from '@gltf-transform/core';
import type { DecodedImage, EncodeImageOptions } from '../../images/index.js';
import { type ThumbnailSceneOptions, thumbnailSceneOf } from './document-scene.js';
import { type DeflateOn, encodeRgbaPng, encodeScanlines, scanlineBytes } from './png-encoder.js';
import type { RenderTarget } from './render-target.js';
import {
  drawThumbnail,
  RENDER_THUMBNAIL_DEFAULTS,
  type RenderThumbnailOptions,
  StreamedThumbnail,
} from './render-thumbnail.js';
import { ThumbnailCache } from './thumbnail-cache.js';
import type { ThumbnailScene, ThumbnailSceneStream } from './thumbnail-scene.js';

/**
 * sharp settings that suit thumbnails (zlib level 4 without adaptive filtering), for a caller that
 * encodes a rendered image through `images/encodeImage` itself. The thumbnails of a pack no longer
 * go through sharp: see {@link encodeThumbnail} and png-encoder.ts.
 */
export const THUMBNAIL_PNG: Readonly<EncodeImageOptions> = Object.freeze({
  compressionLevel: 4,
  adaptiveFiltering: false,
  dropOpaqueAlpha: false,
});

/** A rendered thumbnail as PNG bytes (RGBA, zlib level 2 on libuv's threads: png-encoder.ts). */
export function encodeThumbnail(image: DecodedImage): Promise<Uint8Array> {
  return encodeRgbaPng(image);
}

/** Options for {@link renderThumbnailScenePng}. */
export interface RenderThumbnailScenePngOptions extends RenderThumbnailOptions {
  /**
   * Where zlib compresses the rows (png-encoder.ts, DeflateOn): `pool`, libuv's threads while the
   * caller goes on (default), or `inline`, on this thread before the drawing's promise is returned:
   * for threads that all draw, as a pack's do when a worker shares the drawing.
   */
  deflateOn?: DeflateOn;
}

/**
 * {@link renderThumbnail} and {@link encodeThumbnail} in one, the way a pack wants them: the drawing is
 * resolved straight into PNG rows kept in the cache (no RGBA image is allocated per thumbnail), and
 * the rows are compressed on libuv's threads while the caller goes on (or inline: `deflateOn`). Pass
 * the model's cache.
 */
export async function renderThumbnailScenePng(
  scene: ThumbnailScene,
  options: RenderThumbnailScenePngOptions = {},
): Promise<Uint8Array> {
  const cache = options.cache ?? new ThumbnailCache();
  // Drawn before the first await (the caller's arrays may be reused once this returns); a RangeError
  // for a size it cannot draw rejects the promise, as any failure here does.
  const target = drawThumbnail(scene, options.cache ? options : { ...options, cache });
  return drawingPng(target, cache, options);
}

/**
 * {@link renderThumbnailScenePng} of a scene read mesh by mesh (render-thumbnail.ts,
 * drawThumbnailStream): the byte-level split's whole model, drawn without being held whole.
 */
export async function renderThumbnailStreamPng(
  stream: ThumbnailSceneStream,
  options: RenderThumbnailScenePngOptions = {},
): Promise<Uint8Array> {
  return streamedThumbnailPng(new StreamedThumbnail(stream, options), options);
}

/** A {@link StreamedThumbnail} finished (what is left drawn) as PNG bytes. */
export async function streamedThumbnailPng(
  drawing: StreamedThumbnail,
  options: Pick<RenderThumbnailScenePngOptions, 'deflateOn'> = {},
): Promise<Uint8Array> {
  return drawingPng(drawing.finish(), drawing.cache, { ...options, size: drawing.size });
}

/** A drawing (or nothing: transparent) resolved into the cache's PNG rows and compressed. */
async function drawingPng(
  target: RenderTarget | null,
  cache: ThumbnailCache,
  options: RenderThumbnailScenePngOptions,
): Promise<Uint8Array> {
  const size = options.size ?? RENDER_THUMBNAIL_DEFAULTS.size;
  const rows = cache.acquireRows(scanlineBytes(size, size));
  // Filter bytes stay 0 (none); every pixel is written (transparent where nothing is drawn).
  if (target) target.resolveInto(rows, 1, 1 + size * 4);
  else rows.fill(0);
  try {
    return await encodeScanlines(rows, size, size, undefined, options.deflateOn);
  } finally {
    cache.releaseRows(rows);
  }
}

/** Options for {@link renderThumbnailPng}: what to draw, and how large. */
export interface RenderThumbnailPngOptions extends ThumbnailSceneOptions, RenderThumbnailOptions {}

/**
 * A PNG thumbnail of what a viewer shows of `document` (see {@link thumbnailSceneOf} and
 * {@link renderThumbnail}): `size` × `size` pixels, RGBA with a transparent background.
 * For a pack: each part's thumbnail from its part Document (or from the source Document with the
 * part's `nodes`, `primitives` and `space: 'mesh'`), `thumbnail.png` from the whole source Document.
 */
export async function renderThumbnailPng(
  document: Document,
  options: RenderThumbnailPngOptions,
): Promise<Uint8Array> {
  const scene = await thumbnailSceneOf(document, options);
  return renderThumbnailScenePng(scene, options);
}
