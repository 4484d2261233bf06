import type { Accessor, Document, Primitive, Texture, Transform } from '@gltf-transform/core';
import { EXTTextureWebP } from '@gltf-transform/extensions';
import type { ImageCache } from '../../images/index.js';
import { namedTransform } from '../../named-transform.js';
import type { EncodedTexture, TextureFormat } from './encode-texture.js';
import {
  cropPartTextures,
  PART_TEXTURES_DEFAULTS,
  type PartTextures,
  type TextureDecision,
} from './part-textures.js';
import type { TextureConversions } from './texture-conversions.js';
import { EXTTextureWebPWithFallback } from './webp-fallback.js';

const NAME = 'cropTextures';

/** Options for {@link cropTextures}. */
export interface CropTexturesOptions {
  /** Decoded images of the model: one per model, shared by its parts (one decode per image). */
  images: ImageCache;
  /** `crop` (default) or `embed` (whole images; only `format` applies). */
  mode?: 'crop' | 'embed';
  /** Output format of every image (default `keep`). WebP is written with EXT_texture_webp. */
  format?: TextureFormat;
  /** JPEG / lossy WebP quality for images made from lossless sources (default 90). */
  quality?: number;
  /** Keep images whole when a crop would hold more than this share of their texels (default 0.9). */
  maxShare?: number;
  /** Fill the cells of a crop that the part does not reach with their mean colour (default true). */
  maskUnused?: boolean;
  /** With `format: 'webp'`: also carry a PNG/JPEG copy of each image for loaders without WebP (default false). */
  webpFallback?: boolean;
  /** Whole-image conversions shared by the parts of a model. */
  conversions?: TextureConversions;
  /** Receives what happened to each group of images (for `inspect` and logs). */
  onDecisions?: (decisions: TextureDecision[]) => void;
}

export const CROP_TEXTURES_DEFAULTS: Required<
  Omit<CropTexturesOptions, 'images' | 'quality' | 'conversions' | 'onDecisions'>
> = { ...PART_TEXTURES_DEFAULTS, webpFallback: false };

/**
 * Makes a part Document carry only the texels its UVs reach (see README.md): for each group of images
 * that share a UV layout, the regions the part's elements reach are cut out (with a margin), packed
 * into a smaller image and the UVs remapped; images stay whole when the UVs tile, a
 * KHR_texture_transform moves them, morph targets move them, or cropping saves less than ~10 %.
 * `format` converts the images the part carries, cropped or not.
 *
 * For part Documents (splitParts' general path), whose textures and accessors belong to the part
 * alone: images are replaced in place (textures shared between materials stay shared) and moved UV
 * sets get new accessors. Untouched images keep their bytes, KHR_texture_transform and samplers.
 */
export function cropTextures(options: CropTexturesOptions): Transform {
  const settings = { ...CROP_TEXTURES_DEFAULTS, ...options };
  return namedTransform(NAME, async (document: Document): Promise<void> => {
    const logger = document.getLogger();
    const primitives = document
      .getRoot()
      .listMeshes()
      .flatMap((mesh) => mesh.listPrimitives());
    const result = await cropPartTextures(primitives, settings);
    applyPartTextures(document, primitives, result, settings.webpFallback);
    for (const decision of result.decisions) {
      logger.debug(
        `${NAME}: ${decision.textures.join(', ')} (${decision.slots.join(', ')}): ${decision.reason}; ` +
          `${decision.bytesBefore} → ${decision.bytesAfter} bytes`,
      );
    }
    settings.onDecisions?.(result.decisions);
  });
}

const EXTENSION_OF: Record<EncodedTexture['mimeType'], string> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/webp': '.webp',
};

/**
 * Applies a {@link PartTextures} result to the Document its primitives belong to: new image bytes
 * in place, new accessors for moved UV sets (the old ones disposed when nothing else uses them),
 * EXT_texture_webp when an image became WebP.
 */
export function applyPartTextures(
  document: Document,
  primitives: readonly Primitive[],
  result: PartTextures<Texture, Accessor>,
  webpFallback = false,
): void {
  // (webpFallback decides the extension's form; the fallback bytes come with the result.)
  let webp: EXTTextureWebP | undefined;
  for (const [texture, image] of result.images) {
    texture.setImage(image.bytes).setMimeType(image.mimeType);
    const uri = texture.getURI();
    if (uri) texture.setURI(uri.replace(/(\.[A-Za-z0-9]+)?$/, EXTENSION_OF[image.mimeType]));
    if (image.mimeType !== 'image/webp') continue;
    if (!webp) {
      webp = webpFallback
        ? document.createExtension(EXTTextureWebPWithFallback).setRequired(false)
        : document.createExtension(EXTTextureWebP).setRequired(true);
    }
    if (webp instanceof EXTTextureWebPWithFallback && image.fallback) {
      const fallback = document
        .createTexture(`${texture.getName()}_fallback`)
        .setImage(image.fallback.bytes)
        .setMimeType(image.fallback.mimeType);
      webp.setFallback(texture, fallback);
    }
  }
  // Every WebP image converted away: the extension would be declared (and required) for nothing.
  const webpLeft = document
    .getRoot()
    .listTextures()
    .some((texture) => texture.getMimeType() === 'image/webp');
  if (!webpLeft) {
    for (const extension of document.getRoot().listExtensionsUsed())
      if (extension.extensionName === EXTTextureWebP.EXTENSION_NAME) extension.dispose();
  }
  const replaced = new Map<Accessor, Accessor>();
  for (const [old, uvs] of result.uvs) {
    const buffer = old.getBuffer() ?? document.getRoot().listBuffers()[0] ?? document.createBuffer();
    replaced.set(old, document.createAccessor(old.getName()).setType('VEC2').setArray(uvs).setBuffer(buffer));
  }
  if (replaced.size === 0) return;
  for (const primitive of primitives) {
    for (const semantic of primitive.listSemantics()) {
      const next = replaced.get(primitive.getAttribute(semantic)!);
      if (next && semantic.startsWith('TEXCOORD_')) primitive.setAttribute(semantic, next);
    }
  }
  for (const old of replaced.keys()) {
    if (old.listParents().every((parent) => parent === document.getRoot())) old.dispose();
  }
}
