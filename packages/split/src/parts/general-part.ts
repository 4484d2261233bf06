import {
  Document,
  type ExtensionProperty,
  type Mesh,
  type Node,
  type Property,
  type PropertyResolver,
} from '@gltf-transform/core';
import { copyToDocument, createDefaultPropertyResolver } from '@gltf-transform/functions';
import type { PlannedPart } from '../detect/detect-parts.js';
import { composeTRS, isIdentity, type TRS } from '../math.js';
import type { PivotMode } from '../options.js';
import { copyAnimations } from './copy-animations.js';
import { copySkeleton, copySkin, keepUsedJoints } from './copy-skeleton.js';
import { dropUnusedExtensions, registerSourceExtensions } from './part-extensions.js';
import {
  animatedAncestors,
  animatedFrame,
  type FramedPart,
  skinnedFrame,
  staticFrame,
} from './part-frame.js';
import { type Placement, partAssetInfo, partIdentity } from './part-placement.js';
import { measurePart, type PartStats } from './part-stats.js';
import type { SourceIndex } from './source-index.js';
import { addMissingTangents } from './tangent-space.js';
import type { PartImageRecord } from './textures/part-images.js';

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
  /** The images the part file carries (the manifest's `parts[].images`); set by splitParts. */
  images?: PartImageRecord[];
}

/**
 * One part into its own Document, the general path (every feature glTF-Transform can write): the part is copied into a new Document with `copyToDocument` and
 * a fresh property resolver (so a part holds only what it uses: its materials, textures, accessors),
 * never by cloning and pruning the whole model. The source is not modified.
 *
 * Each part file's default scene shows the part as the source scene shows it (frames: part-frame.ts);
 * the node named after the part carries the mesh (its mesh has the same name):
 * - a static part: that node carries F = T × world (T: the pivot translation); a world matrix with
 *   shear needs two TRS, so a `<name>_frame` node above it carries the first; placement = world × F⁻¹;
 * - an animated part (its node or an ancestor animated): the node keeps its local transform and
 *   animation, under copies of its animated ancestors (their names, transforms and channels), under a
 *   `<name>_pivot` node (and `<name>_frame` for shear) carrying T × the world above them, left out
 *   when it is the identity; placement = T⁻¹;
 * - a skinned part: the node (identity) carries mesh and skin; the joints and their ancestors are
 *   copied with their own transforms under `<name>_skeleton`, which carries T; placement = T⁻¹.
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

  let framed: FramedPart;
  const skin = first.getSkin();
  if (skin) {
    // Skinning ignores the mesh node: the geometry lives in the joints' world space.
    framed = skinnedFrame(index, part, pivot);
    const skeleton = setTransform(target.createNode(`${name}_skeleton`), framed.frame.chain[0]!);
    // Only the joints this part's vertices use (and their ancestors): its channels follow.
    const kept = keepUsedJoints(mesh, skin);
    const joints = skin.listJoints();
    copySkeleton(
      target,
      kept.map((index) => joints[index]!),
      skeleton,
      transforms,
    );
    meshNode.setSkin(copySkin(target, skin, transforms, copy, kept));
    scene.addChild(meshNode).addChild(skeleton);
  } else if (index.animated.has(first)) {
    // The node keeps its local transform for its animation, under its animated ancestors (copied
    // with their names and transforms, so their channels move it as they move it in the source), all
    // under wrappers carrying T × the world above them.
    const ancestors = animatedAncestors(index, first);
    framed = animatedFrame(index, part, pivot, ancestors);
    let top = meshNode;
    for (const node of [first, ...[...ancestors].reverse()]) {
      const copied = node === first ? meshNode : target.createNode(node.getName()).addChild(top);
      transforms.set(node, copied);
      setTransform(copied, {
        translation: node.getTranslation(),
        rotation: node.getRotation(),
        scale: node.getScale(),
      });
      top = copied;
    }
    const [outer, inner] = framed.frame.chain;
    if (!inner && isIdentity(composeTRS(outer!), 0)) scene.addChild(top);
    else {
      const pivotNode = setTransform(target.createNode(`${name}_pivot`), outer!);
      scene.addChild(pivotNode);
      const frameNode = inner && setTransform(target.createNode(`${name}_frame`), inner);
      if (frameNode) pivotNode.addChild(frameNode);
      (frameNode ?? pivotNode).addChild(top);
    }
  } else {
    // The mesh node carries F = T × world; a sheared world needs a second node above it.
    framed = staticFrame(index, part, pivot);
    const [outer, inner] = framed.frame.chain;
    if (inner) {
      setTransform(meshNode, inner);
      scene.addChild(setTransform(target.createNode(`${name}_frame`), outer!).addChild(meshNode));
    } else scene.addChild(setTransform(meshNode, outer!));
  }
  copyAnimations(target, source, index.channels, { transforms, weights }, copy);
  consolidateBuffers(target);
  dropUnusedExtensions(target, index.extensionProperties);
  return {
    ...partIdentity(part, name, pivot),
    placements: framed.placements,
    document: target,
    ...measurePart(target),
    // The bounds the pivot measured, moved by it (what the file holds, to the last bit or so): the
    // direct encoder records the same numbers, and `bottom` gives min y = 0 exactly.
    bounds: framed.frame.bounds,
  };
}

/** Sets a node's translation, rotation and scale; returns the node. */
function setTransform(node: Node, trs: TRS): Node {
  return node
    .setTranslation([...trs.translation])
    .setRotation([...trs.rotation])
    .setScale([...trs.scale]);
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
