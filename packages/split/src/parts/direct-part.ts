import type { Accessor, Document, Material, Primitive, Texture, TextureInfo } from '@gltf-transform/core';
import type { PlannedPart } from '../detect/detect-parts.js';
import type { Bounds } from '../geometry.js';
import { geometryCounts } from '../geometry.js';
import type { TRS } from '../math.js';
import type { PivotMode } from '../options.js';
import type { SplitPart } from './general-part.js';
import { type AccessorLike, GlbBuilder, type GlbBuilderOptions, type MaterialLike } from './glb-builder.js';
import { type FramedPart, staticFrame } from './part-frame.js';
import { type PartAssetInfo, partAssetInfo, partIdentity } from './part-placement.js';
import type { SourceIndex } from './source-index.js';
import type { PackTextures } from './textures/pack-textures.js';
import { imageName, imageRecord, type PartImageRecord, sortImageRecords } from './textures/part-images.js';

/**
 * The direct part encoder: writes a part's GLB straight from the source document's accessors,
 * materials and images, with no Document per part, no `copyToDocument` and no glTF-Transform writer.
 *
 * Why: the general path (split-parts.ts) costs a Document, a property-graph copy and a writer set-up
 * per part, and glTF-Transform's writer packs every vertex attribute element by element through a
 * DataView (`interleaveAccessors`). Here each accessor's typed array is copied into the part's BIN
 * chunk in one `Uint8Array.set`: a 500-part split of a 51 MB model went from 1332 to 921 ms as a
 * whole process, 1.68× to 1.16× a plain glTF-Transform copy (BENCHMARKS.md, target 1).
 *
 * It covers what segmented models are made of — static mesh nodes, core PBR materials, PNG/JPEG
 * textures, extras — and says no ({@link canEncodeDirectly}) to anything else: skins, animations,
 * morph targets, GPU instancing, sparse or compressed or quantized data, any extension. Those parts go
 * through the general path, so every part of a pack is still written, whatever it holds. The file it
 * writes is equivalent to the general path's (same scene, names, transforms, values, materials,
 * textures, extras; checked part by part in test/direct-part.test.ts); the layout differs: one
 * tightly packed buffer view per accessor instead of interleaved vertex attributes, which every
 * glTF loader reads alike.
 */

/** A part encoded to GLB bytes by the direct encoder, with what the manifest records about it. */
export interface EncodedPart extends Omit<SplitPart, 'document'> {
  /** The part's GLB file. */
  bytes: Uint8Array;
  /**
   * True when `bytes` is memory the encoder uses again for its next part: a consumer must be done
   * with them (writePack hashes and writes them) before it asks for the next part.
   */
  borrowed?: boolean;
}

/** Source-wide encodings that only glTF-Transform's writer (with its codecs) can reproduce. */
const ENCODING_EXTENSIONS = new Set([
  'KHR_draco_mesh_compression',
  'EXT_meshopt_compression',
  'KHR_meshopt_compression',
  'KHR_mesh_quantization',
]);

/** Image types a GLB carries without an extension. */
const CORE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg']);

/** Whether the source document as a whole allows direct encoding (no compression, no quantization). */
export function sourceAllowsDirect(source: Document): boolean {
  return !source
    .getRoot()
    .listExtensionsUsed()
    .some((extension) => ENCODING_EXTENSIONS.has(extension.extensionName));
}

/** The part's primitives: the planned one, or all of the mesh's. */
function primitivesOf(part: PlannedPart): Primitive[] {
  return part.primitive ? [part.primitive] : part.mesh.listPrimitives();
}

/** A material's texture slots, in the order glTF-Transform's writer visits them. */
function textureSlots(material: MaterialLike): Array<[Texture | null, TextureInfo | null]> {
  return [
    [material.getBaseColorTexture(), material.getBaseColorTextureInfo()],
    [material.getEmissiveTexture(), material.getEmissiveTextureInfo()],
    [material.getNormalTexture(), material.getNormalTextureInfo()],
    [material.getOcclusionTexture(), material.getOcclusionTextureInfo()],
    [material.getMetallicRoughnessTexture(), material.getMetallicRoughnessTextureInfo()],
  ];
}

/**
 * An accessor the builder can copy as it is: dense (not sparse), not empty (glTF requires count ≥ 1;
 * the general path then decides what to do), no extension, and not a matrix of 1- or 2-byte
 * components, whose columns glTF aligns to 4 bytes each (a padding the builder does not do).
 */
function plainAccessor(accessor: Accessor): boolean {
  if (accessor.listExtensions().length > 0 || accessor.getSparse()) return false;
  if (accessor.getArray() === null || accessor.getCount() === 0) return false;
  return !(accessor.getType().startsWith('MAT') && accessor.getComponentSize() < 4);
}

function plainMaterial(material: Material | null): boolean {
  if (!material) return true;
  if (material.listExtensions().length > 0) return false;
  for (const [texture, info] of textureSlots(material)) {
    if (!texture) continue;
    if (texture.listExtensions().length > 0 || info?.listExtensions().length) return false;
    if (!CORE_IMAGE_TYPES.has(texture.getMimeType()) || !texture.getImage()?.byteLength) return false;
  }
  return true;
}

/**
 * Whether a part can be encoded directly (see the module comment). `sourceAllowsDirect` must have
 * said yes for its document.
 */
export function canEncodeDirectly(index: SourceIndex, part: PlannedPart): boolean {
  const first = part.nodes[0];
  if (!first || first.getSkin() || index.animated.has(first) || index.channels.has(first)) return false;
  for (const node of part.nodes) {
    if (node.listExtensions().length > 0 || node.getWeights().length > 0) return false;
  }
  const { mesh } = part;
  if (mesh.getWeights().length > 0 || mesh.listExtensions().length > 0) return false;
  const indices = new Set<Accessor>();
  const attributes = new Set<Accessor>();
  for (const primitive of primitivesOf(part)) {
    if (primitive.listExtensions().length > 0 || primitive.listTargets().length > 0) return false;
    if (primitive.listSemantics().length === 0) return false;
    if (!plainMaterial(primitive.getMaterial())) return false;
    const index = primitive.getIndices();
    if (index) {
      if (!plainAccessor(index)) return false;
      indices.add(index);
    }
    for (const semantic of primitive.listSemantics()) {
      const accessor = primitive.getAttribute(semantic)!;
      if (!plainAccessor(accessor)) return false;
      // The bounds read float xyz triples; anything else is left to glTF-Transform's writer.
      if (
        semantic === 'POSITION' &&
        !(accessor.getType() === 'VEC3' && accessor.getArray() instanceof Float32Array)
      )
        return false;
      attributes.add(accessor);
    }
  }
  // One accessor used both as indices and as an attribute would need two buffer view targets.
  for (const accessor of indices) if (attributes.has(accessor)) return false;
  return true;
}

function hasKeys(value: Record<string, unknown>): boolean {
  return Object.keys(value).length > 0;
}

/**
 * A node's transform as glTF-Transform's writer writes it: each of translation, rotation, scale only
 * when it is not the default (the frame's transforms are already rounded to the writer's rule).
 */
function transformDef(trs: TRS): Record<string, unknown> {
  const def: Record<string, unknown> = {};
  const { translation, rotation, scale } = trs;
  if (translation.some((value) => value !== 0)) def.translation = [...translation];
  if (rotation[0] !== 0 || rotation[1] !== 0 || rotation[2] !== 0 || rotation[3] !== 1)
    def.rotation = [...rotation];
  if (scale.some((value) => value !== 1)) def.scale = [...scale];
  return def;
}

/**
 * What the direct encoder reads of a primitive: a glTF-Transform Primitive, or the byte-level split's
 * view of one (fast/), so that both write the same bytes from the same code.
 */
export interface PrimitiveLike {
  listSemantics(): string[];
  getAttribute(semantic: string): AccessorLike | null;
  getIndices(): AccessorLike | null;
  getMaterial(): MaterialLike | null;
  getMode(): number;
  getExtras(): Record<string, unknown>;
}

/** One static part as the direct encoder writes it, from whichever source. */
export interface StaticPartSource {
  identity: ReturnType<typeof partIdentity>;
  primitives: readonly PrimitiveLike[];
  /** Extras of the source mesh and of the part's first node (written when not empty). */
  meshExtras: Record<string, unknown>;
  nodeExtras: Record<string, unknown>;
  framed: FramedPart;
  asset: PartAssetInfo;
  /** A POSITION accessor's range in its own space (its min/max in the part file). */
  positionRange: (position: AccessorLike) => Bounds;
  /** Replacements for the source's images and UVs (GlbBuilderOptions), and the records of the images written. */
  builder?: GlbBuilderOptions;
  images?: PartImageRecord[];
  /**
   * Memory to build the file in, used again for the next part (the byte-level split's): the part's
   * `bytes` are then borrowed (EncodedPart.borrowed).
   */
  output?: { take(length: number): Uint8Array };
}

/**
 * Writes a static part's GLB: one scene, one node named after the part carrying its mesh and its
 * frame (part-frame.ts: the source's world rotation and scale, the pivot translation), exactly as the
 * general path lays out a static part.
 */
export function encodeStaticPart(part: StaticPartSource): EncodedPart {
  const { identity, primitives, framed } = part;
  const { name } = identity;
  const glb = new GlbBuilder(part.builder);
  const { frame, placements } = framed;
  const positions = new Set(primitives.map((primitive) => primitive.getAttribute('POSITION')));

  const accessorIndex = (accessor: AccessorLike, usage: 'indices' | 'attribute'): number => {
    // glTF requires POSITION's min/max: its range in the mesh's own space (float32 xyz, checked).
    const range = usage === 'attribute' && positions.has(accessor) ? part.positionRange(accessor) : undefined;
    return glb.addAccessor(accessor, usage, range ? { min: range.min, max: range.max } : undefined);
  };

  const materialIndex = new Map<MaterialLike, number>();
  const textureSet = new Set<Texture>();
  const primitiveDefs = primitives.map((primitive) => {
    const def: Record<string, unknown> = { attributes: {} };
    const attributes = def.attributes as Record<string, number>;
    for (const semantic of primitive.listSemantics()) {
      attributes[semantic] = accessorIndex(primitive.getAttribute(semantic)!, 'attribute');
    }
    const indices = primitive.getIndices();
    if (indices) def.indices = accessorIndex(indices, 'indices');
    const material = primitive.getMaterial();
    if (material) {
      let i = materialIndex.get(material);
      if (i === undefined) {
        i = glb.addMaterial(material);
        materialIndex.set(material, i);
        for (const [texture] of textureSlots(material)) if (texture) textureSet.add(texture);
      }
      def.material = i;
    }
    def.mode = primitive.getMode();
    if (hasKeys(primitive.getExtras())) def.extras = primitive.getExtras();
    return def;
  });

  const meshDef: Record<string, unknown> = { name, primitives: primitiveDefs };
  if (hasKeys(part.meshExtras)) meshDef.extras = part.meshExtras;
  // The same nodes as the general path: the mesh node carries the frame, or its second transform
  // under a `<name>_frame` node when the frame has shear.
  const [outer, inner] = frame.chain;
  const nodeDef: Record<string, unknown> = { name, mesh: 0, ...transformDef(inner ?? outer!) };
  if (hasKeys(part.nodeExtras)) nodeDef.extras = part.nodeExtras;
  const nodes = inner
    ? [{ name: `${name}_frame`, children: [1], ...transformDef(outer!) }, nodeDef]
    : [nodeDef];

  const { asset, rootExtras } = part.asset;
  const bytes = glb.build(
    {
      asset: { ...asset, version: '2.0' },
      ...(rootExtras ? { extras: rootExtras } : {}),
      scene: 0,
      scenes: [{ name, nodes: [0] }],
      nodes,
      meshes: [meshDef],
    },
    part.output,
  );

  return {
    ...identity,
    placements,
    ...geometryCounts(primitives),
    materials: materialIndex.size,
    textures: textureSet.size,
    images: sortImageRecords(part.images ?? []),
    bounds: frame.bounds,
    bytes,
    ...(part.output ? { borrowed: true } : {}),
  };
}

/**
 * Encodes one part of a Document (for which {@link canEncodeDirectly} said yes) as a GLB
 * ({@link encodeStaticPart}), with the pack's texture work applied to its images.
 */
export async function encodePartDirectly(
  index: SourceIndex,
  part: PlannedPart,
  name: string,
  pivot: PivotMode,
  textures?: PackTextures,
  output?: StaticPartSource['output'],
): Promise<EncodedPart> {
  const first = part.nodes[0]!;
  const primitives = primitivesOf(part);
  // The part's images and UVs as the pack's texture mode has them (cropped, converted, or shared):
  // replacements the builder writes instead of the source's, which stays untouched.
  const cropped = textures ? await textures.forPrimitives(primitives) : undefined;
  const images: PartImageRecord[] = [];
  return encodeStaticPart({
    identity: partIdentity(part, name, pivot),
    primitives,
    meshExtras: part.mesh.getExtras(),
    nodeExtras: first.getExtras(),
    framed: staticFrame(index, part, pivot),
    asset: partAssetInfo(index.source),
    positionRange: (accessor) => index.positionRange(accessor as Accessor),
    ...(output ? { output } : {}),
    images,
    builder: {
      ...(cropped ? { uvs: cropped.uvs } : {}),
      image: (texture) => {
        const own = cropped?.images.get(texture);
        const bytes = own?.bytes ?? texture.getImage()!;
        const mimeType = own?.mimeType ?? texture.getMimeType();
        const name = imageName(texture);
        if (textures?.shared) {
          const uri = textures.shared.uriFor(bytes, mimeType, name);
          images.push(imageRecord(name, bytes, mimeType, uri.slice('../'.length)));
          return { uri, mimeType };
        }
        images.push(imageRecord(name, bytes, mimeType));
        return { bytes, mimeType };
      },
    },
  });
}
