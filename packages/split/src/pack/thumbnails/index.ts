/**
 * Thumbnails rendered in-process, in TypeScript: no browser, no GPU, no native build (PNG files are
 * compressed by node:zlib). See README.md in this folder for the camera, the lights, the
 * multisampling, what is sampled and the measured speed.
 *
 * - {@link renderThumbnail}: a {@link ThumbnailScene} (plain arrays) → RGBA pixels.
 * - {@link thumbnailSceneOf}: a glTF-Transform Document's default scene → a ThumbnailScene.
 * - {@link renderThumbnailPng}: both, then PNG bytes; {@link renderThumbnailScenePng}: a scene to PNG bytes.
 * - {@link renderThumbnailStreamPng}, {@link StreamedThumbnail}: a {@link ThumbnailSceneStream} (read
 *   mesh by mesh, never held whole) to PNG bytes, at once or a slice at a time.
 */
export { frameThumbnail, THUMBNAIL_CAMERA, ThumbnailFrame, usedVertices } from './camera.js';
export {
  colorArray,
  factorLook,
  floatArray,
  type StaticPrimitiveArrays,
  staticMeshes,
  type ThumbnailSceneOptions,
  thumbnailSceneOf,
  triangleListOf,
} from './document-scene.js';
export { THUMBNAIL_LIGHTS } from './lighting.js';
export { ownedMesh } from './placement.js';
export { type DeflateOn, encodeRgbaPng, THUMBNAIL_DEFLATE } from './png-encoder.js';
export {
  encodeThumbnail,
  type RenderThumbnailPngOptions,
  type RenderThumbnailScenePngOptions,
  renderThumbnailPng,
  renderThumbnailScenePng,
  renderThumbnailStreamPng,
  streamedThumbnailPng,
  THUMBNAIL_PNG,
} from './render-png.js';
export type { RenderTarget } from './render-target.js';
export {
  drawThumbnail,
  drawThumbnailStream,
  MAX_THUMBNAIL_SAMPLES,
  MAX_THUMBNAIL_SIZE,
  RENDER_THUMBNAIL_DEFAULTS,
  type RenderThumbnailOptions,
  renderThumbnail,
  StreamedThumbnail,
} from './render-thumbnail.js';
export { ThumbnailCache } from './thumbnail-cache.js';
export {
  createThumbnailPool,
  type ThumbnailHandOver,
  type ThumbnailPool,
  type ThumbnailPoolOptions,
  thumbnailWorkerBuilt,
} from './thumbnail-pool.js';
export type {
  TextureWrap,
  ThumbnailAlphaMode,
  ThumbnailMesh,
  ThumbnailScene,
  ThumbnailSceneStream,
  ThumbnailTexture,
} from './thumbnail-scene.js';
