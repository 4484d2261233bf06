import type {
  Accessor,
  Animation,
  AnimationChannel,
  Document,
  Mesh,
  Node,
  Primitive,
  Transform,
} from '@gltf-transform/core';
import type { Bounds } from '../../geometry.js';
import { namedTransform } from '../../named-transform.js';
import {
  type GranularityOptions,
  type LabelOptions,
  type LabelStrategy,
  resolveGranularity,
  resolveLabelOptions,
} from '../../options.js';
import { sceneBounds } from '../../scene.js';
import type { LabelMerge } from '../granularity/merge-labels.js';
import { meshShares } from '../granularity/model-area.js';
import { partRegions } from '../name-inputs.js';
import type { ColorVotes } from './color-blends.js';
import { type ColorReport, type MeshLabelling, meshLabels } from './mesh-labels.js';
import { splitPrimitiveByLabels } from './split-primitive.js';

const NAME = 'explodeByLabels';
const INSTANCING = 'EXT_mesh_gpu_instancing';

/** What {@link explodeByLabels} did, for `inspect` and the manifest (filled when passed in). */
export interface ExplodeReport {
  /** Labels merged into others (granularity, and joints folded into their parents). */
  merges: LabelMerge[];
  /** For `colors`: the part colours found and the colours treated as blends, over every mesh. */
  colors?: ColorReport;
  /** For each new part node that absorbed other labels: every constituent's name, its own first. */
  sourceNames: Map<Node, string[]>;
}

/** Granularity and the report sink of {@link explodeByLabels}. */
export interface ExplodeOptions {
  /** Small labels merge into their neighbours (default: the strategy's, MIN_PART_AREA_DEFAULTS). */
  granularity?: GranularityOptions;
  /** Filled with what was merged and found. */
  report?: ExplodeReport;
  /** For `colors`: votes already taken over this document by `auto` (findLabelSource), reused. */
  colorVotes?: ColorVotes;
}

/** One exploded mesh: a new mesh per label, in slot order. */
interface ExplodedMesh {
  labelling: MeshLabelling;
  parts: Mesh[];
}

/**
 * Turn per-triangle labels into Tripo's layout: every mesh node whose mesh carries labels (see
 * {@link LabelStrategy}) gets one child node per label, with identity transform, named after the
 * label (`part_<value>` for attribute values and components, `color_<rrggbb>` for colours;
 * prefixed with the node's name when several nodes are exploded), holding a new mesh with one
 * compact primitive per labelled source primitive ({@link splitPrimitiveByLabels}).
 *
 * - A mesh shared by several nodes is split once; every node gets children sharing the new
 *   meshes, so instancing survives.
 * - The node's skin, morph weights and EXT_mesh_gpu_instancing are copied to each child, and
 *   animation channels driving the node's morph `weights` are duplicated for each child.
 * - A mesh whose triangles all carry one label is left as it is (one part, keeping its name), and
 *   so is a mesh with more than `maxColors` colours under `colors` (with a warning).
 * - Primitives without labels (points, lines, or no label attribute) stay on the original
 *   mesh and node; a mesh left with no primitives is removed from its nodes and disposed, and
 *   accessors no longer used are disposed.
 *
 * @throws RangeError for an option out of range (checked when the transform is created).
 *
 * Runs in O(total size). Skinned children sit below the original node like the others: glTF
 * ignores a skinned node's transform, and the validator only notes it (a warning, not an error).
 */
export function explodeByLabels(
  strategy: LabelStrategy,
  options: LabelOptions = {},
  extra: ExplodeOptions = {},
): Transform {
  const resolved = resolveLabelOptions(options);
  const granularity = resolveGranularity(strategy, extra.granularity);
  const report = extra.report;
  return namedTransform(NAME, async (document: Document): Promise<void> => {
    const shapeLabels =
      strategy === 'shape' ? (await import('../shape/shape-labels.js')).shapeTriangleLabels : undefined;
    const shareOf = meshShares(document);
    const logger = document.getLogger();
    const root = document.getRoot();
    const nodesByMesh = new Map<Mesh, Node[]>();
    for (const node of root.listNodes()) {
      const mesh = node.getMesh();
      if (!mesh) continue;
      const nodes = nodesByMesh.get(mesh);
      if (nodes) nodes.push(node);
      else nodesByMesh.set(mesh, [node]);
    }
    const exploded = new Map<Mesh, ExplodedMesh>();
    // Regions are measured against the whole model, before exploding empties the source meshes.
    const modelBounds = strategy === 'shape' ? sceneBounds(document) : null;
    for (const mesh of nodesByMesh.keys()) {
      const context = {
        granularity,
        meshShare: shareOf(mesh),
        ...(extra.colorVotes ? { colorVotes: extra.colorVotes } : {}),
        ...(shapeLabels ? { shapeLabels } : {}),
      };
      const labelling = meshLabels(mesh, strategy, resolved, context, logger);
      if (labelling && report) record(report, labelling);
      // One label is one part: the node keeps its mesh and its own name (`sword`, not `part_0`).
      if (labelling && labelling.slotCount > 1) {
        const parts = explodeMesh(document, mesh, labelling);
        // `shape` parts have no name of their own: they are named by where they sit in the model.
        if (modelBounds) nameByRegion(document, labelling, parts, nodesByMesh.get(mesh)![0]!, modelBounds);
        exploded.set(mesh, { labelling, parts });
      }
    }
    const targets = [...exploded.keys()].flatMap((mesh) => nodesByMesh.get(mesh)!);
    const morphChannels = morphChannelsByNode(document, new Set(targets));
    for (const node of targets) {
      const { labelling, parts } = exploded.get(node.getMesh()!)!;
      const prefix = targets.length > 1 && node.getName() ? `${node.getName()}_` : '';
      const children = attachChildren(
        document,
        node,
        parts,
        labelling,
        prefix,
        morphChannels.get(node) ?? [],
      );
      if (report && labelling.sourceNames) {
        children.forEach((child, slot) => {
          const names = labelling.sourceNames![slot]!;
          if (names.length > 1)
            report.sourceNames.set(
              child,
              names.map((name) => prefix + name),
            );
        });
      }
    }
    for (const mesh of exploded.keys()) {
      if (mesh.listPrimitives().length > 0) continue;
      for (const node of nodesByMesh.get(mesh)!) {
        node.setMesh(null).setSkin(null).setWeights([]).setExtension(INSTANCING, null);
        // Its children carry copies of these channels; on a mesh-less node they are invalid.
        for (const { channel } of morphChannels.get(node) ?? []) channel.dispose();
      }
      mesh.dispose();
    }
    logger.debug(`${NAME}: ${strategy}: ${exploded.size} mesh(es), ${targets.length} node(s) exploded.`);
  });
}

/**
 * Names parts by their region in the model (`top`, `bottom_left`, `center`: name-inputs.ts), as the
 * first node using their mesh places them; naming makes repeats unique (`left`, `left_2`).
 */
function nameByRegion(
  document: Document,
  labelling: MeshLabelling,
  parts: Mesh[],
  node: Node,
  model: Bounds,
): void {
  const regions = partRegions(
    document,
    parts.map((mesh) => ({ mesh, primitive: null, nodes: [node] })),
    model,
  );
  labelling.names = regions;
  for (const [slot, mesh] of parts.entries()) mesh.setName(regions[slot]!);
}

/** Split the labelled primitives of `mesh` into one new mesh per label; returns them by slot. */
function explodeMesh(document: Document, mesh: Mesh, labelling: MeshLabelling): Mesh[] {
  const perSlot: Primitive[][] = labelling.names.map(() => []);
  for (const [primitive, slots] of labelling.slots) {
    // The source primitive is disposed below: its memory goes as soon as the split has read it.
    splitPrimitiveByLabels(primitive, slots, labelling.slotCount, labelling.dropSemantics, {
      releaseSource: true,
    }).forEach((part, slot) => {
      if (part) perSlot[slot]!.push(part);
    });
    mesh.removePrimitive(primitive);
    disposePrimitive(primitive);
  }
  return perSlot.map((primitives, slot) => {
    // Extras carry `targetNames` (morph target names, a common convention): keep them per part.
    const part = document
      .createMesh(labelling.names[slot]!)
      .setWeights([...mesh.getWeights()])
      .setExtras({ ...mesh.getExtras() });
    for (const primitive of primitives) part.addPrimitive(primitive);
    return part;
  });
}

/** Dispose a primitive and those of its accessors that nothing else uses. */
function disposePrimitive(primitive: Primitive): void {
  const accessors = new Set<Accessor>(primitive.listAttributes());
  const indices = primitive.getIndices();
  if (indices) accessors.add(indices);
  for (const target of primitive.listTargets())
    for (const accessor of target.listAttributes()) accessors.add(accessor);
  for (const target of primitive.listTargets()) target.dispose();
  primitive.dispose();
  for (const accessor of accessors) {
    if (accessor.listParents().every((parent) => parent.propertyType === 'Root')) accessor.dispose();
  }
}

interface MorphChannel {
  animation: Animation;
  channel: AnimationChannel;
}

/** Adds the parts of `node` as its children (one per slot); returns them in slot order. */
function attachChildren(
  document: Document,
  node: Node,
  parts: Mesh[],
  labelling: MeshLabelling,
  prefix: string,
  weightChannels: readonly MorphChannel[],
): Node[] {
  const instancing = node.getExtension(INSTANCING);
  return parts.map((mesh, slot) => {
    const child = document
      .createNode(prefix + labelling.names[slot]!)
      .setMesh(mesh)
      .setSkin(node.getSkin())
      .setWeights([...node.getWeights()]);
    if (instancing) child.setExtension(INSTANCING, instancing);
    node.addChild(child);
    for (const { animation, channel } of weightChannels) {
      animation.addChannel(
        document
          .createAnimationChannel(channel.getName())
          .setSampler(channel.getSampler())
          .setTargetNode(child)
          .setTargetPath('weights'),
      );
    }
    return child;
  });
}

/** Adds one mesh's merges and colours to the report. */
function record(report: ExplodeReport, labelling: MeshLabelling): void {
  report.merges.push(...(labelling.merges ?? []));
  if (!labelling.colors) return;
  report.colors ??= { palette: [], blends: [] };
  report.colors.palette.push(...labelling.colors.palette);
  report.colors.blends.push(...labelling.colors.blends);
}

/** Animation channels driving the morph weights of `nodes`, by node: one pass over all channels. */
function morphChannelsByNode(document: Document, nodes: ReadonlySet<Node>): Map<Node, MorphChannel[]> {
  const byNode = new Map<Node, MorphChannel[]>();
  for (const animation of document.getRoot().listAnimations()) {
    for (const channel of animation.listChannels()) {
      const node = channel.getTargetNode();
      if (!node || !nodes.has(node) || channel.getTargetPath() !== 'weights') continue;
      const list = byNode.get(node);
      if (list) list.push({ animation, channel });
      else byNode.set(node, [{ animation, channel }]);
    }
  }
  return byNode;
}
