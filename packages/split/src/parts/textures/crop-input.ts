/**
 * The plain data a texture crop works on, the same for both part encoders: the general path builds it
 * from a part Document's primitives, the direct encoder from the source's (see part-textures.ts).
 * Keys are identities (the Accessor, the Texture): data with one key is cropped or remapped once.
 */

/** glTF sampler wrap modes. */
export const CLAMP_TO_EDGE = 33071;
export const MIRRORED_REPEAT = 33648;
export const REPEAT = 10497;

/** One UV set (a TEXCOORD_n accessor) as the crop reads it. */
export interface UvSetInput {
  /** Identity of the UV data: primitives that share it are remapped once, consistently. */
  key: object;
  /** u, v per vertex, denormalised. Never modified: other parts read the same data. */
  uvs: Float32Array;
  /** Morph targets of a primitive that reads this set move its UVs by weights unknown here. */
  morphed: boolean;
}

/** One image (a glTF-Transform Texture) as the crop reads it. */
export interface TextureInput {
  /** Identity of the image: every slot that uses it gets one cropped image. */
  key: object;
  /** The encoded bytes (PNG, JPEG, WebP, ...). Never modified. */
  image: Uint8Array;
  mimeType: string;
  /** Pixel size from the header, or null when unknown (then it is kept whole). */
  size: readonly [number, number] | null;
  /** A name for logs and reasons (texture name or URI). */
  name: string;
}

/** One texture slot of a primitive's material. */
export interface SlotInput {
  /** `baseColorTexture`, `KHR_materials_clearcoat.clearcoatTexture`, ... */
  slot: string;
  texture: TextureInput;
  /** Which TEXCOORD_n the slot reads. */
  texCoord: number;
  wrapS: number;
  wrapT: number;
  /** KHR_texture_transform on the slot. */
  transformed: boolean;
}

/** One primitive of a part: what it draws and which textures it samples through which UV set. */
export interface PrimitiveInput {
  indices: ArrayLike<number> | null;
  vertexCount: number;
  /** glTF primitive mode (4 = triangles). */
  mode: number;
  /** TEXCOORD_n → its data. */
  uvSets: ReadonlyMap<number, UvSetInput>;
  slots: readonly SlotInput[];
}

/** The elements of one primitive drawn through one UV set. */
export interface UvUse {
  indices: ArrayLike<number> | null;
  vertexCount: number;
  mode: number;
}
