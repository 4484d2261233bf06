import type { Accessor, Material, Texture, TextureInfo } from '@gltf-transform/core';
import { BIN_CHUNK, GLB_MAGIC, GLB_VERSION, JSON_CHUNK } from '../read/glb-container.js';
import { copyStrided, quietSignallingNaNs } from './strided-copy.js';

const ARRAY_BUFFER = 34962;
const ELEMENT_ARRAY_BUFFER = 34963;
const FLOAT = 5126;

const pad4 = (n: number): number => (n + 3) & ~3;

/** One buffer view's bytes, placed at `byteOffset` of the BIN chunk when the file is built. */
interface Block {
  bytes: Uint8Array;
  byteOffset: number;
  /**
   * Elements to space out as they are copied: `elementBytes` each, `fromStride` apart in `bytes`
   * (the element size when packed), `byteStride` apart in the file (padded to 4 bytes).
   */
  strided?: {
    elementBytes: number;
    fromStride: number;
    byteStride: number;
    count: number;
    /** Float data de-interleaved from the model: signalling NaNs quieted as glTF-Transform's reader does. */
    quiet?: boolean;
  };
}

type Def = Record<string, unknown>;

function bytesOf(array: ArrayLike<number> & ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Name and extras of a property, as glTF-Transform's writer emits them (only when set). */
function propertyDef(property: { getName(): string; getExtras(): Record<string, unknown> }): Def {
  const def: Def = {};
  if (property.getName()) def.name = property.getName();
  if (Object.keys(property.getExtras()).length > 0) def.extras = property.getExtras();
  return def;
}

function sameVector(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/**
 * What the builder reads of an accessor: a glTF-Transform Accessor, or the byte-level split's view of
 * one (fast/), so that both write the same bytes.
 */
export type AccessorLike = Pick<
  Accessor,
  | 'getArray'
  | 'getElementSize'
  | 'getComponentSize'
  | 'getCount'
  | 'getComponentType'
  | 'getType'
  | 'getNormalized'
  | 'getName'
  | 'getExtras'
> & {
  /**
   * The accessor's bytes as they lie in its source (`byteStride` apart), to copy from instead of
   * `getArray()`: the byte-level split's, valid until the part is built.
   */
  borrowBytes?(): StridedBytes;
};

/** Interleaved elements in place: `byteStride` apart, from the start of `bytes`. */
export interface StridedBytes {
  bytes: Uint8Array;
  byteStride: number;
}

/** What the builder reads of a material (see {@link AccessorLike}). */
export type MaterialLike = Pick<
  Material,
  | 'getName'
  | 'getExtras'
  | 'getAlphaMode'
  | 'getAlphaCutoff'
  | 'getDoubleSided'
  | 'getBaseColorFactor'
  | 'getEmissiveFactor'
  | 'getRoughnessFactor'
  | 'getMetallicFactor'
  | 'getBaseColorTexture'
  | 'getBaseColorTextureInfo'
  | 'getEmissiveTexture'
  | 'getEmissiveTextureInfo'
  | 'getNormalTexture'
  | 'getNormalTextureInfo'
  | 'getNormalScale'
  | 'getOcclusionTexture'
  | 'getOcclusionTextureInfo'
  | 'getOcclusionStrength'
  | 'getMetallicRoughnessTexture'
  | 'getMetallicRoughnessTextureInfo'
>;

/** Where an image's bytes come from: embedded bytes (a buffer view), or a file beside the part. */
export type ImageSource = { bytes: Uint8Array; mimeType: string } | { uri: string; mimeType: string };

/** Replacements the builder writes instead of the source's (cropped textures, remapped UVs). */
export interface GlbBuilderOptions {
  /** The image to write for a texture (default: the texture's own bytes and type). */
  image?: (texture: Texture) => ImageSource;
  /** Float32 VEC2 UVs to write instead of an accessor's own data (default: none). */
  uvs?: ReadonlyMap<AccessorLike, Float32Array>;
}

/**
 * Assembles one GLB from glTF-Transform properties of a source document without a Document of its
 * own: accessors (their typed arrays copied whole into the BIN chunk, one tightly packed buffer view
 * each), core materials with their textures, samplers and images, and the caller's scene JSON. Used by
 * the direct part encoder (direct-part.ts), which decides what is eligible; this class writes only
 * what core glTF 2.0 defines (no extension).
 */
export class GlbBuilder {
  readonly #blocks: Block[] = [];
  #binLength = 0;
  readonly #accessors: Def[] = [];
  readonly #bufferViews: Def[] = [];
  readonly #accessorIndex = new Map<AccessorLike, number>();
  readonly #materials: Def[] = [];
  readonly #textures: Def[] = [];
  readonly #textureIndex = new Map<string, number>();
  readonly #samplers: Def[] = [];
  readonly #samplerIndex = new Map<string, number>();
  readonly #images: Def[] = [];
  readonly #imageIndex = new Map<Texture, number>();
  readonly #options: GlbBuilderOptions;

  constructor(options: GlbBuilderOptions = {}) {
    this.#options = options;
  }

  /** Appends a buffer view holding `bytes` (aligned to 4 bytes) and returns its index. */
  #addView(block: Omit<Block, 'byteOffset'>, def: Def): number {
    const byteLength = block.strided
      ? block.strided.byteStride * block.strided.count
      : block.bytes.byteLength;
    this.#blocks.push({ ...block, byteOffset: this.#binLength });
    this.#bufferViews.push({ buffer: 0, byteOffset: this.#binLength, byteLength, ...def });
    this.#binLength += pad4(byteLength);
    return this.#bufferViews.length - 1;
  }

  /**
   * Adds an accessor (once; later calls return the same index). `range`: min/max to record (glTF
   * requires them on POSITION), written as float32 values like glTF-Transform does.
   */
  addAccessor(
    accessor: AccessorLike,
    usage: 'indices' | 'attribute',
    range?: { min: number[]; max: number[] },
  ): number {
    const known = this.#accessorIndex.get(accessor);
    if (known !== undefined) return known;
    const uvs = this.#options.uvs?.get(accessor);
    const elementBytes = uvs ? 8 : accessor.getElementSize() * accessor.getComponentSize();
    const count = accessor.getCount();
    // Bytes borrowed from the model are copied (and de-interleaved) straight into the file.
    const inPlace = uvs ? null : (accessor.borrowBytes?.() ?? null);
    const bytes = inPlace ? inPlace.bytes : bytesOf(uvs ?? accessor.getArray()!);
    const fromStride = inPlace ? inPlace.byteStride : elementBytes;
    // glTF aligns every vertex attribute element to 4 bytes: a VEC3 of bytes gets a stride of 4.
    const byteStride = usage === 'indices' ? elementBytes : pad4(elementBytes);
    const target = usage === 'indices' ? ELEMENT_ARRAY_BUFFER : ARRAY_BUFFER;
    const viewDef: Def = byteStride !== elementBytes ? { byteStride, target } : { target };
    const strided = byteStride !== elementBytes || fromStride !== elementBytes;
    const quiet = fromStride !== elementBytes && accessor.getComponentType() === FLOAT;
    const view = this.#addView(
      strided
        ? { bytes, strided: { elementBytes, fromStride, byteStride, count, ...(quiet ? { quiet } : {}) } }
        : { bytes },
      viewDef,
    );
    const def: Def = {
      ...propertyDef(accessor),
      bufferView: view,
      componentType: uvs ? FLOAT : accessor.getComponentType(),
      count,
      type: uvs ? 'VEC2' : accessor.getType(),
    };
    if (accessor.getNormalized() && !uvs) def.normalized = true;
    if (range) {
      def.min = range.min.map(Math.fround);
      def.max = range.max.map(Math.fround);
    }
    this.#accessors.push(def);
    this.#accessorIndex.set(accessor, this.#accessors.length - 1);
    return this.#accessors.length - 1;
  }

  #addImage(texture: Texture): number {
    const known = this.#imageIndex.get(texture);
    if (known !== undefined) return known;
    const source = this.#options.image?.(texture) ?? {
      bytes: texture.getImage()!,
      mimeType: texture.getMimeType(),
    };
    if ('uri' in source) {
      this.#images.push({ ...propertyDef(texture), uri: source.uri, mimeType: source.mimeType });
    } else {
      const view = this.#addView({ bytes: source.bytes }, {});
      this.#images.push({ ...propertyDef(texture), mimeType: source.mimeType, bufferView: view });
    }
    this.#imageIndex.set(texture, this.#images.length - 1);
    return this.#images.length - 1;
  }

  /** A texture info, sharing sampler and texture definitions the way glTF-Transform's writer does. */
  #textureInfo(texture: Texture, info: TextureInfo): Def {
    const sampler: Def = {
      magFilter: info.getMagFilter() || undefined,
      minFilter: info.getMinFilter() || undefined,
      wrapS: info.getWrapS(),
      wrapT: info.getWrapT(),
    };
    const samplerKey = JSON.stringify(sampler);
    let samplerIndex = this.#samplerIndex.get(samplerKey);
    if (samplerIndex === undefined) {
      samplerIndex = this.#samplers.push(sampler) - 1;
      this.#samplerIndex.set(samplerKey, samplerIndex);
    }
    const textureDef = { source: this.#addImage(texture), sampler: samplerIndex };
    const textureKey = JSON.stringify(textureDef);
    let textureIndex = this.#textureIndex.get(textureKey);
    if (textureIndex === undefined) {
      textureIndex = this.#textures.push(textureDef) - 1;
      this.#textureIndex.set(textureKey, textureIndex);
    }
    const def: Def = { index: textureIndex };
    if (info.getTexCoord() !== 0) def.texCoord = info.getTexCoord();
    if (Object.keys(info.getExtras()).length > 0) def.extras = info.getExtras();
    return def;
  }

  /** Adds a core PBR material (no extension) with its textures; returns its index. */
  addMaterial(material: MaterialLike): number {
    const def: Def = propertyDef(material);
    const pbr: Def = {};
    if (material.getAlphaMode() !== 'OPAQUE') def.alphaMode = material.getAlphaMode();
    if (material.getAlphaMode() === 'MASK') def.alphaCutoff = material.getAlphaCutoff();
    if (material.getDoubleSided()) def.doubleSided = true;
    if (!sameVector(material.getBaseColorFactor(), [1, 1, 1, 1]))
      pbr.baseColorFactor = material.getBaseColorFactor();
    if (!sameVector(material.getEmissiveFactor(), [0, 0, 0]))
      def.emissiveFactor = material.getEmissiveFactor();
    if (material.getRoughnessFactor() !== 1) pbr.roughnessFactor = material.getRoughnessFactor();
    if (material.getMetallicFactor() !== 1) pbr.metallicFactor = material.getMetallicFactor();
    const baseColor = material.getBaseColorTexture();
    if (baseColor) pbr.baseColorTexture = this.#textureInfo(baseColor, material.getBaseColorTextureInfo()!);
    const emissive = material.getEmissiveTexture();
    if (emissive) def.emissiveTexture = this.#textureInfo(emissive, material.getEmissiveTextureInfo()!);
    const normal = material.getNormalTexture();
    if (normal) {
      const info = this.#textureInfo(normal, material.getNormalTextureInfo()!);
      if (material.getNormalScale() !== 1) info.scale = material.getNormalScale();
      def.normalTexture = info;
    }
    const occlusion = material.getOcclusionTexture();
    if (occlusion) {
      const info = this.#textureInfo(occlusion, material.getOcclusionTextureInfo()!);
      if (material.getOcclusionStrength() !== 1) info.strength = material.getOcclusionStrength();
      def.occlusionTexture = info;
    }
    const metallicRoughness = material.getMetallicRoughnessTexture();
    if (metallicRoughness) {
      pbr.metallicRoughnessTexture = this.#textureInfo(
        metallicRoughness,
        material.getMetallicRoughnessTextureInfo()!,
      );
    }
    def.pbrMetallicRoughness = pbr;
    return this.#materials.push(def) - 1;
  }

  /**
   * The GLB: `json` (asset, scenes, nodes, meshes: what the caller lays out) plus the accessors,
   * materials, textures, samplers, images, buffer views and the one buffer added so far, then the BIN
   * chunk. One allocation for the whole file (or memory taken from `output`, used again for every part
   * by the byte-level split); each block is copied into it once.
   */
  build(json: Def, output?: { take(length: number): Uint8Array }): Uint8Array {
    const full: Def = { ...json };
    const lists: Array<[string, Def[]]> = [
      ['accessors', this.#accessors],
      ['materials', this.#materials],
      ['textures', this.#textures],
      ['samplers', this.#samplers],
      ['images', this.#images],
      ['bufferViews', this.#bufferViews],
    ];
    for (const [key, list] of lists) if (list.length > 0) full[key] = list;
    if (this.#binLength > 0) full.buffers = [{ byteLength: this.#binLength }];
    const text = new TextEncoder().encode(JSON.stringify(full));
    const jsonLength = pad4(text.byteLength);
    const binChunk = this.#binLength > 0 ? 8 + this.#binLength : 0;
    const total = 12 + 8 + jsonLength + binChunk;
    const out = output ? output.take(total) : new Uint8Array(total);
    // Memory used before holds old bytes: the BIN chunk's padding must be zeros all the same.
    if (output) out.fill(0, 20 + jsonLength);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    view.setUint32(0, GLB_MAGIC, true);
    view.setUint32(4, GLB_VERSION, true);
    view.setUint32(8, total, true);
    view.setUint32(12, jsonLength, true);
    view.setUint32(16, JSON_CHUNK, true);
    out.set(text, 20);
    out.fill(0x20, 20 + text.byteLength, 20 + jsonLength);
    if (binChunk > 0) {
      const bin = 20 + jsonLength;
      view.setUint32(bin, this.#binLength, true);
      view.setUint32(bin + 4, BIN_CHUNK, true);
      const start = bin + 8;
      for (const block of this.#blocks) {
        const at = start + block.byteOffset;
        const strided = block.strided;
        if (!strided) {
          out.set(block.bytes, at);
          continue;
        }
        const { fromStride, byteStride, elementBytes, count } = strided;
        copyStrided(block.bytes, fromStride, out, at, byteStride, elementBytes, count);
        if (strided.quiet) quietSignallingNaNs(out, at, byteStride, elementBytes, count);
      }
    }
    return out;
  }
}
