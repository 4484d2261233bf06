import {
  type Accessor,
  Document,
  type Extension,
  ExtensionProperty,
  type Mesh,
  type mat4,
  type Node,
  type Property,
  type PropertyResolver,
} from '@gltf-transform/core';
import { copyToDocument, createDefaultPropertyResolver } from '@gltf-transform/functions';
import { listAnimatedNodes, type PartPlan, type PlannedPart } from './detect-parts.js';
import {
  type Bounds,
  createWorldMatrices,
  emptyBounds,
  expandPlacedBounds,
  finiteBounds,
} from './geometry.js';
import { IDENTITY, invert, isIdentity, multiply } from './math.js';
import { nameParts } from './naming/index.js';
import { measurePart, type PartStats } from './part-stats.js';
import { type PivotMode, pivotMatrix } from './pivot.js';
import { addMissingTangents } from './tangent-space.js';

/** Options for {@link splitParts}. */
export interface SplitPartsOptions {
  /** Default `original`. */
  pivot?: PivotMode;
  /** Final part names, in plan order (from `nameParts`). Default: `nameParts` with its defaults. */
  names?: readonly string[];
}

export const SPLIT_PARTS_DEFAULTS: Required<Omit<SplitPartsOptions, 'names'>> = { pivot: 'original' };

/** Where one source node puts a part file. */
export interface Placement {
  /** The source node's name (may be empty). */
  node: string;
  /** The source node's index in the source document's node list (unambiguous where names repeat). */
  nodeIndex: number;
  /** Column-major 4×4: part file space → source world space. */
  matrix: number[];
}

/** One part, split into its own Document, with what the manifest records about it. */
export interface SplitPart extends PartStats {
  id: string;
  name: string;
  sourceName: string;
  parent: string | null;
  pivot: PivotMode;
  placements: Placement[];
  /** The part's own Document: its default scene holds the part alone. */
  document: Document;
}

/** Texture image formats whose extension has no property to follow: keep them only when used. */
const TEXTURE_FORMAT_EXTENSIONS: Record<string, string> = {
  KHR_texture_basisu: 'image/ktx2',
  EXT_texture_webp: 'image/webp',
  EXT_texture_avif: 'image/avif',
};

/** Names of extensions that attach properties, collected once from the source document. */
function extensionPropertyNames(document: Document): Set<string> {
  const names = new Set<string>();
  for (const edge of document.getGraph().listEdges()) {
    const child = edge.getChild();
    if (child instanceof ExtensionProperty) names.add(child.extensionName);
  }
  return names;
}

/**
 * Per-split context built once (O(source)): lookups every part needs, so that splitting N parts costs
 * O(total size), never N whole-document walks.
 */
interface SourceIndex {
  source: Document;
  nodeIndex: Map<Node, number>;
  worldOf: (node: Node) => mat4;
  animated: Set<Node>;
  /** Animation channels by target node. */
  channelsOf: Map<
    Node,
    Array<{ animation: number; channel: import('@gltf-transform/core').AnimationChannel }>
  >;
  extensionProperties: Set<string>;
}

function indexSource(source: Document): SourceIndex {
  const root = source.getRoot();
  const channelsOf: SourceIndex['channelsOf'] = new Map();
  root.listAnimations().forEach((animation, a) => {
    for (const channel of animation.listChannels()) {
      const target = channel.getTargetNode();
      if (!target || !channel.getSampler()) continue;
      const list = channelsOf.get(target) ?? [];
      list.push({ animation: a, channel });
      channelsOf.set(target, list);
    }
  });
  return {
    source,
    nodeIndex: new Map(root.listNodes().map((node, i) => [node, i])),
    worldOf: createWorldMatrices(),
    animated: listAnimatedNodes(source),
    channelsOf,
    extensionProperties: extensionPropertyNames(source),
  };
}

/**
 * Splits a document along a plan: each part is copied into a new Document with `copyToDocument` and
 * a fresh property resolver (so a part holds only what it uses: its materials, textures, accessors),
 * never by cloning and pruning the whole model. The source is not modified.
 *
 * Each part file's default scene holds one node named after the part (its mesh has the same name):
 * - a static part: that node carries the mesh and the pivot offset P; placement = world(node) × P⁻¹;
 * - an animated part: the node keeps its local transform and animation, under a `<name>_pivot` node
 *   that carries P × rest⁻¹ (left out when it is the identity); placement = world(node) × P⁻¹ too;
 * - a skinned part: the node (identity) carries mesh and skin; the joints and their ancestors are
 *   copied under `<name>_skeleton` with P; placement = P⁻¹ (skinning ignores the mesh node).
 * Placing each part file by its placements rebuilds the source's world-space geometry.
 */
export function splitParts(document: Document, plan: PartPlan, options: SplitPartsOptions = {}): SplitPart[] {
  if (plan.needsLabels)
    throw new Error(`the ${plan.strategy} plan needs its labels applied first (use planParts)`);
  const pivot = options.pivot ?? SPLIT_PARTS_DEFAULTS.pivot;
  const names =
    options.names ??
    nameParts(plan.parts.map((part, index) => ({ sourceName: part.sourceName, index, id: part.id })));
  if (names.length !== plan.parts.length)
    throw new Error(`got ${names.length} names for ${plan.parts.length} parts`);
  const index = indexSource(document);
  return plan.parts.map((part, i) => splitOne(index, part, names[i]!, pivot));
}

function splitOne(index: SourceIndex, part: PlannedPart, name: string, pivot: PivotMode): SplitPart {
  const { source } = index;
  const target = new Document();
  target.setLogger(source.getLogger());
  for (const extension of source.getRoot().listExtensionsUsed()) {
    const ctor = extension.constructor as new (doc: Document) => Extension;
    target.createExtension(ctor).setRequired(extension.isRequired());
  }
  const resolve = createDefaultPropertyResolver(target, source);
  const copy = <T extends Property>(property: T): T =>
    copyToDocument(target, source, [property], resolve as PropertyResolver<Property>).get(property) as T;

  const first = part.nodes[0]!;
  const mesh = copyMesh(target, part, copy);
  mesh.setName(name);
  addMissingTangents(target, mesh.listPrimitives());
  const scene = target.createScene(name);
  target.getRoot().setDefaultScene(scene);
  const meshNode = target
    .createNode(name)
    .setMesh(mesh)
    .setExtras({ ...first.getExtras() });
  if (first.getWeights().length > 0) meshNode.setWeights([...first.getWeights()]);
  const instancing = first.getExtension<ExtensionProperty>('EXT_mesh_gpu_instancing');
  if (instancing) meshNode.setExtension('EXT_mesh_gpu_instancing', copy(instancing));
  // Where each source node's animation channels go: transforms to the copied transform nodes,
  // morph weights to the mesh node.
  const transformTargets = new Map<Node, Node>();
  const weightTargets = new Map<Node, Node>([[first, meshNode]]);

  let placements: Placement[];
  const skin = first.getSkin();
  if (skin) {
    const P = pivot === 'original' ? IDENTITY : pivotMatrix(localBounds(part, first, index.worldOf), pivot);
    const skeleton = target.createNode(`${name}_skeleton`).setMatrix(P);
    copySkeleton(target, skin.listJoints(), skeleton, transformTargets);
    const targetSkin = target.createSkin(skin.getName()).setExtras({ ...skin.getExtras() });
    for (const joint of skin.listJoints()) targetSkin.addJoint(transformTargets.get(joint)!);
    const skeletonRoot = skin.getSkeleton();
    if (skeletonRoot && transformTargets.has(skeletonRoot))
      targetSkin.setSkeleton(transformTargets.get(skeletonRoot)!);
    const ibm = skin.getInverseBindMatrices();
    if (ibm) targetSkin.setInverseBindMatrices(copy(ibm));
    meshNode.setSkin(targetSkin);
    scene.addChild(meshNode).addChild(skeleton);
    placements = [placement(index, first, invert(P))];
  } else {
    const P =
      pivot === 'original'
        ? IDENTITY
        : pivotMatrix(
            localBounds(part, first, () => IDENTITY),
            pivot,
          );
    const inverseP = invert(P);
    if (index.animated.has(first)) {
      transformTargets.set(first, meshNode);
      meshNode
        .setTranslation(first.getTranslation())
        .setRotation(first.getRotation())
        .setScale(first.getScale());
      const wrapper = multiply(P, invert(first.getMatrix()));
      if (isIdentity(wrapper, 1e-9)) scene.addChild(meshNode);
      else scene.addChild(target.createNode(`${name}_pivot`).setMatrix(wrapper).addChild(meshNode));
    } else {
      meshNode.setMatrix(P);
      scene.addChild(meshNode);
    }
    placements = part.nodes.map((node) => placement(index, node, multiply(index.worldOf(node), inverseP)));
  }
  copyAnimations(target, index, transformTargets, weightTargets, copy);
  consolidateBuffers(target);
  dropUnusedExtensions(target, index.extensionProperties);
  return {
    id: part.id,
    name,
    sourceName: part.sourceName,
    parent: part.parent,
    pivot,
    placements,
    document: target,
    ...measurePart(target),
  };
}

function placement(index: SourceIndex, node: Node, matrix: mat4): Placement {
  return { node: node.getName(), nodeIndex: index.nodeIndex.get(node) ?? -1, matrix: [...matrix] };
}

/** The part's mesh in the target: the whole mesh, or a new mesh holding the planned primitive. */
function copyMesh(target: Document, part: PlannedPart, copy: <T extends Property>(property: T) => T): Mesh {
  if (!part.primitive) return copy(part.mesh);
  const mesh = target
    .createMesh()
    .addPrimitive(copy(part.primitive))
    .setWeights([...part.mesh.getWeights()])
    .setExtras({ ...part.mesh.getExtras() });
  return mesh;
}

/**
 * Bounds of the part's geometry in the space the pivot is measured in: the mesh's local space
 * (instances included), or for a skinned part the skeleton's world space.
 */
function localBounds(part: PlannedPart, node: Node, worldOf: (node: Node) => mat4): Bounds {
  const bounds = emptyBounds();
  const primitives = part.primitive ? [part.primitive] : part.mesh.listPrimitives();
  for (const primitive of primitives) expandPlacedBounds(bounds, primitive, node, worldOf);
  return finiteBounds(bounds);
}

/**
 * Copies the joints and every ancestor up to the scene root as transform-only nodes (no meshes, no
 * other children), rebuilding their hierarchy under `container`, so the joints' world matrices in the
 * part file equal the source's (times the pivot) and the validator finds one common root.
 */
function copySkeleton(target: Document, joints: Node[], container: Node, copied: Map<Node, Node>): void {
  const ensure = (node: Node): Node => {
    let copy = copied.get(node);
    if (copy) return copy;
    copy = target
      .createNode(node.getName())
      .setTranslation(node.getTranslation())
      .setRotation(node.getRotation())
      .setScale(node.getScale())
      .setExtras({ ...node.getExtras() });
    copied.set(node, copy);
    const parent = node.getParentNode();
    (parent ? ensure(parent) : container).addChild(copy);
    return copy;
  };
  for (const joint of joints) ensure(joint);
}

/** Copies the animation channels that target copied nodes (with the samplers they use), retargeted. */
function copyAnimations(
  target: Document,
  index: SourceIndex,
  transformTargets: Map<Node, Node>,
  weightTargets: Map<Node, Node>,
  copy: <T extends Property>(property: T) => T,
): void {
  const animations = index.source.getRoot().listAnimations();
  const made = new Map<number, import('@gltf-transform/core').Animation>();
  const samplers = new Map<unknown, import('@gltf-transform/core').AnimationSampler>();
  const sourceNodes = new Set([...transformTargets.keys(), ...weightTargets.keys()]);
  for (const sourceNode of sourceNodes) {
    for (const { animation: a, channel } of index.channelsOf.get(sourceNode) ?? []) {
      const path = channel.getTargetPath()!;
      const targetNode = (path === 'weights' ? weightTargets : transformTargets).get(sourceNode);
      if (!targetNode) continue;
      const sourceAnimation = animations[a]!;
      let animation = made.get(a);
      if (!animation) {
        animation = target
          .createAnimation(sourceAnimation.getName())
          .setExtras({ ...sourceAnimation.getExtras() });
        made.set(a, animation);
      }
      const sourceSampler = channel.getSampler()!;
      let sampler = samplers.get(sourceSampler);
      if (!sampler) {
        sampler = target
          .createAnimationSampler(sourceSampler.getName())
          .setInterpolation(sourceSampler.getInterpolation())
          .setInput(copyAccessor(sourceSampler.getInput(), copy))
          .setOutput(copyAccessor(sourceSampler.getOutput(), copy));
        samplers.set(sourceSampler, sampler);
        animation.addSampler(sampler);
      }
      animation.addChannel(
        target
          .createAnimationChannel(channel.getName())
          .setTargetNode(targetNode)
          .setTargetPath(path)
          .setSampler(sampler),
      );
    }
  }
}

function copyAccessor(
  accessor: Accessor | null,
  copy: <T extends Property>(property: T) => T,
): Accessor | null {
  return accessor ? copy(accessor) : null;
}

/** A GLB holds one buffer: move every accessor into the first and drop the others. */
function consolidateBuffers(target: Document): void {
  const root = target.getRoot();
  const buffers = root.listBuffers();
  const main = buffers[0] ?? target.createBuffer();
  for (const accessor of root.listAccessors()) accessor.setBuffer(main);
  for (const buffer of buffers.slice(1)) buffer.dispose();
}

/**
 * Every source extension was registered on the part document so that copied properties keep theirs;
 * here the ones the part does not use are removed, so `extensionsUsed` lists only what is in the file.
 * Extensions without properties (quantization, compression) stay: they describe how data is encoded.
 */
function dropUnusedExtensions(target: Document, propertyExtensions: Set<string>): void {
  const used = extensionPropertyNames(target);
  const mimeTypes = new Set(
    target
      .getRoot()
      .listTextures()
      .map((texture) => texture.getMimeType()),
  );
  for (const extension of target.getRoot().listExtensionsUsed()) {
    const name = extension.extensionName;
    const format = TEXTURE_FORMAT_EXTENSIONS[name];
    const unused = format ? !mimeTypes.has(format) : propertyExtensions.has(name) && !used.has(name);
    if (unused) extension.dispose();
  }
}
