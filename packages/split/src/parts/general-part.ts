import {
  Document,
  type ExtensionProperty,
  type Mesh,
  type mat4,
  type Node,
  type Property,
  type PropertyResolver,
} from '@gltf-transform/core';
import { copyToDocument, createDefaultPropertyResolver } from '@gltf-transform/functions';
import type { PlannedPart } from '../detect/detect-parts.js';
import { IDENTITY, invert, isIdentity, multiply, tryInvert } from '../math.js';
import type { PivotMode } from '../options.js';
import { copyAnimations } from './copy-animations.js';
import { copySkeleton, copySkin } from './copy-skeleton.js';
import { dropUnusedExtensions, registerSourceExtensions } from './part-extensions.js';
import {
  localBounds,
  type Placement,
  partAssetInfo,
  partIdentity,
  placement,
  staticPlacements,
} from './part-placement.js';
import { measurePart, type PartStats } from './part-stats.js';
import { pivotMatrix } from './pivot.js';
import type { SourceIndex } from './source-index.js';
import { addMissingTangents } from './tangent-space.js';

export type { Placement } from './part-placement.js';

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

/**
 * One part into its own Document, the general path (every feature glTF-Transform can write): the part is copied into a new Document with `copyToDocument` and
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
export function splitPartDocument(
  index: SourceIndex,
  part: PlannedPart,
  name: string,
  pivot: PivotMode,
): SplitPart {
  const { source } = index;
  const target = new Document();
  target.setLogger(source.getLogger());
  registerSourceExtensions(target, source);
  const resolve = createDefaultPropertyResolver(target, source);
  const copy = <T extends Property>(property: T): T =>
    copyToDocument(target, source, [property], resolve as PropertyResolver<Property>).get(property) as T;

  copyAssetInfo(target, source);

  const first = part.nodes[0]!;
  const mesh = copyMesh(target, part, copy).setName(name);
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
  // Where the source's animation channels go: transforms to copied transform nodes, morph weights
  // to the mesh node.
  const transforms = new Map<Node, Node>();
  const weights = new Map<Node, Node>([[first, meshNode]]);
  const pivotOf = (worldOf: (node: Node) => mat4): mat4 =>
    pivot === 'original' ? IDENTITY : pivotMatrix(localBounds(part, first, worldOf), pivot);

  let placements: Placement[];
  const skin = first.getSkin();
  if (skin) {
    // Skinning ignores the mesh node: the geometry lives in the joints' world space.
    const P = pivotOf(index.worldOf);
    const skeleton = target.createNode(`${name}_skeleton`).setMatrix(P);
    copySkeleton(target, skin.listJoints(), skeleton, transforms);
    meshNode.setSkin(copySkin(target, skin, transforms, copy));
    scene.addChild(meshNode).addChild(skeleton);
    placements = [placement(index, first, invert(P))];
  } else if (index.animated.has(first)) {
    // The node keeps its local transform for its animation; a wrapper Q = P × rest⁻¹ puts the rest
    // pose at the pivot, and the placement is parentWorld × Q⁻¹ (= world × P⁻¹). A rest transform that
    // cannot be inverted (scaled to zero until the animation grows it) keeps Q = P.
    const P = pivotOf(() => IDENTITY);
    const rest = tryInvert(first.getMatrix());
    const wrapper = rest ? multiply(P, rest) : P;
    transforms.set(first, meshNode);
    meshNode
      .setTranslation(first.getTranslation())
      .setRotation(first.getRotation())
      .setScale(first.getScale());
    if (isIdentity(wrapper, 1e-9)) scene.addChild(meshNode);
    else scene.addChild(target.createNode(`${name}_pivot`).setMatrix(wrapper).addChild(meshNode));
    const parent = first.getParentNode();
    const parentWorld = parent ? index.worldOf(parent) : IDENTITY;
    placements = [placement(index, first, multiply(parentWorld, invert(wrapper)))];
  } else {
    const P = pivotOf(() => IDENTITY);
    const inverseP = invert(P);
    meshNode.setMatrix(P);
    scene.addChild(meshNode);
    placements = staticPlacements(index, part, inverseP);
  }
  copyAnimations(target, source, index.channels, { transforms, weights }, copy);
  consolidateBuffers(target);
  dropUnusedExtensions(target, index.extensionProperties);
  return {
    ...partIdentity(part, name, pivot),
    placements,
    document: target,
    ...measurePart(target),
  };
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

/** Asset information, as {@link partAssetInfo} gives it, set on a part's Document. */
function copyAssetInfo(target: Document, source: Document): void {
  const { asset, rootExtras } = partAssetInfo(source);
  Object.assign(target.getRoot().getAsset(), asset);
  if (rootExtras) target.getRoot().setExtras(rootExtras);
}

/** A GLB holds one buffer: move every accessor into the first and drop the others. */
function consolidateBuffers(target: Document): void {
  const root = target.getRoot();
  const buffers = root.listBuffers();
  const main = buffers[0] ?? target.createBuffer();
  for (const accessor of root.listAccessors()) accessor.setBuffer(main);
  for (const buffer of buffers.slice(1)) buffer.dispose();
}
