import {
  type Accessor,
  type Camera,
  Document,
  type GLTF,
  type ILogger,
  type Material,
  MathUtils,
  type Mesh,
  type mat4,
  type Node,
  type Texture,
  type TextureInfo,
  type TypedArray,
  type vec3,
  type vec4,
} from '@gltf-transform/core';
import type { ModelLimits } from '../options.js';
import { markOwned } from '../owned-arrays.js';
import { checkDocumentValues } from '../read/document-values.js';
import { FastGltf } from './fast-gltf.js';
import { COMPONENT_TYPES, documentDecline, extended, isPlainObject } from './fast-plan.js';
import { openGlb } from './open-glb.js';

/**
 * A glTF-Transform Document built from a GLB's checked JSON and its BIN chunk's bytes, for the models
 * the byte-level split leaves to the Document path only because of the options (a label strategy,
 * merging, names from regions, one mesh node under `auto`): the same Document glTF-Transform's reader
 * (GLTFReader.read, 4.5) makes of the layouts below, property for property and in the same order, so
 * that everything after the read is the Document path's own code (test/fast-document.test.ts compares
 * the two Documents, test/fast-split.test.ts the files split from them).
 *
 * Why not glTF-Transform's reader: it de-interleaves vertex data through a DataView, one call per
 * component (~210 ms of a 2M-triangle, 53 MB model), and holds the whole file in memory while it
 * copies every accessor out of it. Here each accessor is read from the file into memory of its own
 * (FastAccessor.ownArray): in CPU profiles of labels-2m's split, glTF-Transform's read took ~0.4 s
 * and this one ~0.19 s, and the file is no longer held whole (BENCHMARKS.md, issue 17).
 *
 * The layouts: one buffer (the BIN chunk), no extension, skin or animation, glTF 2.0, every
 * accessor dense and in that buffer (not sparse, no extension), every image in it too. Anything else:
 * {@link fastDocumentDecline} says why, and glTF-Transform reads the model.
 */

type Json = Record<string, unknown>;

/** Why the model needs glTF-Transform's reader, or null. */
export function fastDocumentDecline(gltf: FastGltf): string | null {
  const declined = documentDecline(gltf, true);
  if (declined) return declined;
  const asset = gltf.json.asset;
  // GLTFReader.validate refuses any other version: so must this reader (the Document path says why).
  if (!isPlainObject(asset) || asset.version !== '2.0') return 'not glTF 2.0';
  for (const camera of gltf.list('cameras'))
    if (camera.type !== 'perspective' && camera.type !== 'orthographic') return 'a camera of no known type';
  const views = gltf.list('bufferViews');
  for (const accessor of gltf.list('accessors')) {
    if (accessor.sparse !== undefined || extended(accessor) || accessor.bufferView === undefined)
      return 'a sparse or extended accessor';
    if (!COMPONENT_TYPES.has(accessor.componentType as number) || !((accessor.count as number) > 0))
      return 'an accessor of another component type, or empty';
    if (views[accessor.bufferView as number]!.buffer !== 0) return 'an accessor outside the BIN chunk';
  }
  for (const image of gltf.list('images')) {
    if (image.uri !== undefined || image.bufferView === undefined) return 'an image outside the BIN chunk';
    if (views[image.bufferView as number]!.buffer !== 0) return 'an image outside the BIN chunk';
  }
  // A texture whose image comes from an extension (KHR_texture_basisu, EXT_texture_webp) has none here.
  for (const texture of gltf.list('textures'))
    if (typeof texture.source !== 'number') return 'a texture without an image';
  return null;
}

/** The extras glTF-Transform keeps: the JSON's when truthy (its reader's `if (def.extras)`). */
function withExtras<T extends { setExtras(extras: Record<string, unknown>): T }>(property: T, def: Json): T {
  if (def.extras) property.setExtras(def.extras as Record<string, unknown>);
  return property;
}

/** One Texture per image, in image order, as glTF-Transform's reader makes them. */
function createTextures(document: Document, gltf: FastGltf): Texture[] {
  const views = gltf.list('bufferViews');
  return gltf.list('images').map((def) => {
    const texture = withExtras(document.createTexture(def.name as string | undefined), def);
    const view = views[def.bufferView as number]!;
    const offset = gltf.bin.binOffset + ((view.byteOffset as number | undefined) ?? 0);
    texture.setImage(gltf.bin.source.copy(offset, view.byteLength as number));
    if (def.mimeType !== undefined) texture.setMimeType(def.mimeType as string);
    return texture;
  });
}

/** A material's texture slot: the texture of the image it names, and its texture info and sampler. */
type TextureSlot = (texture: Texture) => TextureInfo;

function setTexture(gltf: FastGltf, textures: Texture[], infoDef: unknown, set: TextureSlot): void {
  if (infoDef === undefined) return;
  const def = infoDef as Json;
  const textureDef = gltf.list('textures')[def.index as number]!;
  const info = set(textures[textureDef.source as number]!);
  if (def.texCoord !== undefined) info.setTexCoord(def.texCoord as number);
  if (def.extras !== undefined) info.setExtras(def.extras as Record<string, unknown>);
  if (textureDef.sampler === undefined) return;
  const sampler = gltf.list('samplers')[textureDef.sampler as number]!;
  if (sampler.magFilter !== undefined) info.setMagFilter(sampler.magFilter as GLTF.TextureMagFilter);
  if (sampler.minFilter !== undefined) info.setMinFilter(sampler.minFilter as GLTF.TextureMinFilter);
  if (sampler.wrapS !== undefined) info.setWrapS(sampler.wrapS as GLTF.TextureWrapMode);
  if (sampler.wrapT !== undefined) info.setWrapT(sampler.wrapT as GLTF.TextureWrapMode);
}

function createMaterial(document: Document, gltf: FastGltf, textures: Texture[], def: Json): Material {
  const material = withExtras(document.createMaterial(def.name as string | undefined), def);
  if (def.alphaMode !== undefined) material.setAlphaMode(def.alphaMode as GLTF.MaterialAlphaMode);
  if (def.alphaCutoff !== undefined) material.setAlphaCutoff(def.alphaCutoff as number);
  if (def.doubleSided !== undefined) material.setDoubleSided(def.doubleSided as boolean);
  const pbr = (def.pbrMetallicRoughness as Json | undefined) || {};
  if (pbr.baseColorFactor !== undefined) material.setBaseColorFactor(pbr.baseColorFactor as vec4);
  if (def.emissiveFactor !== undefined) material.setEmissiveFactor(def.emissiveFactor as vec3);
  if (pbr.metallicFactor !== undefined) material.setMetallicFactor(pbr.metallicFactor as number);
  if (pbr.roughnessFactor !== undefined) material.setRoughnessFactor(pbr.roughnessFactor as number);
  // In the order of glTF-Transform's reader (setters of one material: the order changes nothing).
  setTexture(
    gltf,
    textures,
    pbr.baseColorTexture,
    (t) => material.setBaseColorTexture(t).getBaseColorTextureInfo()!,
  );
  setTexture(
    gltf,
    textures,
    def.emissiveTexture,
    (t) => material.setEmissiveTexture(t).getEmissiveTextureInfo()!,
  );
  const normal = def.normalTexture as Json | undefined;
  setTexture(gltf, textures, normal, (t) => material.setNormalTexture(t).getNormalTextureInfo()!);
  if (normal?.scale !== undefined) material.setNormalScale(normal.scale as number);
  const occlusion = def.occlusionTexture as Json | undefined;
  setTexture(gltf, textures, occlusion, (t) => material.setOcclusionTexture(t).getOcclusionTextureInfo()!);
  if (occlusion?.strength !== undefined) material.setOcclusionStrength(occlusion.strength as number);
  setTexture(
    gltf,
    textures,
    pbr.metallicRoughnessTexture,
    (t) => material.setMetallicRoughnessTexture(t).getMetallicRoughnessTextureInfo()!,
  );
  return material;
}

function createMesh(document: Document, def: Json, accessors: Accessor[], materials: Material[]): Mesh {
  const mesh = withExtras(document.createMesh(def.name as string | undefined), def);
  if (def.weights !== undefined) mesh.setWeights(def.weights as number[]);
  const extras = def.extras as Json | undefined;
  const targetNames = ((extras && (extras.targetNames as string[] | undefined)) || []) as string[];
  for (const primitiveDef of (def.primitives as Json[] | undefined) || []) {
    const primitive = withExtras(document.createPrimitive(), primitiveDef);
    if (primitiveDef.material !== undefined)
      primitive.setMaterial(materials[primitiveDef.material as number]!);
    if (primitiveDef.mode !== undefined) primitive.setMode(primitiveDef.mode as GLTF.MeshPrimitiveMode);
    for (const [semantic, index] of Object.entries((primitiveDef.attributes as Json | undefined) || {}))
      primitive.setAttribute(semantic, accessors[index as number]!);
    if (primitiveDef.indices !== undefined) primitive.setIndices(accessors[primitiveDef.indices as number]!);
    ((primitiveDef.targets as Json[] | undefined) || []).forEach((targetDef, t) => {
      const target = document.createPrimitiveTarget(targetNames[t] || t.toString());
      for (const [semantic, index] of Object.entries(targetDef))
        target.setAttribute(semantic, accessors[index as number]!);
      primitive.addTarget(target);
    });
    mesh.addPrimitive(primitive);
  }
  return mesh;
}

function createCamera(document: Document, def: Json): Camera {
  const camera = withExtras(document.createCamera(def.name as string | undefined), def).setType(
    def.type as GLTF.CameraType,
  );
  if (def.type === 'perspective') {
    const perspective = def.perspective as Json;
    camera.setYFov(perspective.yfov as number).setZNear(perspective.znear as number);
    if (perspective.zfar !== undefined) camera.setZFar(perspective.zfar as number);
    if (perspective.aspectRatio !== undefined) camera.setAspectRatio(perspective.aspectRatio as number);
  } else {
    const orthographic = def.orthographic as Json;
    camera
      .setZNear(orthographic.znear as number)
      .setZFar(orthographic.zfar as number)
      .setXMag(orthographic.xmag as number)
      .setYMag(orthographic.ymag as number);
  }
  return camera;
}

function createNode(document: Document, def: Json): Node {
  const node = withExtras(document.createNode(def.name as string | undefined), def);
  if (def.translation !== undefined) node.setTranslation(def.translation as vec3);
  if (def.rotation !== undefined) node.setRotation(def.rotation as vec4);
  if (def.scale !== undefined) node.setScale(def.scale as vec3);
  if (def.matrix !== undefined) {
    const translation: vec3 = [0, 0, 0];
    const rotation: vec4 = [0, 0, 0, 1];
    const scale: vec3 = [1, 1, 1];
    MathUtils.decompose(def.matrix as mat4, translation, rotation, scale);
    node.setTranslation(translation).setRotation(rotation).setScale(scale);
  }
  if (def.weights !== undefined) node.setWeights(def.weights as number[]);
  return node;
}

/**
 * The Document of a model {@link fastDocumentDecline} accepts, its accessors read from the source
 * (the source may be closed afterwards: the Document holds memory of its own), or taken from
 * `prefetched` (by accessor index: prefetch-accessors.ts, the same values read on two threads).
 */
export function fastDocument(
  gltf: FastGltf,
  logger?: ILogger,
  prefetched?: ReadonlyMap<number, TypedArray>,
): Document {
  const { json } = gltf;
  const document = new Document();
  if (logger) document.setLogger(logger);
  const root = document.getRoot();
  const assetDef = json.asset as Json;
  const asset = root.getAsset();
  if (assetDef.copyright) asset.copyright = assetDef.copyright as string;
  if (assetDef.extras) asset.extras = assetDef.extras as Record<string, unknown>;
  if (json.extras !== undefined) root.setExtras({ ...(json.extras as Json) });
  const buffers = gltf
    .list('buffers')
    .map((def) => withExtras(document.createBuffer(def.name as string | undefined), def));
  const views = gltf.list('bufferViews');
  const accessors = gltf.list('accessors').map((def, index) => {
    const buffer = buffers[views[def.bufferView as number]!.buffer as number];
    const accessor = withExtras(
      document.createAccessor(def.name as string | undefined, buffer).setType(def.type as GLTF.AccessorType),
      def,
    );
    if (def.normalized !== undefined) accessor.setNormalized(def.normalized as boolean);
    // Memory of its own: the label split may give it back early (owned-arrays.ts).
    return accessor.setArray(markOwned(prefetched?.get(index) ?? gltf.accessor(index).ownArray()));
  });
  const textures = createTextures(document, gltf);
  const materials = gltf.list('materials').map((def) => createMaterial(document, gltf, textures, def));
  const meshes = gltf.list('meshes').map((def) => createMesh(document, def, accessors, materials));
  const cameras = gltf.list('cameras').map((def) => createCamera(document, def));
  const nodeDefs = gltf.list('nodes');
  const nodes = nodeDefs.map((def) => createNode(document, def));
  nodeDefs.forEach((def, i) => {
    const node = nodes[i]!;
    for (const child of (def.children as number[] | undefined) || []) node.addChild(nodes[child]!);
    if (def.mesh !== undefined) node.setMesh(meshes[def.mesh as number]!);
    if (def.camera !== undefined) node.setCamera(cameras[def.camera as number]!);
  });
  const scenes = gltf.list('scenes').map((def) => {
    const scene = withExtras(document.createScene(def.name as string | undefined), def);
    for (const node of (def.nodes as number[] | undefined) || []) scene.addChild(nodes[node]!);
    return scene;
  });
  if (json.scene !== undefined) root.setDefaultScene(scenes[json.scene as number]!);
  return document;
}

/**
 * An opened GLB's Document read at the byte level and checked as parseModel checks a read model
 * (ModelReadError, in its words: `name` is the path, or `<bytes>`), or why glTF-Transform's reader
 * must read it: a layout this reader does not cover, or JSON it cannot build a Document of (a camera
 * without its parameters), which glTF-Transform then refuses in its own words.
 */
export function readOpenedGlb(
  gltf: FastGltf,
  name: string,
  logger?: ILogger,
  prefetched?: ReadonlyMap<number, TypedArray>,
): { document: Document } | { unread: string } {
  const unread = fastDocumentDecline(gltf);
  if (unread) return { unread };
  let document: Document;
  try {
    document = fastDocument(gltf, logger, prefetched);
  } catch (error) {
    return { unread: (error as Error).message };
  }
  // The Document holds memory of its own: the reader's arenas (3 MB) are not kept for the split.
  for (const arena of [gltf.bin.part, gltf.bin.scratch, gltf.bin.scene]) arena.free();
  checkDocumentValues(document, name);
  return { document };
}

/**
 * A GLB read into a Document at the byte level (inspectModel's read), or null when glTF-Transform's
 * reader must read it (not a GLB this path opens, or {@link readOpenedGlb}'s reasons, logged).
 */
export async function readGlbAtByteLevel(
  input: string | Uint8Array,
  limits?: Partial<ModelLimits>,
  logger?: ILogger,
): Promise<{ document: Document; file: string; byteLength: number } | null> {
  const opened = await openGlb(input, limits);
  if (!opened) return null;
  try {
    const gltf = new FastGltf(opened.json, opened.source, opened.binOffset);
    const read = readOpenedGlb(gltf, typeof input === 'string' ? input : '<bytes>', logger);
    if ('unread' in read) {
      logger?.debug(`read by glTF-Transform: ${read.unread}`);
      return null;
    }
    logger?.debug('read at the byte level');
    return { document: read.document, file: opened.file, byteLength: opened.source.byteLength };
  } finally {
    opened.source.close();
  }
}
