import type { Document } from '@gltf-transform/core';
import { type DecodedImage, type EncodeImageOptions, encodeImage } from '../../images/index.js';
import { type ThumbnailSceneOptions, thumbnailSceneOf } from './document-scene.js';
import { type RenderThumbnailOptions, renderThumbnail } from './render-thumbnail.js';

/**
 * How thumbnails are written as PNG: zlib level 4 without adaptive filtering. On 256-pixel renders it
 * is 10–25× faster than level 9 with adaptive filtering, and smaller (the renders are smooth
 * gradients, which level 9's filters do not help): bench/thumbnails.mjs, "PNG encoding".
 */
export const THUMBNAIL_PNG: Readonly<EncodeImageOptions> = Object.freeze({
  compressionLevel: 4,
  adaptiveFiltering: false,
  dropOpaqueAlpha: false,
});

/** A rendered thumbnail as PNG bytes (RGBA), with {@link THUMBNAIL_PNG}'s settings. */
export function encodeThumbnail(image: DecodedImage): Promise<Uint8Array> {
  return encodeImage(image, 'png', THUMBNAIL_PNG);
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
  return encodeThumbnail(renderThumbnail(scene, options));
}
