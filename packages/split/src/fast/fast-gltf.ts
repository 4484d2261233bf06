import {
  Accessor,
  type GLTF,
  MathUtils,
  type mat4,
  type TypedArray,
  type vec3,
  type vec4,
} from '@gltf-transform/core';
import { worldMatricesOf } from '../geometry.js';
import { PartArena } from '../part-arena.js';
import type { AccessorLike, MaterialLike, StridedBytes } from '../parts/glb-builder.js';
import { type AccessorCopy, copyAccessorBytes, copyStrided } from '../parts/strided-copy.js';
import type { ByteSource } from './byte-source.js';

/**
 * The byte-level split's view of a GLB: its JSON (already checked by preflight) and its BIN chunk,
 * read the way glTF-Transform's reader reads them, property by property, without a Document. Each
 * getter returns what the glTF-Transform property would (the same defaults, the same values), so the
 * code shared with the Document path (the direct encoder's GlbBuilder, frames, naming) writes the same
 * bytes from either. Only what the layouts of fast-plan.ts use is here.
 */

type Json = Record<string, unknown>;

type ArrayType = {
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray;
  BYTES_PER_ELEMENT: number;
};

const ARRAY_TYPES: Record<number, ArrayType> = {
  5120: Int8Array,
  5121: Uint8Array,
  5122: Int16Array,
  5123: Uint16Array,
  5125: Uint32Array,
  5126: Float32Array,
};

/** How much of an accessor {@link FastAccessor.ownArray} (and the reader's worker) reads at a time. */
export const OWN_ARRAY_CHUNK_BYTES = 1 << 20;

/** glTF-Transform's reader keeps extras only when truthy, and an empty object otherwise. */
export function extrasOf(def: Json): Record<string, unknown> {
  return (def.extras as Record<string, unknown>) || {};
}

/** A property's name as glTF-Transform holds it: the JSON's, or '' when absent. */
export function nameOf(def: Json): string {
  return def.name === undefined ? '' : (def.name as string);
}

/** Where the GLB's BIN chunk is read from: the model's bytes, and the arenas parts are read into. */
export interface BinReader {
  source: ByteSource;
  /** Offset of the BIN chunk's data in the model. */
  binOffset: number;
  /** Holds what the part being made reads (reset for every part: fast-split.ts). */
  part: PartArena;
  /**
   * The interleaved rows the part being made has read (cleared with the arena), by view, first row
   * and row count: the attributes of one primitive share their rows, which are read once, not once
   * per attribute.
   */
  partRows: Map<string, Uint8Array>;
  /** Holds one accessor's values for one pass (the checks), reset before each. */
  scratch: PartArena;
  /** Holds what a thumbnail's scene reads of a primitive before placing it (reset for each). */
  scene: PartArena;
}

/** An accessor of the GLB: its metadata from the JSON, its values read from the BIN chunk on demand. */
export class FastAccessor implements AccessorLike {
  readonly #def: Json;
  readonly #view: Json;
  readonly #bin: BinReader;
  #array: TypedArray | undefined;

  readonly #viewIndex: number;

  constructor(def: Json, view: Json, viewIndex: number, bin: BinReader) {
    this.#def = def;
    this.#view = view;
    this.#viewIndex = viewIndex;
    this.#bin = bin;
  }

  getName(): string {
    return nameOf(this.#def);
  }
  getExtras(): Record<string, unknown> {
    return extrasOf(this.#def);
  }
  getType(): GLTF.AccessorType {
    return this.#def.type as GLTF.AccessorType;
  }
  getComponentType(): GLTF.AccessorComponentType {
    return this.#def.componentType as GLTF.AccessorComponentType;
  }
  getNormalized(): boolean {
    return (this.#def.normalized as boolean | undefined) ?? false;
  }
  getElementSize(): number {
    return Accessor.getElementSize(this.#def.type as GLTF.AccessorType);
  }
  getComponentSize(): number {
    return ARRAY_TYPES[this.#def.componentType as number]!.BYTES_PER_ELEMENT;
  }
  getCount(): number {
    return this.#def.count as number;
  }

  /** Where the accessor's bytes are in the model, and how they are laid out. */
  #layout(): {
    offset: number;
    span: number;
    elementBytes: number;
    stride: number | undefined;
    Type: ArrayType;
  } {
    const Type = ARRAY_TYPES[this.#def.componentType as number]!;
    const elementBytes = this.getElementSize() * Type.BYTES_PER_ELEMENT;
    const offset =
      this.#bin.binOffset +
      ((this.#view.byteOffset as number | undefined) ?? 0) +
      ((this.#def.byteOffset as number | undefined) ?? 0);
    const viewStride = this.#view.byteStride as number | undefined;
    const stride = viewStride === elementBytes ? undefined : viewStride;
    const count = this.getCount();
    const span = stride === undefined ? count * elementBytes : stride * (count - 1) + elementBytes;
    return { offset, span, elementBytes, stride, Type };
  }

  /**
   * The accessor's bytes as they lie in the model, read into the part's arena, for GlbBuilder to copy
   * (and de-interleave) straight into the part file: valid until the next part.
   */
  borrowBytes(): StridedBytes {
    const { offset, span, elementBytes, stride } = this.#layout();
    const bin = this.#bin;
    // Packed data, and the whole rows interleaved data lies in (every attribute of the primitive lies
    // in the same ones): read once per part, then found here by the encoder and the thumbnail alike.
    const within = (this.#def.byteOffset as number | undefined) ?? 0;
    const firstRow = stride === undefined ? within : Math.floor(within / stride) * stride;
    const length =
      stride === undefined
        ? span
        : Math.min(stride * this.getCount(), (this.#view.byteLength as number) - firstRow);
    const key = `${this.#viewIndex}:${firstRow}:${length}`;
    let rows = bin.partRows.get(key);
    if (!rows) {
      rows = bin.source.read(offset - within + firstRow, length, bin.part);
      bin.partRows.set(key, rows);
    }
    const at = within - firstRow;
    return { bytes: rows.subarray(at, at + span), byteStride: stride ?? elementBytes };
  }

  /**
   * The values, tightly packed, as glTF-Transform's reader makes them (interleaved data de-interleaved
   * bytes for bytes, not through a DataView as the reader does, which gives the same values), from
   * `bytes` (as {@link borrowBytes} gives them) into `arena`'s memory when they are not already packed
   * and aligned: valid until the arena, or the part's, is reset.
   */
  #valuesOf({ bytes, byteStride }: StridedBytes, arena: PartArena): TypedArray {
    const { elementBytes, Type } = this.#layout();
    const count = this.getCount();
    if (byteStride === elementBytes && bytes.byteOffset % Type.BYTES_PER_ELEMENT === 0) {
      return new Type(bytes.buffer, bytes.byteOffset, count * this.getElementSize());
    }
    const out = arena.take(count * elementBytes);
    copyStrided(bytes, byteStride, out, 0, elementBytes, elementBytes, count);
    return new Type(out.buffer, out.byteOffset, count * this.getElementSize());
  }

  /** The values of the part being made (read once per part: {@link borrowBytes}), in `arena` if copied. */
  values(arena: PartArena): TypedArray {
    return this.#valuesOf(this.borrowBytes(), arena);
  }

  /**
   * The values for one pass over every mesh (the checks, before any part is made): read straight
   * from the model into the scratch arena, which is reset first.
   */
  scan(): TypedArray {
    const { offset, span, elementBytes, stride } = this.#layout();
    const scratch = this.#bin.scratch;
    scratch.reset();
    const bytes = this.#bin.source.read(offset, span, scratch);
    return this.#valuesOf({ bytes, byteStride: stride ?? elementBytes }, scratch);
  }

  /**
   * The values in memory of their own (for thumbnails and bounds under a rotation), kept until
   * {@link release}: the byte-level split releases a part's arrays once its thumbnail's scene is made.
   */
  getArray(): TypedArray {
    if (!this.#array) {
      this.#bin.scratch.reset();
      this.#array = this.values(this.#bin.scratch).slice();
    }
    return this.#array;
  }

  /**
   * The values in memory of their own, for a Document (fast-document.ts). The file is read in chunks
   * into the scratch arena (memory used before) and copied (de-interleaved when interleaved) into the
   * new memory: reading straight into new memory is as fast, but the first pass over memory the
   * kernel filled costs ~1.3 ms per MB more on this VM than over memory this thread wrote (a 24 MB
   * index buffer: 46 against 13 ms; see byte-source.ts).
   */
  ownArray(): TypedArray {
    const copy = this.ownCopy();
    const { source, scratch } = this.#bin;
    const out = new Uint8Array(copy.count * copy.elementBytes);
    const read = (offset: number, length: number) => {
      scratch.reset();
      return source.read(offset, length, scratch);
    };
    copyAccessorBytes(copy, read, out, OWN_ARRAY_CHUNK_BYTES);
    return this.arrayOf(out);
  }

  /** Where {@link ownArray} reads the values from, for a copy made elsewhere (accessor-worker.ts). */
  ownCopy(): AccessorCopy {
    const { offset, elementBytes, stride } = this.#layout();
    // De-interleaved floats: glTF-Transform's reader quiets signalling NaNs (quietSignallingNaNs).
    const quiet = this.getComponentType() === 5126;
    return { offset, count: this.getCount(), elementBytes, stride, quiet };
  }

  /** The accessor's typed array over bytes {@link ownCopy} describes (all of `bytes`' buffer). */
  arrayOf(bytes: Uint8Array): TypedArray {
    const { Type } = this.#layout();
    return new Type(bytes.buffer, bytes.byteOffset, this.getCount() * this.getElementSize());
  }

  /** Lets the array {@link getArray} kept go. */
  release(): void {
    this.#array = undefined;
  }

  /** The element at `index`, decoded when normalized (glTF-Transform's Accessor.getElement). */
  getElement<T extends number[]>(index: number, target: T): T {
    const normalized = this.getNormalized();
    const size = this.getElementSize();
    const componentType = this.getComponentType();
    const array = this.getArray();
    for (let i = 0; i < size; i++) {
      const value = array[index * size + i]!;
      target[i] = normalized ? MathUtils.decodeNormalizedInt(value, componentType) : value;
    }
    return target;
  }
}

/** A core material of the GLB (fast-plan.ts admits no texture and no extension). */
export class FastMaterial implements MaterialLike {
  readonly #def: Json;
  readonly #pbr: Json;

  constructor(def: Json) {
    this.#def = def;
    this.#pbr = (def.pbrMetallicRoughness as Json) || {};
  }

  getName(): string {
    return nameOf(this.#def);
  }
  getExtras(): Record<string, unknown> {
    return extrasOf(this.#def);
  }
  getAlphaMode(): GLTF.MaterialAlphaMode {
    return (this.#def.alphaMode as GLTF.MaterialAlphaMode | undefined) ?? 'OPAQUE';
  }
  getAlphaCutoff(): number {
    return (this.#def.alphaCutoff as number | undefined) ?? 0.5;
  }
  getDoubleSided(): boolean {
    return (this.#def.doubleSided as boolean | undefined) ?? false;
  }
  getBaseColorFactor(): vec4 {
    return (this.#pbr.baseColorFactor as vec4 | undefined) ?? [1, 1, 1, 1];
  }
  getEmissiveFactor(): vec3 {
    return (this.#def.emissiveFactor as vec3 | undefined) ?? [0, 0, 0];
  }
  getRoughnessFactor(): number {
    return (this.#pbr.roughnessFactor as number | undefined) ?? 1;
  }
  getMetallicFactor(): number {
    return (this.#pbr.metallicFactor as number | undefined) ?? 1;
  }
  getNormalScale(): number {
    return 1;
  }
  getOcclusionStrength(): number {
    return 1;
  }
  getBaseColorTexture(): null {
    return null;
  }
  getBaseColorTextureInfo(): null {
    return null;
  }
  getEmissiveTexture(): null {
    return null;
  }
  getEmissiveTextureInfo(): null {
    return null;
  }
  getNormalTexture(): null {
    return null;
  }
  getNormalTextureInfo(): null {
    return null;
  }
  getOcclusionTexture(): null {
    return null;
  }
  getOcclusionTextureInfo(): null {
    return null;
  }
  getMetallicRoughnessTexture(): null {
    return null;
  }
  getMetallicRoughnessTextureInfo(): null {
    return null;
  }
}

/** A primitive of the GLB, with its accessors and material from the model's shared lists. */
export class FastPrimitive {
  readonly #def: Json;
  readonly #gltf: FastGltf;

  constructor(def: Json, gltf: FastGltf) {
    this.#def = def;
    this.#gltf = gltf;
  }

  listSemantics(): string[] {
    return Object.keys((this.#def.attributes as Json) ?? {});
  }
  getAttribute(semantic: string): FastAccessor | null {
    const index = (this.#def.attributes as Json)?.[semantic] as number | undefined;
    return index === undefined ? null : this.#gltf.accessor(index);
  }
  getIndices(): FastAccessor | null {
    const index = this.#def.indices as number | undefined;
    return index === undefined ? null : this.#gltf.accessor(index);
  }
  getMaterial(): FastMaterial | null {
    const index = this.#def.material as number | undefined;
    return index === undefined ? null : this.#gltf.material(index);
  }
  getMode(): number {
    return (this.#def.mode as number | undefined) ?? 4;
  }
  getExtras(): Record<string, unknown> {
    return extrasOf(this.#def);
  }

  /** Lets the arrays its accessors keep go (FastAccessor.release). */
  release(): void {
    for (const semantic of this.listSemantics()) this.getAttribute(semantic)!.release();
    this.getIndices()?.release();
  }
}

/**
 * The GLB's JSON and BIN chunk, with one FastAccessor / FastMaterial per JSON entry (made on first
 * use: the same object for the same index, as a Document has one property per entry) and the nodes'
 * world matrices computed as glTF-Transform computes them.
 */
export class FastGltf {
  readonly json: Json;
  readonly bin: BinReader;
  readonly #accessors = new Map<number, FastAccessor>();
  readonly #materials = new Map<number, FastMaterial>();
  readonly #parents: Map<number, number>;
  /** A node's world matrix (createWorldMatrices' arithmetic: parent world × local, top-down, cached). */
  readonly worldMatrix = worldMatricesOf<number>(
    (node) => this.parentOf(node) ?? null,
    (node) => this.localMatrix(node),
  );

  constructor(json: Json, source: ByteSource, binOffset: number) {
    this.json = json;
    this.bin = {
      source,
      binOffset,
      part: new PartArena(),
      partRows: new Map(),
      scratch: new PartArena(),
      scene: new PartArena(),
    };
    this.#parents = new Map();
    for (const [i, node] of this.list('nodes').entries()) {
      for (const child of (node.children as number[] | undefined) ?? []) this.#parents.set(child, i);
    }
  }

  /**
   * Starts a part: what the previous part read (the part arena, its cached rows) is let go. Its bytes
   * must no longer be in use (writePack has written them: EncodedPart.borrowed).
   */
  startPart(): void {
    this.bin.part.reset();
    this.bin.partRows.clear();
  }

  /** A top-level JSON list (empty when absent). */
  list(key: string): Json[] {
    return (this.json[key] as Json[] | undefined) ?? [];
  }

  accessor(index: number): FastAccessor {
    let accessor = this.#accessors.get(index);
    if (!accessor) {
      const def = this.list('accessors')[index]!;
      const view = def.bufferView as number;
      accessor = new FastAccessor(def, this.list('bufferViews')[view]!, view, this.bin);
      this.#accessors.set(index, accessor);
    }
    return accessor;
  }

  material(index: number): FastMaterial {
    let material = this.#materials.get(index);
    if (!material) {
      material = new FastMaterial(this.list('materials')[index]!);
      this.#materials.set(index, material);
    }
    return material;
  }

  primitives(mesh: number): FastPrimitive[] {
    const def = this.list('meshes')[mesh]!;
    return ((def.primitives as Json[] | undefined) ?? []).map(
      (primitive) => new FastPrimitive(primitive, this),
    );
  }

  parentOf(node: number): number | undefined {
    return this.#parents.get(node);
  }

  /** A node's local matrix as glTF-Transform's Node.getMatrix gives it (a `matrix` decomposed to TRS first). */
  localMatrix(node: number): mat4 {
    const def = this.list('nodes')[node]!;
    let translation = (def.translation as vec3 | undefined) ?? [0, 0, 0];
    let rotation = (def.rotation as vec4 | undefined) ?? [0, 0, 0, 1];
    let scale = (def.scale as vec3 | undefined) ?? [1, 1, 1];
    if (def.matrix !== undefined) {
      translation = [0, 0, 0];
      rotation = [0, 0, 0, 1];
      scale = [1, 1, 1];
      MathUtils.decompose(def.matrix as mat4, translation, rotation, scale);
    }
    return MathUtils.compose(translation, rotation, scale, [] as unknown as mat4);
  }
}
