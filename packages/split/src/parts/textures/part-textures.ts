import {
  type Accessor,
  ExtensionProperty,
  Material,
  type Primitive,
  type Property,
  type Texture,
} from '@gltf-transform/core';
import type { ImageCache } from '../../images/index.js';
import { composeCrop } from './compose-image.js';
import { type CropGroup, groupSlots } from './crop-groups.js';
import {
  CLAMP_TO_EDGE,
  type PrimitiveInput,
  type SlotInput,
  type TextureInput,
  type UvSetInput,
} from './crop-input.js';
import { type CropLayout, layoutKey, planLayout } from './crop-layout.js';
import { type EncodedTexture, encodeTexture, outputFormat, type TextureFormat } from './encode-texture.js';
import { readImageInfo } from './image-info.js';
import { remapUvs } from './remap-uvs.js';
import { TextureConversions } from './texture-conversions.js';
import { hasTextureTransform, listTextureSlots } from './texture-slots.js';

/** Options for {@link cropPartTextures} and {@link cropTextureInputs}. */
export interface PartTexturesOptions {
  /** Decoded images of the model (one decode per image per model, however many parts use it). */
  images: ImageCache;
  /** `crop` (default): cut out what the part uses; `embed`: whole images (only `format` applies). */
  mode?: 'crop' | 'embed';
  /** Output format of every image the part carries (default `keep`). */
  format?: TextureFormat;
  /** JPEG / lossy WebP quality for images made from lossless sources (default 90). */
  quality?: number;
  /** Keep images whole when the crop would hold more than this share of their texels (0.9). */
  maxShare?: number;
  /** Fill cells the part does not reach with their mean colour (default true; see composeCrop). */
  maskUnused?: boolean;
  /** Whole-image conversions shared by the parts of a model (default: one per call). */
  conversions?: TextureConversions;
  /** With `format: 'webp'`: also make a PNG/JPEG copy of each WebP image (default false). */
  webpFallback?: boolean;
}

/** An image of the part: new bytes, and with `webpFallback` the PNG/JPEG copy of a WebP image. */
export interface PartImage extends EncodedTexture {
  fallback?: EncodedTexture;
}

/** What happened to one group of images sharing a UV layout, for `inspect` and debug logs. */
export interface TextureDecision {
  /** Slots of the group: `baseColorTexture`, `normalTexture`, ... */
  slots: string[];
  /** Names of its images. */
  textures: string[];
  cropped: boolean;
  /** Why it was kept whole, or what the crop kept (`cropped to 512×256, 12 % of the texels`). */
  reason: string;
  /** Bytes of the group's images before and after (after: what the part carries). */
  bytesBefore: number;
  bytesAfter: number;
}

/** The result for one part: new bytes of images that changed, new UVs of UV sets that moved. */
export interface PartTextures<TextureKey extends object = Texture, UvKey extends object = Accessor> {
  images: Map<TextureKey, PartImage>;
  uvs: Map<UvKey, Float32Array>;
  decisions: TextureDecision[];
}

export const PART_TEXTURES_DEFAULTS: Required<
  Pick<PartTexturesOptions, 'mode' | 'format' | 'maxShare' | 'maskUnused' | 'webpFallback'>
> = {
  mode: 'crop',
  format: 'keep',
  maxShare: 0.9,
  maskUnused: true,
  webpFallback: false,
};

/** UVs as float pairs: the accessor's own array when it already is one (no copy), else decoded. */
function readUvs(accessor: Accessor): Float32Array {
  const array = accessor.getArray();
  if (array instanceof Float32Array && !accessor.getNormalized() && accessor.getElementSize() === 2)
    return array;
  const out = new Float32Array(accessor.getCount() * 2);
  const element = [0, 0];
  for (let i = 0; i < accessor.getCount(); i++) {
    accessor.getElement(i, element);
    out[i * 2] = element[0]!;
    out[i * 2 + 1] = element[1]!;
  }
  return out;
}

/**
 * The materials a primitive may be drawn with: its own, and those its extensions name
 * (KHR_materials_variants mappings), which sample the same UV sets and so must share the layout.
 */
function materialsOf(primitive: Primitive): Material[] {
  const materials = new Set<Material>();
  const own = primitive.getMaterial();
  if (own) materials.add(own);
  const graph = primitive.getGraph();
  const visited = new Set<Property>();
  const walk = (property: Property): void => {
    for (const edge of graph.listChildEdges(property)) {
      const child = edge.getChild();
      if (child instanceof Material) materials.add(child);
      else if (child instanceof ExtensionProperty && !visited.has(child)) {
        visited.add(child);
        walk(child);
      }
    }
  };
  for (const extension of primitive.listExtensions()) {
    visited.add(extension);
    walk(extension);
  }
  return [...materials];
}

/**
 * The crop's input for glTF-Transform primitives: a part Document's (general path) or the source's
 * primitives of one part (direct encoder). Reads only.
 */
export function primitiveInputs(primitives: readonly Primitive[]): PrimitiveInput[] {
  const uvSets = new Map<Accessor, UvSetInput>();
  const textures = new Map<Texture, TextureInput>();
  return primitives.map((primitive) => {
    const slots: SlotInput[] = [];
    const sets = new Map<number, UvSetInput>();
    const morphed = (semantic: string) =>
      primitive.listTargets().some((target) => target.getAttribute(semantic));
    for (const { slot, texture, info } of materialsOf(primitive).flatMap(listTextureSlots)) {
      const image = texture.getImage();
      if (!image) continue;
      let input = textures.get(texture);
      if (!input) {
        const size = texture.getSize();
        input = {
          key: texture,
          image,
          mimeType: texture.getMimeType(),
          size: size ? [size[0], size[1]] : null,
          name: texture.getName() || texture.getURI() || `image ${textures.size}`,
        };
        textures.set(texture, input);
      }
      const texCoord = info.getTexCoord();
      const semantic = `TEXCOORD_${texCoord}`;
      const accessor = primitive.getAttribute(semantic);
      if (accessor && !sets.has(texCoord)) {
        let set = uvSets.get(accessor);
        if (!set) {
          set = { key: accessor, uvs: readUvs(accessor), morphed: false };
          uvSets.set(accessor, set);
        }
        if (morphed(semantic)) set.morphed = true;
        sets.set(texCoord, set);
      }
      slots.push({
        slot,
        texture: input,
        texCoord,
        wrapS: info.getWrapS(),
        wrapT: info.getWrapT(),
        transformed: hasTextureTransform(info),
      });
    }
    const indices = primitive.getIndices();
    return {
      indices: indices ? indices.getArray() : null,
      vertexCount:
        primitive.getAttribute('POSITION')?.getCount() ?? primitive.listAttributes()[0]?.getCount() ?? 0,
      mode: primitive.getMode(),
      uvSets: sets,
      slots,
    };
  });
}

/**
 * The textures of one part, cropped to what its UVs reach (`mode: 'crop'`) and/or converted
 * (`format`), for glTF-Transform primitives. Nothing is modified: the result maps each Texture whose
 * bytes change to its new image, and each TEXCOORD accessor that moves to its new UVs. The direct
 * encoder writes those instead of the source's; {@link cropTextures} applies them to a part Document.
 */
export function cropPartTextures(
  primitives: readonly Primitive[],
  options: PartTexturesOptions,
): Promise<PartTextures<Texture, Accessor>> {
  return cropTextureInputs(primitiveInputs(primitives), options) as Promise<PartTextures<Texture, Accessor>>;
}

/** Why an image cannot be cropped through sharp's 8-bit RGBA pixels, or null when it can. */
function undecodable(texture: TextureInput): string | null {
  const info = readImageInfo(texture.image);
  if (info.format === 'other') return `${texture.name} (${texture.mimeType}) cannot be decoded here`;
  if (info.format === 'png' && info.bitDepth === 16)
    return `${texture.name} is a 16-bit PNG (8-bit cropping would lose precision)`;
  return null;
}

/** {@link cropPartTextures} on plain inputs (keys are whatever identities the inputs carry). */
export async function cropTextureInputs(
  primitives: readonly PrimitiveInput[],
  options: PartTexturesOptions,
): Promise<PartTextures<object, object>> {
  const settings = { ...PART_TEXTURES_DEFAULTS, ...options };
  const conversions = settings.conversions ?? new TextureConversions(settings.images);
  const result: PartTextures<object, object> = { images: new Map(), uvs: new Map(), decisions: [] };
  for (const group of groupSlots(primitives)) {
    const bytesBefore = group.textures.reduce((sum, texture) => sum + texture.image.byteLength, 0);
    const base = {
      slots: [...new Set(group.slots.map((slot) => slot.slot))],
      textures: group.textures.map((texture) => texture.name),
      bytesBefore,
    };
    let keep: string | null = settings.mode === 'embed' ? 'textures are embedded whole' : null;
    keep ??= group.textures.map(undecodable).find((reason) => reason !== null) ?? null;
    let layout: CropLayout | undefined;
    if (keep === null) {
      const decision = planLayout(group, { maxShare: settings.maxShare });
      if (decision.keep !== undefined) keep = decision.keep;
      else layout = decision.layout;
    }
    let cropped: Map<object, PartImage> | undefined;
    if (layout) {
      try {
        cropped = await cropGroup(group, layout, settings, conversions);
      } catch (error) {
        keep = `cannot crop: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    if (layout && cropped) {
      const bytesAfter = [...cropped.values()].reduce((sum, image) => sum + image.bytes.byteLength, 0);
      const sameFormats = group.textures.every(
        (texture) => outputFormat(texture.image, settings.format) === outputFormat(texture.image, 'keep'),
      );
      if (sameFormats && bytesAfter > settings.maxShare * bytesBefore) {
        keep = `cropped images would be ${Math.round((bytesAfter / bytesBefore) * 100)} % of the bytes`;
      } else {
        for (const [key, image] of cropped) result.images.set(key, image);
        for (const { set } of group.uvSets) {
          result.uvs.set(set.key, remapUvs(set.uvs, layout.vertexRects.get(set.key)!, layout));
        }
        const share = (layout.width * layout.height) / (layout.refWidth * layout.refHeight);
        result.decisions.push({
          ...base,
          cropped: true,
          reason: `cropped to ${layout.width}×${layout.height} of ${layout.refWidth}×${layout.refHeight} (${Math.round(share * 100)} % of the texels, ${layout.rects.length} rectangles)`,
          bytesAfter,
        });
        continue;
      }
    }
    // Kept whole: converted when another format is asked for.
    let bytesAfter = 0;
    for (const texture of group.textures) {
      // An image that does not decode is carried as it is, whatever the format asked.
      const converted = await conversions
        .convert(texture.image, settings.format, settings.quality)
        .catch(() => null);
      if (converted) {
        const fallback =
          settings.webpFallback && converted.mimeType === 'image/webp' && texture.mimeType !== 'image/webp'
            ? { bytes: texture.image, mimeType: texture.mimeType as EncodedTexture['mimeType'] }
            : undefined;
        result.images.set(texture.key, fallback ? { ...converted, fallback } : converted);
      }
      bytesAfter += (converted?.bytes ?? texture.image).byteLength;
    }
    result.decisions.push({ ...base, cropped: false, reason: keep ?? 'kept whole', bytesAfter });
  }
  return result;
}

/** The wrap modes an image is sampled with in a group (clamp when its slots disagree). */
function wrapOf(group: CropGroup, texture: TextureInput): { wrapS: number; wrapT: number } {
  const slots = group.slots.filter((slot) => slot.texture === texture);
  const agree = (pick: (slot: SlotInput) => number) =>
    slots.every((slot) => pick(slot) === pick(slots[0]!)) ? pick(slots[0]!) : CLAMP_TO_EDGE;
  return { wrapS: agree((slot) => slot.wrapS), wrapT: agree((slot) => slot.wrapT) };
}

async function cropGroup(
  group: CropGroup,
  layout: CropLayout,
  settings: PartTexturesOptions & typeof PART_TEXTURES_DEFAULTS,
  conversions: TextureConversions,
): Promise<Map<object, PartImage>> {
  const out = new Map<object, PartImage>();
  const layoutSignature = layoutKey(layout, settings.maskUnused);
  for (const texture of group.textures) {
    const wrap = wrapOf(group, texture);
    const key = `${layoutSignature} ${wrap.wrapS} ${wrap.wrapT} ${settings.format} ${settings.quality ?? ''} ${settings.webpFallback}`;
    out.set(
      texture.key,
      await conversions.cropOnce(texture.image, key, () => cropImage(texture, layout, wrap, settings)),
    );
  }
  return out;
}

/** One image of a group cut to a layout and encoded (with its PNG/JPEG fallback when asked). */
async function cropImage(
  texture: TextureInput,
  layout: CropLayout,
  wrap: { wrapS: number; wrapT: number },
  settings: PartTexturesOptions & typeof PART_TEXTURES_DEFAULTS,
): Promise<PartImage> {
  const quality = settings.quality === undefined ? {} : { quality: settings.quality };
  const pixels = await settings.images.get(texture.image);
  if (pixels.width !== texture.size?.[0] || pixels.height !== texture.size?.[1]) {
    throw new Error(`${texture.name} decodes to ${pixels.width}×${pixels.height}, its header says otherwise`);
  }
  const crop = composeCrop(pixels, layout, { ...wrap, maskUnused: settings.maskUnused });
  const image: PartImage = await encodeTexture(crop, texture.image, settings.format, quality);
  if (settings.webpFallback && image.mimeType === 'image/webp') {
    const keep = outputFormat(texture.image, 'keep');
    image.fallback = await encodeTexture(
      crop,
      texture.image,
      keep === 'webp' || keep === null ? 'png' : 'keep',
      quality,
    );
  }
  return image;
}
