import {
  type Accessor,
  Document,
  type GLTF,
  type ILogger,
  type Material,
  MathUtils,
  type Mesh,
  type mat4,
  type Node,
  type vec3,
  type vec4,
} from '@gltf-transform/core';
import type { FastGltf } from './fast-gltf.js';
import { documentDecline, extended, isPlainObject } from './fast-plan.js';

/**
 * A glTF-Transform Document built from a GLB's checked JSON and its BIN chunk's bytes, for the models
 * the byte-level split leaves to the Document path only because of the options (a label strategy,
 * merging, names from regions, one mesh node under `auto`): the same Document glTF-Transform's reader
 * (GLTFReader.read, 4.5) makes of the layouts below, property for property and in the same order, so
 * that everything after the read is the Document path's own code (test/fast-split.test.ts splits
 * every model both ways and compares the files).
 *
 * Why not glTF-Transform's reader: it de-interleaves vertex data through a DataView, one call per
 * component (~210 ms of a 2M-triangle, 53 MB model), and holds the whole file in memory while it
 * copies every accessor out of it. Here each accessor is read from the file straight into memory of
 * its own (FastAccessor.ownArray): labels-2m's split lost a third of its time and its copy of the file
 * (BENCHMARKS.md, issue 17).
 *
 * The layouts: one buffer (the BIN chunk), no extension, skin, animation, texture, image or camera,
 * glTF 2.0, and every accessor dense and in that buffer (not sparse, no extension). Anything else:
 * {@link fastDocumentDecline} says why, and glTF-Transform reads the model.
 */

type Json = Record<string, unknown>;

const COMPONENT_TYPES = new Set([5120, 5121, 5122, 5123, 5125, 5126]);

/** Why the model needs glTF-Transform's reader, or null. */
export function fastDocumentDecline(gltf: FastGltf): string | null {
  const declined = documentDecline(gltf);
  if (declined) return declined;
  const asset = gltf.json.asset;
  // GLTFReader.validate refuses any other version: so must this reader (the Document path says why).
  if (!isPlainObject(asset) || asset.version !== '2.0') return 'not glTF 2.0';
  if (gltf.list('cameras').length > 0) return 'cameras';
  const views = gltf.list('bufferViews');
  for (const accessor of gltf.list('accessors')) {
    if (accessor.sparse !== undefined || extended(accessor) || accessor.bufferView === undefined)
      return 'a sparse or extended accessor';
    if (!COMPONENT_TYPES.has(accessor.componentType as number) || !((accessor.count as number) > 0))
      return 'an accessor of another component type, or empty';
    if (views[accessor.bufferView as number]!.buffer !== 0) return 'an accessor outside the BIN chunk';
  }
  return null;
}

/** The extras glTF-Transform keeps: the JSON's when truthy (its reader's `if (def.extras)`). */
function withExtras<T extends { setExtras(extras: Record<string, unknown>): T }>(property: T, def: Json): T {
  if (def.extras) property.setExtras(def.extras as Record<string, unknown>);
  return property;
}

function createMaterial(document: Document, def: Json): Material {
  const material = withExtras(document.createMaterial(def.name as string | undefined), def);
  if (def.alphaMode !== undefined) material.setAlphaMode(def.alphaMode as GLTF.MaterialAlphaMode);
  if (def.alphaCutoff !== undefined) material.setAlphaCutoff(def.alphaCutoff as number);
  if (def.doubleSided !== undefined) material.setDoubleSided(def.doubleSided as boolean);
  const pbr = (def.pbrMetallicRoughness as Json | undefined) || {};
  if (pbr.baseColorFactor !== undefined) material.setBaseColorFactor(pbr.baseColorFactor as vec4);
  if (def.emissiveFactor !== undefined) material.setEmissiveFactor(def.emissiveFactor as vec3);
  if (pbr.metallicFactor !== undefined) material.setMetallicFactor(pbr.metallicFactor as number);
  if (pbr.roughnessFactor !== undefined) material.setRoughnessFactor(pbr.roughnessFactor as number);
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
 * (the source may be closed afterwards: the Document holds memory of its own).
 */
export function fastDocument(gltf: FastGltf, logger?: ILogger): Document {
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
    return accessor.setArray(gltf.accessor(index).ownArray());
  });
  const materials = gltf.list('materials').map((def) => createMaterial(document, def));
  const meshes = gltf.list('meshes').map((def) => createMesh(document, def, accessors, materials));
  const nodeDefs = gltf.list('nodes');
  const nodes = nodeDefs.map((def) => createNode(document, def));
  nodeDefs.forEach((def, i) => {
    const node = nodes[i]!;
    for (const child of (def.children as number[] | undefined) || []) node.addChild(nodes[child]!);
    if (def.mesh !== undefined) node.setMesh(meshes[def.mesh as number]!);
  });
  const scenes = gltf.list('scenes').map((def) => {
    const scene = withExtras(document.createScene(def.name as string | undefined), def);
    for (const node of (def.nodes as number[] | undefined) || []) scene.addChild(nodes[node]!);
    return scene;
  });
  if (json.scene !== undefined) root.setDefaultScene(scenes[json.scene as number]!);
  return document;
}
