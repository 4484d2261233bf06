import type { Document } from '@gltf-transform/core';
import type { DecodedImage, EncodeImageOptions } from '../../images/index.js';
import { type ThumbnailSceneOptions, thumbnailSceneOf } from './document-scene.js';
import { encodeRgbaPng, encodeScanlines, scanlineBytes } from './png-encoder.js';
import { drawThumbnail, RENDER_THUMBNAIL_DEFAULTS, type RenderThumbnailOptions } from './render-thumbnail.js';
import { ThumbnailCache } from './thumbnail-cache.js';
import type { ThumbnailScene } from './thumbnail-scene.js';

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

/**
 * {@link renderThumbnail} and {@link encodeThumbnail} in one, the way a pack wants them: the drawing is
 * resolved straight into PNG rows kept in the cache (no RGBA image is allocated per thumbnail), and
 * the rows are compressed on libuv's threads while the caller goes on. Pass the model's cache.
 */
export async function renderThumbnailScenePng(
  scene: ThumbnailScene,
  options: RenderThumbnailOptions = {},
): Promise<Uint8Array> {
  const size = options.size ?? RENDER_THUMBNAIL_DEFAULTS.size;
  const cache = options.cache ?? new ThumbnailCache();
  const target = drawThumbnail(scene, options.cache ? options : { ...options, cache });
  const rows = cache.acquireRows(scanlineBytes(size, size));
  // Filter bytes stay 0 (none); every pixel is written (transparent where nothing is drawn).
  if (target) target.resolveInto(rows, 1, 1 + size * 4);
  else rows.fill(0);
  try {
    return await encodeScanlines(rows, size, size);
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
