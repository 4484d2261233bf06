import type { Document } from '@gltf-transform/core';
import { encodeImage } from '../../images/index.js';
import { type ThumbnailSceneOptions, thumbnailSceneOf } from './document-scene.js';
import { type RenderThumbnailOptions, renderThumbnail } from './render-thumbnail.js';

/** Options for {@link renderThumbnailPng}: what to draw, and how large. */
export interface RenderThumbnailPngOptions extends ThumbnailSceneOptions, RenderThumbnailOptions {}

/**
 * A PNG thumbnail of what a viewer shows of `document` (see {@link thumbnailSceneOf} and
 * {@link renderThumbnail}): `size` × `size` pixels, RGBA with a transparent background.
 * For a pack: each part's thumbnail from its part Document (or from the source Document with the
 * part's `nodes` and `primitives`), `thumbnail.png` from the whole source Document.
 */
export async function renderThumbnailPng(
  document: Document,
  options: RenderThumbnailPngOptions,
): Promise<Uint8Array> {
  const scene = await thumbnailSceneOf(document, options);
  return encodeImage(renderThumbnail(scene, options), 'png');
}
