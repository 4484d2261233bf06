import {
  type Accessor,
  type Document,
  type ILogger,
  type Material,
  type mat4,
  type Node,
  Primitive,
  type Texture,
  type TextureInfo,
  type TypedArray,
} from '@gltf-transform/core';
import type { Sheen, Transform, Transmission } from '@gltf-transform/extensions';
import { baseColorOf } from '../../base-color.js';
import {
  createWorldMatrices,
  instanceMatrices,
  placedPositions,
  positionArray,
  skinBinding,
  triangleIndices,
  triangleIndicesOf,
  trianglesOf,
} from '../../geometry.js';
import { canDecode, type DecodedImage, type ImageCache, imageFormatOf } from '../../images/index.js';
import { IDENTITY, multiply } from '../../math.js';
import { listMeshNodes, selectScene } from '../../scene.js';
import { determinant3 } from './placement.js';
import type { TextureWrap, ThumbnailMesh, ThumbnailScene, ThumbnailTexture } from './thumbnail-scene.js';

/** Options for {@link thumbnailSceneOf}. */
export interface ThumbnailSceneOptions {
  /** Decoded images of this model, shared by every thumbnail of it (one decode per image). */
  images: ImageCache;
  /**
   * Draw only these nodes' meshes, each where the document's node hierarchy puts it (its world
   * transform, its instances, its skin in rest pose), whether or not the default scene holds it.
   * Default: every mesh node of the default scene (else the first scene).
   */
  nodes?: readonly Node[];
  /** Draw only these primitives of those nodes' meshes (a `primitives`-strategy part). Default: all. */
  primitives?: readonly Primitive[];
  /**
   * Where each node's mesh is drawn. `world` (default): as the scene places it. `mesh`: in the
   * mesh's own space, the node's world transform left out (GPU instances and skins still apply;
   * glTF ignores a skinned node's transform anyway): what a part file that keeps the mesh's own
   * coordinates shows. The camera frames the bounds, so a translation alone never changes the image.
   */
  space?: 'world' | 'mesh';
}

/** glTF sampler wrap codes (WebGL enums), as glTF-Transform returns them. */
const WRAP_CODES: Readonly<Record<number, TextureWrap>> = {
  33071: 'clamp',
  33648: 'mirror',
  10497: 'repeat',
};
/** glTF NEAREST magnification filter. */
const NEAREST = 9728;

/**
 * What a viewer draws of a Document, as a {@link ThumbnailScene}: every triangle primitive of the
 * default scene's mesh nodes (points and lines are skipped) in world space, by node world
 * transforms and EXT_mesh_gpu_instancing instances; skinned meshes in their rest pose (joints' rest
 * world transforms × inverse bind matrices), morph targets at rest (base positions and normals);
 * quantized and normalized attributes decoded; strips and fans as triangles; a mirroring transform
 * flips the winding, as glTF asks. Materials: base colour factor and texture (the `texCoord` its
 * texture info names, KHR_texture_transform, the sampler's wrap modes and magnification filter),
 * `COLOR_0`, alpha mode and cutoff, double-sidedness, KHR_materials_unlit, the diffuse of
 * KHR_materials_pbrSpecularGlossiness, KHR_materials_transmission as see-through (blended:
 * {@link TRANSMISSION_OPACITY}), and KHR_materials_sheen as a base colour lifted towards the sheen
 * colour ({@link SHEEN_WEIGHT}). A texture that cannot be decoded (KTX2, a corrupt file) falls
 * back to the factor, with a warning through the document's logger; nothing here throws for a
 * model's content.
 *
 * Serves a part file's Document and the whole source model alike; with `nodes` (and `primitives`)
 * it draws one part straight from the source Document, which gives the part file's image (the
 * camera frames the bounds, so where the part sits does not matter).
 */
export async function thumbnailSceneOf(
  document: Document,
  options: ThumbnailSceneOptions,
): Promise<ThumbnailScene> {
  const logger = document.getLogger();
  const worldOf = createWorldMatrices();
  const only = options.primitives ? new Set(options.primitives) : null;
  const textures = new TextureLoader(options.images, logger);
  const meshes: ThumbnailMesh[] = [];
  // Iterative (scene.ts): a hierarchy 100,000 nodes deep must not overflow the stack.
  for (const node of options.nodes ?? listMeshNodes(selectScene(document).scene)) {
    const mesh = node.getMesh();
    if (!mesh) continue;
    // In mesh space only this node's own transform is left out; joints keep their world transforms.
    const placeOf = options.space === 'mesh' ? (n: Node) => (n === node ? IDENTITY : worldOf(n)) : worldOf;
    for (const primitive of mesh.listPrimitives()) {
      if (only && !only.has(primitive)) continue;
      meshes.push(...(await primitiveMeshes(primitive, node, placeOf, textures)));
    }
  }
  return { meshes };
}

/** One {@link ThumbnailMesh} per drawn instance of a primitive; none for points and lines. */
async function primitiveMeshes(
  primitive: Primitive,
  node: Node,
  worldOf: (node: Node) => mat4,
  textures: TextureLoader,
): Promise<ThumbnailMesh[]> {
  const mode = primitive.getMode();
  if (
    mode !== Primitive.Mode.TRIANGLES &&
    mode !== Primitive.Mode.TRIANGLE_STRIP &&
    mode !== Primitive.Mode.TRIANGLE_FAN
  )
    return [];
  const indices = triangleList(primitive);
  const position = primitive.getAttribute('POSITION');
  if (indices.length === 0 || !position) return [];

  const material = primitive.getMaterial();
  const look = await materialLook(material, primitive, textures);
  const colorAccessor = primitive.getAttribute('COLOR_0');
  const colors = colorAccessor ? colorArray(colorAccessor) : null;
  const normalAccessor = primitive.getAttribute('NORMAL');
  if (isSkinned(primitive, node)) {
    // Skinning ignores the node's transform: the rest pose is already in world space.
    const normals = normalAccessor ? skinNormals(primitive, node, worldOf) : null;
    return placedPositions(primitive, node, worldOf).map((placed) => ({
      positions: placed,
      indices,
      normals,
      colors,
      ...look,
    }));
  }
  return staticMeshes(
    {
      triangles: indices,
      positions: positionArray(position),
      normals: normalAccessor ? floatArray(normalAccessor, 3) : null,
      colors,
      matrices: instanceWorlds(node, worldOf),
    },
    look,
  );
}

/** A static (not skinned) primitive as plain arrays, in its mesh's own space. */
export interface StaticPrimitiveArrays {
  /** Three vertex indices per triangle (see {@link triangleListOf}). */
  triangles: Uint32Array;
  /** xyz per vertex. */
  positions: Float32Array | Float64Array;
  /** xyz per vertex, or null. */
  normals: Float32Array | null;
  /** Linear RGBA per vertex, or null. */
  colors: Float32Array | null;
  /** Where it is drawn: the world matrix (× each GPU instance's). */
  matrices: mat4[];
}

/**
 * One {@link ThumbnailMesh} per matrix of a static primitive, its arrays as they are with the matrix
 * beside them (the renderer places them into memory it reuses: placement.ts), the winding reversed
 * under a mirroring matrix. Shared by the Document's scenes and the byte-level split's (fast/), so
 * that both draw the same pictures.
 */
export function staticMeshes(arrays: StaticPrimitiveArrays, look: MaterialLook): ThumbnailMesh[] {
  const { triangles, positions, normals, colors } = arrays;
  let flipped: Uint32Array | null = null;
  return arrays.matrices.map((matrix) => {
    // A transform with a negative determinant mirrors the mesh, and glTF says its front faces are
    // then clockwise: reverse the winding so that culling and lighting see the true front.
    const mirrored = determinant3(matrix) < 0;
    if (mirrored && !flipped) flipped = reverseWinding(triangles);
    return { positions, matrix, indices: mirrored ? flipped! : triangles, normals, colors, ...look };
  });
}

/** The material part of a {@link ThumbnailMesh}. */
export type MaterialLook = Pick<
  ThumbnailMesh,
  'uvs' | 'texture' | 'baseColorFactor' | 'alphaMode' | 'alphaCutoff' | 'doubleSided' | 'unlit'
>;

async function materialLook(
  material: Material | null,
  primitive: Primitive,
  textures: TextureLoader,
): Promise<MaterialLook> {
  if (!material) return {};
  const look = factorLook(material, material.getExtension('KHR_materials_unlit') !== null);
  // Specular-glossiness materials (older exporters) carry their colour as "diffuse".
  const { factor, texture, info } = baseColorOf(material);
  look.baseColorFactor = factor;
  seeThrough(look, material.getExtension<Transmission>('KHR_materials_transmission'));
  withSheen(look, material.getExtension<Sheen>('KHR_materials_sheen'));
  if (!texture || !info) return look;
  const transform = info.getExtension<Transform>('KHR_texture_transform');
  const texCoord = transform?.getTexCoord() ?? info.getTexCoord();
  const uvAccessor = primitive.getAttribute(`TEXCOORD_${texCoord}`);
  if (!uvAccessor) return look;
  const image = await textures.load(texture);
  if (!image) return look;
  look.uvs = floatArray(uvAccessor, 2);
  look.texture = textureOf(image, info, transform);
  return look;
}

/**
 * How much of its opacity a fully transmissive surface keeps in a thumbnail (0.3: clearly glass, still
 * seen). The renderer has no refraction; three.js and other viewers draw KHR_materials_transmission
 * as clear glass that shows what is behind it, so a transmissive material is blended with its opacity
 * scaled by 1 − (1 − this) × transmissionFactor, instead of drawn as an opaque pane (ToyCar's
 * windows).
 */
export const TRANSMISSION_OPACITY = 0.3;

/** A transmissive material's look made see-through (see {@link TRANSMISSION_OPACITY}); cut-outs stay cut-outs. */
function seeThrough(look: MaterialLook, transmission: Transmission | null): void {
  const factor = Math.min(1, Math.max(0, transmission?.getTransmissionFactor() ?? 0));
  if (!(factor > 0) || look.alphaMode === 'MASK' || !look.baseColorFactor) return;
  const [r, g, b, a] = look.baseColorFactor;
  look.alphaMode = 'BLEND';
  look.baseColorFactor = [r, g, b, a * (1 - (1 - TRANSMISSION_OPACITY) * factor)];
}

/**
 * How much of a KHR_materials_sheen colour a thumbnail's base colour takes (0.8). The renderer has no
 * sheen lobe; viewers light a cloth's sheen from every side, so a dark fabric with a red sheen looks
 * red in three.js (ToyCar's seats: base 0.15 grey, sheen red). Each channel of the base colour factor
 * is raised to at least this share of the sheen colour factor, instead of drawing the cloth near
 * black.
 */
export const SHEEN_WEIGHT = 0.8;

/** A material's base colour lifted towards its sheen colour (see {@link SHEEN_WEIGHT}). */
function withSheen(look: MaterialLook, sheen: Sheen | null): void {
  if (!sheen || !look.baseColorFactor) return;
  const [r, g, b, a] = look.baseColorFactor;
  const [sr, sg, sb] = sheen.getSheenColorFactor().map((c) => Math.min(1, Math.max(0, c)) * SHEEN_WEIGHT) as [
    number,
    number,
    number,
  ];
  look.baseColorFactor = [Math.max(r, sr), Math.max(g, sg), Math.max(b, sb), a];
}

/** The look of a material without its textures. */
export function factorLook(
  material: Pick<Material, 'getBaseColorFactor' | 'getAlphaMode' | 'getAlphaCutoff' | 'getDoubleSided'>,
  unlit: boolean,
): MaterialLook {
  return {
    baseColorFactor: [...material.getBaseColorFactor()] as [number, number, number, number],
    alphaMode: material.getAlphaMode(),
    alphaCutoff: material.getAlphaCutoff(),
    doubleSided: material.getDoubleSided(),
    unlit,
  };
}

function textureOf(image: DecodedImage, info: TextureInfo, transform: Transform | null): ThumbnailTexture {
  const texture: ThumbnailTexture = {
    image,
    wrapS: WRAP_CODES[info.getWrapS()] ?? 'repeat',
    wrapT: WRAP_CODES[info.getWrapT()] ?? 'repeat',
    filter: info.getMagFilter() === NEAREST ? 'nearest' : 'linear',
  };
  if (transform) {
    // KHR_texture_transform: uv' = T × R × S × uv, rotation counter-clockwise in UV space.
    const [ox, oy] = transform.getOffset();
    const [sx, sy] = transform.getScale();
    const cos = Math.cos(transform.getRotation());
    const sin = Math.sin(transform.getRotation());
    texture.uvTransform = [cos * sx, sin * sy, ox, -sin * sx, cos * sy, oy];
  }
  return texture;
}

/**
 * Decodes base colour textures through the model's {@link ImageCache}; an image that cannot be
 * decoded is logged once per call and answered with null (the factor alone is drawn).
 */
class TextureLoader {
  readonly #images: ImageCache;
  readonly #logger: ILogger;
  readonly #reported = new Set<Texture>();

  constructor(images: ImageCache, logger: ILogger) {
    this.#images = images;
    this.#logger = logger;
  }

  async load(texture: Texture): Promise<DecodedImage | null> {
    const bytes = texture.getImage();
    if (!bytes) return null;
    const format = imageFormatOf(bytes);
    if (!canDecode(format)) {
      this.#report(
        texture,
        `${format === 'unknown' ? 'an unknown' : format.toUpperCase()} image cannot be decoded here`,
      );
      return null;
    }
    try {
      return await this.#images.get(bytes);
    } catch (error) {
      this.#report(texture, error instanceof Error ? error.message : String(error));
      return null;
    }
  }

  #report(texture: Texture, reason: string): void {
    if (this.#reported.has(texture)) return;
    this.#reported.add(texture);
    const name = texture.getName() || texture.getURI() || 'unnamed';
    this.#logger.warn(`thumbnails: texture "${name}" drawn as its material's base colour: ${reason}`);
  }
}

function isSkinned(primitive: Primitive, node: Node): boolean {
  return (
    node.getSkin() !== null &&
    primitive.getAttribute('JOINTS_0') !== null &&
    primitive.getAttribute('WEIGHTS_0') !== null
  );
}

/** World × instance matrix of each GPU instance (one, the world matrix, when not instanced). */
function instanceWorlds(node: Node, worldOf: (node: Node) => mat4): mat4[] {
  const world = worldOf(node);
  return (instanceMatrices(node) ?? [IDENTITY]).map((instance) => multiply(world, instance));
}

/** What float and colour arrays read of an accessor (a glTF-Transform Accessor, or fast/'s). */
export type ElementAccessor = Pick<Accessor, 'getArray' | 'getElementSize' | 'getCount' | 'getElement'>;

/** Float values of an accessor, `components` per element (float arrays are used without a copy). */
export function floatArray(accessor: ElementAccessor, components: number): Float32Array {
  const array = accessor.getArray();
  if (array instanceof Float32Array && accessor.getElementSize() === components) return array;
  const count = accessor.getCount();
  const out = new Float32Array(count * components);
  const element = new Array<number>(accessor.getElementSize()).fill(0);
  for (let i = 0; i < count; i++) {
    accessor.getElement(i, element);
    for (let c = 0; c < components; c++) out[i * components + c] = element[c] ?? 0;
  }
  return out;
}

/** COLOR_0 as linear RGBA (vec3 colours get alpha 1; normalized integers are decoded). */
export function colorArray(accessor: ElementAccessor): Float32Array {
  if (accessor.getElementSize() === 4) return floatArray(accessor, 4);
  const rgb = floatArray(accessor, 3);
  const count = accessor.getCount();
  const out = new Float32Array(count * 4);
  for (let i = 0; i < count; i++) {
    out[i * 4] = rgb[i * 3]!;
    out[i * 4 + 1] = rgb[i * 3 + 1]!;
    out[i * 4 + 2] = rgb[i * 3 + 2]!;
    out[i * 4 + 3] = 1;
  }
  return out;
}

/**
 * Normals of a skinned primitive in rest pose: each vertex's normal by the weighted sum of its
 * joints' matrices (rest world × inverse bind), as positions are in `placedPositions`.
 */
function skinNormals(primitive: Primitive, node: Node, worldOf: (node: Node) => mat4): Float32Array {
  const local = floatArray(primitive.getAttribute('NORMAL')!, 3);
  const { jointMatrices: joints, sets } = skinBinding(primitive, node, worldOf)!;
  const out = new Float32Array(local.length);
  const j = [0, 0, 0, 0];
  const w = [0, 0, 0, 0];
  for (let i = 0; i < out.length / 3; i++) {
    const x = local[i * 3]!;
    const y = local[i * 3 + 1]!;
    const z = local[i * 3 + 2]!;
    let nx = 0;
    let ny = 0;
    let nz = 0;
    for (const [jointsAccessor, weightsAccessor] of sets) {
      jointsAccessor.getElement(i, j);
      weightsAccessor.getElement(i, w);
      for (let k = 0; k < 4; k++) {
        const weight = w[k]!;
        if (weight === 0) continue;
        const m = joints[j[k]!] ?? IDENTITY;
        nx += weight * (m[0] * x + m[4] * y + m[8] * z);
        ny += weight * (m[1] * x + m[5] * y + m[9] * z);
        nz += weight * (m[2] * x + m[6] * y + m[10] * z);
      }
    }
    out[i * 3] = nx;
    out[i * 3 + 1] = ny;
    out[i * 3 + 2] = nz;
  }
  return out;
}

/**
 * Vertex indices of every triangle. Indexed triangle lists, what nearly every model holds, are read
 * as one array (geometry.ts's `triangleIndices` reads index by index through the accessor, ~40× slower
 * on a 10,000-triangle part); strips and fans go through it.
 */
function triangleList(primitive: Primitive): Uint32Array {
  const indices = primitive.getIndices();
  if (primitive.getMode() !== Primitive.Mode.TRIANGLES || !indices) return triangleIndices(primitive);
  const array = indices.getArray();
  if (!array) return new Uint32Array(0);
  return indexedTriangles(array);
}

/** An indexed triangle list as Uint32 (whole triangles only; a Uint32Array is used without a copy). */
function indexedTriangles(array: TypedArray): Uint32Array {
  const length = array.length - (array.length % 3);
  if (array instanceof Uint32Array) return length === array.length ? array : array.subarray(0, length);
  return Uint32Array.from(array.subarray(0, length) as ArrayLike<number>);
}

/**
 * {@link triangleList} from plain arrays: a primitive's mode, its index values (null when it has
 * none) and its vertex count.
 */
export function triangleListOf(mode: number, indices: TypedArray | null, vertices: number): Uint32Array {
  if (mode === Primitive.Mode.TRIANGLES && indices) return indexedTriangles(indices);
  const at = indices ? (i: number) => indices[i]! : (i: number) => i;
  return triangleIndicesOf(mode, trianglesOf(mode, indices ? indices.length : vertices), at);
}

/** The same triangles with the opposite winding. */
function reverseWinding(indices: Uint32Array): Uint32Array {
  const out = new Uint32Array(indices.length);
  for (let i = 0; i + 2 < indices.length; i += 3) {
    out[i] = indices[i]!;
    out[i + 1] = indices[i + 2]!;
    out[i + 2] = indices[i + 1]!;
  }
  return out;
}
