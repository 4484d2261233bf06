/**
 * Textures of part files (issue 15): each part carries only the texels its UVs reach (`crop`), one
 * shared copy of each image beside the parts (`shared`), or every image whole (`embed`); and
 * `--texture-format`. See README.md for the method and the measurements.
 */
export { type ComposeOptions, composeCrop } from './compose-image.js';
export { type CropGroup, groupSlots } from './crop-groups.js';
export {
  CLAMP_TO_EDGE,
  MIRRORED_REPEAT,
  type PrimitiveInput,
  REPEAT,
  type SlotInput,
  type TextureInput,
  type UvSetInput,
} from './crop-input.js';
export {
  type CropLayout,
  type CropRect,
  LAYOUT_DEFAULTS,
  type LayoutDecision,
  type LayoutOptions,
  marginTexels,
  planLayout,
} from './crop-layout.js';
export {
  applyPartTextures,
  CROP_TEXTURES_DEFAULTS,
  type CropTexturesOptions,
  cropTextures,
} from './crop-textures.js';
export {
  type EncodedTexture,
  type EncodeTextureOptions,
  encodeTexture,
  outputFormat,
  type TextureFormat,
} from './encode-texture.js';
export { type ImageInfo, readImageInfo } from './image-info.js';
export { PackTextures, type PackTexturesOptions } from './pack-textures.js';
export { imageRecord, listPartImages, type PartImageRecord } from './part-images.js';
export {
  cropPartTextures,
  cropTextureInputs,
  PART_TEXTURES_DEFAULTS,
  type PartImage,
  type PartTextures,
  type PartTexturesOptions,
  primitiveInputs,
  type TextureDecision,
} from './part-textures.js';
export { remapUvs } from './remap-uvs.js';
export {
  type SharedPartFile,
  type SharedTextureFile,
  SharedTextures,
  TEXTURES_DIR,
} from './shared-textures.js';
export { TextureConversions } from './texture-conversions.js';
export { hasTextureTransform, listTextureSlots, type TextureSlot } from './texture-slots.js';
export { EXTTextureWebPWithFallback } from './webp-fallback.js';
