import { byNodesReason } from '../detect/nodes-reason.js';
import { nameGenericFacts, SOURCE_NAMES_EXTRAS } from '../detect/part-names.js';
import type { Bounds } from '../geometry.js';
import { emptyBounds, expandBounds } from '../geometry.js';
import {
  type InstancesMode,
  NAMING_DEFAULTS,
  resolveGranularity,
  resolveLimits,
  SPLIT_DEFAULTS,
} from '../options.js';
import { firstAtOrAbove, firstNonFinite } from '../read/document-values.js';
import { depthFirstNodes } from '../scene.js';
import type { SplitModelOptions } from '../split-model.js';
import { type FastAccessor, type FastGltf, type FastPrimitive, nameOf } from './fast-gltf.js';

/**
 * What the byte-level split covers, decided from the JSON before anything is copied, and its plan.
 *
 * The layout: a GLB whose one buffer is its BIN chunk, with no extension, skin, animation, texture
 * or image, one scene, and mesh nodes (a mesh drawn by several nodes included), whose primitives
 * hold plain accessors (dense, not empty, no morph target) and core materials: the untextured part
 * layouts of segmenters and exporters. The options must plan it by nodes
 * (`auto` with several mesh nodes, or `nodes`), with no merging, names without `{region}` or
 * `{color}`, no WebP textures asked for. For anything else {@link planFast} declines, with the reason,
 * and the Document path splits the model: both give the same files (test/fast-split.test.ts).
 */

type Json = Record<string, unknown>;

/** One part of the byte-level plan: a mesh, the nodes that place it, and what the manifest says of it. */
export interface FastPart {
  id: string;
  sourceName: string;
  parent: string | null;
  mesh: number;
  /** The nodes that place the mesh (several for a shared mesh), in scene order. */
  nodes: number[];
  primitives: FastPrimitive[];
}

/** The byte-level split's plan: always by nodes. */
export interface FastPlan {
  strategy: 'nodes';
  reason: string;
  parts: FastPart[];
  /** The ranges of the POSITION accessors of every mesh (taken while their values were checked). */
  positionRanges: Map<FastAccessor, Bounds>;
  /** The scene's mesh nodes, depth-first (what a thumbnail of the whole model draws). */
  meshNodes: number[];
}

/** The plan, or why the byte-level split leaves this model to the Document path. */
export type FastPlanResult = { plan: FastPlan } | { declined: string };

/** The component types of core glTF accessors. */
export const COMPONENT_TYPES: ReadonlySet<number> = new Set([5120, 5121, 5122, 5123, 5125, 5126]);
const TEXTURE_SLOTS = ['normalTexture', 'occlusionTexture', 'emissiveTexture'];
const PBR_TEXTURE_SLOTS = ['baseColorTexture', 'metallicRoughnessTexture'];

export function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether a property has extensions: an `extensions` object with any key (exporters write empty
 * ones, which glTF-Transform reads as none).
 */
export function extended(def: Json): boolean {
  const extensions = def.extensions;
  return extensions !== undefined && !(isPlainObject(extensions) && Object.keys(extensions).length === 0);
}

/** Why the options need the Document path, or null (decided before the file is opened). */
export function optionsDecline(options: SplitModelOptions): string | null {
  const strategy = options.strategy ?? SPLIT_DEFAULTS.strategy;
  if (strategy !== 'auto' && strategy !== 'nodes') return `the ${strategy} strategy`;
  try {
    const granularity = resolveGranularity('nodes', options.granularity);
    if (granularity.minPartArea !== 0 || granularity.targetParts !== null) return 'merging asked for';
  } catch {
    return 'granularity options out of range';
  }
  const template = options.naming?.template ?? NAMING_DEFAULTS.template;
  if (template.includes('{region}') || template.includes('{color}')) return 'names from regions or colours';
  if ((options.textureFormat ?? SPLIT_DEFAULTS.textureFormat) === 'webp') return 'WebP textures asked for';
  if (options.io) return "the caller's own IO";
  return null;
}

/**
 * Why the model's JSON needs the Document path, or null; with `textures`, images, textures and
 * samplers are allowed (the byte-level reader reads them: fast-document.ts).
 */
export function documentDecline(gltf: FastGltf, textures = false): string | null {
  const { json } = gltf;
  for (const key of ['extensionsUsed', 'extensionsRequired']) {
    const list = json[key];
    if (list !== undefined && (!Array.isArray(list) || list.length > 0)) return 'glTF extensions';
  }
  if (extended(json)) return 'root extensions';
  if (json.extras !== undefined && !isPlainObject(json.extras)) return 'root extras that are not an object';
  const buffers = gltf.list('buffers');
  if (buffers.length !== 1 || buffers[0]!.uri !== undefined || extended(buffers[0]!))
    return 'buffers other than the GLB BIN chunk';
  for (const key of ['skins', 'animations', ...(textures ? [] : ['textures', 'images', 'samplers'])]) {
    if (gltf.list(key).length > 0) return key;
  }
  if (gltf.list('scenes').length !== 1) return 'not exactly one scene';
  return null;
}

/** Mesh nodes of the one scene, depth-first in child order (scene.ts listMeshNodes' order). */
function meshNodesOf(gltf: FastGltf): number[] {
  const nodes = gltf.list('nodes');
  const meshes = gltf.list('meshes');
  const scene = gltf.list('scenes')[0]!;
  return depthFirstNodes(
    (scene.nodes as number[] | undefined) ?? [],
    (node) => (nodes[node]!.children as number[] | undefined) ?? [],
    (node) => {
      const mesh = nodes[node]!.mesh as number | undefined;
      return mesh !== undefined && ((meshes[mesh]!.primitives as unknown[] | undefined) ?? []).length > 0;
    },
  );
}

function nameDecline(def: Json): boolean {
  return def.name !== undefined && typeof def.name !== 'string';
}

/** Why a mesh node (with its mesh) needs the Document path, or null. */
function nodeDecline(gltf: FastGltf, index: number): string | null {
  const node = gltf.list('nodes')[index]!;
  if (extended(node) || node.weights !== undefined || node.skin !== undefined)
    return 'a node with extensions, weights or a skin';
  if (nameDecline(node)) return 'a node name that is not text';
  if (node.extras !== undefined && (!isPlainObject(node.extras) || SOURCE_NAMES_EXTRAS in node.extras))
    return 'node extras the Document path handles';
  const mesh = gltf.list('meshes')[node.mesh as number]!;
  if (extended(mesh) || mesh.weights !== undefined) return 'a mesh with extensions or weights';
  if (nameDecline(mesh)) return 'a mesh name that is not text';
  for (const primitive of mesh.primitives as Json[]) {
    if (extended(primitive) || primitive.targets !== undefined)
      return 'a primitive with extensions or morph targets';
    const attributes = primitive.attributes as Json | undefined;
    if (!attributes || Object.keys(attributes).length === 0) return 'a primitive without attributes';
    const attributeSet = new Set(Object.values(attributes) as number[]);
    if (primitive.indices !== undefined) {
      if (attributeSet.has(primitive.indices as number)) return 'an accessor used as indices and attribute';
      if (gltf.list('accessors')[primitive.indices as number]!.normalized === true)
        return 'normalized indices';
      if (accessorDecline(gltf, primitive.indices as number))
        return 'an accessor the direct encoder does not copy';
    }
    for (const [semantic, accessor] of Object.entries(attributes)) {
      if (accessorDecline(gltf, accessor as number)) return 'an accessor the direct encoder does not copy';
      const def = gltf.list('accessors')[accessor as number]!;
      if (semantic === 'POSITION' && (def.type !== 'VEC3' || def.componentType !== 5126))
        return 'positions that are not float xyz';
    }
    if (
      primitive.material !== undefined &&
      materialDecline(gltf.list('materials')[primitive.material as number]!)
    )
      return 'a material with extensions or textures';
  }
  return null;
}

/** Whether an accessor is one the direct encoder would not copy as it is (direct-part.ts plainAccessor). */
function accessorDecline(gltf: FastGltf, index: number): boolean {
  const def = gltf.list('accessors')[index]!;
  if (def.sparse !== undefined || extended(def) || def.bufferView === undefined) return true;
  if (!COMPONENT_TYPES.has(def.componentType as number) || !((def.count as number) > 0)) return true;
  if (def.normalized !== undefined && typeof def.normalized !== 'boolean') return true;
  const view = gltf.list('bufferViews')[def.bufferView as number]!;
  if (view.buffer !== 0 || extended(view)) return true;
  const small = def.componentType !== 5125 && def.componentType !== 5126;
  return typeof def.type === 'string' && def.type.startsWith('MAT') && small;
}

function materialDecline(def: Json): boolean {
  if (extended(def) || nameDecline(def)) return true;
  if (TEXTURE_SLOTS.some((slot) => def[slot] !== undefined)) return true;
  const pbr = def.pbrMetallicRoughness as Json | undefined;
  return !!pbr && (extended(pbr) || PBR_TEXTURE_SLOTS.some((slot) => pbr[slot] !== undefined));
}

/**
 * checkDocumentValues' checks on every mesh of the file (index values below the vertex count, finite
 * positions), taking each POSITION range on the way. A failure declines: the Document path then
 * refuses the model with its own message.
 */
function checkValues(gltf: FastGltf, ranges: Map<FastAccessor, Bounds>): string | null {
  for (const [m] of gltf.list('meshes').entries()) {
    for (const primitive of gltf.primitives(m)) {
      const position = primitive.getAttribute('POSITION');
      const first = primitive.listSemantics()[0];
      const vertices = (position ?? (first ? primitive.getAttribute(first) : null))?.getCount() ?? 0;
      const indices = primitive.getIndices();
      if (indices && firstAtOrAbove(indices.scan(), vertices) >= 0) return 'an index past its vertices';
      if (!position || ranges.has(position)) continue;
      const values = position.scan() as Float32Array;
      if (firstNonFinite(values) >= 0) return 'a non-finite position';
      const range = emptyBounds();
      expandBounds(range, values);
      ranges.set(position, range);
    }
  }
  return null;
}

/**
 * One part per mesh node, a shared mesh one part placed by each of its nodes unless `instances` is
 * `separate`: detect-parts.ts planByNodes on the JSON (every node here is shareable: no skin,
 * animation, extension or weights), then the same renaming of generic names.
 */
function partsByNodes(gltf: FastGltf, meshNodes: number[], instances: InstancesMode): FastPart[] {
  const nodes = gltf.list('nodes');
  const meshes = gltf.list('meshes');
  const meshOf = (node: number) => nodes[node]!.mesh as number;
  const usesPerMesh = new Map<number, number[]>();
  if (instances === 'shared') {
    for (const node of meshNodes)
      usesPerMesh.set(meshOf(node), [...(usesPerMesh.get(meshOf(node)) ?? []), node]);
  }
  const parts: FastPart[] = [];
  const partOfNode = new Map<number, FastPart>();
  for (const node of meshNodes) {
    if (partOfNode.has(node)) continue;
    const mesh = meshOf(node);
    const shared = usesPerMesh.get(mesh);
    const many = shared !== undefined && shared.length > 1;
    const part: FastPart = {
      id: many ? `mesh${mesh}` : `node${node}`,
      sourceName: many
        ? nameOf(meshes[mesh]!) || nameOf(nodes[node]!)
        : nameOf(nodes[node]!) || nameOf(meshes[mesh]!),
      parent: null,
      mesh,
      nodes: many ? shared : [node],
      primitives: gltf.primitives(mesh),
    };
    for (const placed of part.nodes) partOfNode.set(placed, part);
    parts.push(part);
  }
  const facts = parts.map((part) => ({
    sourceName: part.sourceName,
    materialNames: () => [
      ...new Set(part.primitives.map((primitive) => primitive.getMaterial()?.getName() ?? '')),
    ],
    meshName: () => nameOf(meshes[part.mesh]!),
  }));
  nameGenericFacts(facts);
  for (const [i, part] of parts.entries()) {
    part.sourceName = facts[i]!.sourceName;
    const parents = new Set(
      part.nodes.map((node) => {
        for (let at = gltf.parentOf(node); at !== undefined; at = gltf.parentOf(at)) {
          const enclosing = partOfNode.get(at);
          if (enclosing) return enclosing.id;
        }
        return null;
      }),
    );
    part.parent = parents.size === 1 ? [...parents][0]! : null;
  }
  return parts;
}

/** The byte-level plan of a model (see the module comment), or why it declines. */
export function planFast(gltf: FastGltf, options: SplitModelOptions): FastPlanResult {
  const declined = optionsDecline(options) ?? documentDecline(gltf);
  if (declined) return { declined };
  const meshNodes = meshNodesOf(gltf);
  const strategy = options.strategy ?? SPLIT_DEFAULTS.strategy;
  if (meshNodes.length === 0 || (strategy === 'auto' && meshNodes.length < 2))
    return { declined: 'fewer mesh nodes than the strategy needs' };
  const instances = options.instances ?? SPLIT_DEFAULTS.instances;
  if (instances !== 'shared' && instances !== 'separate') return { declined: 'an unknown instances mode' };
  for (const index of meshNodes) {
    const why = nodeDecline(gltf, index);
    if (why) return { declined: why };
  }
  const positionRanges = new Map<FastAccessor, Bounds>();
  const invalid = checkValues(gltf, positionRanges);
  if (invalid) return { declined: invalid };
  const parts = partsByNodes(gltf, meshNodes, instances);
  if (parts.length > resolveLimits(options.limits).maxParts) return { declined: 'over the part limit' };
  const reason = byNodesReason(strategy === 'nodes', meshNodes.length, parts.length);
  return {
    plan: {
      strategy: 'nodes',
      reason,
      parts,
      positionRanges,
      meshNodes,
    },
  };
}
