import type { Document, Mesh, Node, Primitive, Scene } from '@gltf-transform/core';
import { StrategyError } from '../errors.js';
import { type InstancesMode, type PartStrategy, SPLIT_DEFAULTS, type SplitOptions } from '../options.js';
import { listMeshNodes, selectScene } from '../scene.js';
import type { MergeReason } from './granularity/merge-groups.js';
import { findLabelSource, type LabelSource } from './labels/index.js';
import type { ColorReport } from './labels/mesh-labels.js';
import { byNodesReason } from './nodes-reason.js';
import { nameGenericParts, recordedSourceNames } from './part-names.js';

/** Detection options: the strategy, shared meshes, the label strategies' tuning, granularity. */
export type DetectPartsOptions = Pick<SplitOptions, 'strategy' | 'instances' | 'labels' | 'granularity'>;

/** One part that absorbed others (granularity, blends excluded), as `inspect` reports it. */
export interface PlanMerge {
  /** The source name the part keeps: its largest constituent's. */
  into: string;
  /** Every constituent's name, the kept one first, then by decreasing area. */
  sourceNames: string[];
  /** `min-part-area` (a constituent was under the share; for bones, a joint folded into its parent) or `target-parts`. */
  reason: MergeReason;
}

/** One part of the plan: which geometry goes into its file and where the source places it. */
export interface PlannedPart {
  /**
   * Stable id from the part's place in the source: `node<i>` (i = index of the node in the document's
   * node list), `node<i>.prim<j>` for a primitive, `mesh<k>` for a mesh shared by several nodes.
   */
  id: string;
  /** The name the model gave it: node name, else mesh name (mesh name first for a shared mesh; the
   * material name for a primitive). A generic node name (`geometry_3`, `Object_2`, `part_7`,
   * `barrel_1.obj`) gives way to the part's own material name, then its mesh name (part-names.ts).
   * May be empty: naming provides a fallback. */
  sourceName: string;
  /** When the part absorbed others (granularity): every constituent's name, `sourceName` first. */
  sourceNames?: string[];
  /** The mesh that holds the part's geometry. */
  mesh: Mesh;
  /** Set for the `primitives` strategy: the one primitive of `mesh` this part holds. */
  primitive: Primitive | null;
  /** The nodes that place this geometry in the source (several for a shared mesh), in scene order. */
  nodes: Node[];
  /** Id of the part whose node encloses this one in the source hierarchy (for the first placement
   * when all placements agree), or null. */
  parent: string | null;
}

/** The result of {@link detectParts}. */
export interface PartPlan {
  strategy: PartStrategy;
  /** One sentence: why this strategy, in words a user understands. */
  reason: string;
  /** The scene that is split (the default scene, else the first), or null when there is none. */
  scene: Scene | null;
  /** Set when the document has several scenes: which one is split. */
  sceneNote?: string;
  /**
   * The parts, in scene order. Empty for label strategies until the labels are applied: call
   * `planParts` (which rebuilds the labelled meshes in place) to get the complete plan.
   */
  parts: PlannedPart[];
  /** True for a label strategy whose labels have not yet been applied to the document. */
  needsLabels: boolean;
  /** For a label strategy chosen by `auto`: what was found (attribute name, label count). */
  labels?: LabelSource;
  /** Parts that absorbed others (set by planParts; empty when nothing was merged). */
  merges?: PlanMerge[];
  /** For `colors`: the part colours found and the colours treated as blends (set by planParts). */
  colors?: ColorReport;
}

/**
 * Nodes whose world transform an animation drives: those a translation, rotation or scale channel
 * targets, and every node under them (a wheel under an animated axle moves with it, and its part
 * file must carry that motion: parts/general-part.ts).
 */
export function listAnimatedNodes(document: Document): Set<Node> {
  const animated = new Set<Node>();
  const pending: Node[] = [];
  for (const animation of document.getRoot().listAnimations()) {
    for (const channel of animation.listChannels()) {
      const target = channel.getTargetNode();
      if (target && channel.getTargetPath() !== 'weights') pending.push(target);
    }
  }
  // A loop, not recursion: a hierarchy 100,000 nodes deep must not overflow the stack (scene.ts).
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (animated.has(node)) continue;
    animated.add(node);
    for (const child of node.listChildren()) pending.push(child);
  }
  return animated;
}

/** Nodes that an animation moves ({@link listAnimatedNodes}) or whose morph weights it drives. */
export function listAnyAnimatedNodes(document: Document): Set<Node> {
  const animated = listAnimatedNodes(document);
  for (const animation of document.getRoot().listAnimations()) {
    for (const channel of animation.listChannels()) {
      const target = channel.getTargetNode();
      if (target) animated.add(target);
    }
  }
  return animated;
}

/** Whether several nodes may share one part file: a plain, static placement of the mesh. */
function isShareable(node: Node, animated: Set<Node>): boolean {
  return (
    !node.getSkin() && !animated.has(node) && node.listExtensions().length === 0 && !node.getWeights().length
  );
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Parts by node: one per mesh node, shared meshes grouped unless `instances` is `separate`. */
export function planByNodes(
  document: Document,
  scene: Scene | null,
  instances: InstancesMode,
): PlannedPart[] {
  const meshNodes = listMeshNodes(scene);
  const nodeIndex = new Map(
    document
      .getRoot()
      .listNodes()
      .map((node, i) => [node, i]),
  );
  const meshIndex = new Map(
    document
      .getRoot()
      .listMeshes()
      .map((mesh, i) => [mesh, i]),
  );
  const animated = listAnyAnimatedNodes(document);
  const usesPerMesh = new Map<Mesh, Node[]>();
  if (instances === 'shared') {
    for (const node of meshNodes) {
      if (!isShareable(node, animated)) continue;
      const mesh = node.getMesh()!;
      const list = usesPerMesh.get(mesh) ?? [];
      list.push(node);
      usesPerMesh.set(mesh, list);
    }
  }
  const parts: PlannedPart[] = [];
  const partOfNode = new Map<Node, PlannedPart>();
  for (const node of meshNodes) {
    if (partOfNode.has(node)) continue;
    const mesh = node.getMesh()!;
    const shared = usesPerMesh.get(mesh);
    if (shared && shared.length > 1 && shared.includes(node)) {
      const part: PlannedPart = {
        id: `mesh${meshIndex.get(mesh)}`,
        sourceName: mesh.getName() || node.getName(),
        mesh,
        primitive: null,
        nodes: shared,
        parent: null,
      };
      for (const placed of shared) partOfNode.set(placed, part);
      parts.push(part);
      continue;
    }
    const recorded = recordedSourceNames(node);
    const part: PlannedPart = {
      id: `node${nodeIndex.get(node)}`,
      sourceName: node.getName() || mesh.getName(),
      ...(recorded ? { sourceNames: recorded } : {}),
      mesh,
      primitive: null,
      nodes: [node],
      parent: null,
    };
    partOfNode.set(node, part);
    parts.push(part);
  }
  nameGenericParts(parts);
  for (const part of parts) {
    const parents = new Set(part.nodes.map((node) => enclosingPart(node, partOfNode)?.id ?? null));
    part.parent = parents.size === 1 ? [...parents][0]! : null;
  }
  return parts;
}

function enclosingPart(node: Node, partOfNode: Map<Node, PlannedPart>): PlannedPart | undefined {
  for (let parent = node.getParentNode(); parent; parent = parent.getParentNode()) {
    const part = partOfNode.get(parent);
    if (part) return part;
  }
  return undefined;
}

/** Parts by primitive of one mesh node. */
export function planByPrimitives(document: Document, node: Node): PlannedPart[] {
  const mesh = node.getMesh()!;
  const index = document.getRoot().listNodes().indexOf(node);
  return mesh.listPrimitives().map((primitive, j) => ({
    id: `node${index}.prim${j}`,
    sourceName: primitive.getMaterial()?.getName() ?? '',
    mesh,
    primitive,
    nodes: [node],
    parent: null,
  }));
}

/**
 * Plans the parts of a document's default scene (pure: the document is not changed).
 *
 * `auto` decides in this order: several mesh nodes → `nodes`; one mesh node with several primitives
 * that use different materials → `primitives`; a label attribute or per-face colours (blends where
 * parts meet allowed; labels/findLabelSource) → that label strategy; otherwise one part (`nodes`).
 * `bones` and `components` are never chosen here: a rig or loose pieces are no evidence of the parts
 * the model was made of, so they must be asked for (the offline segmenter, `segmentLocally`, uses
 * them). Label strategies return `needsLabels: true` and no parts: see `planParts`.
 */
export function detectParts(document: Document, options: DetectPartsOptions = {}): PartPlan {
  const { strategy, instances } = { ...SPLIT_DEFAULTS, ...options };
  const { scene, sceneNote } = selectScene(document);
  const meshNodes = listMeshNodes(scene);
  const base = { scene, ...(sceneNote ? { sceneNote } : {}) };
  const byNodes = (reason: (parts: number) => string): PartPlan => {
    const parts = planByNodes(document, scene, instances);
    return { ...base, strategy: 'nodes', reason: reason(parts.length), parts, needsLabels: false };
  };
  const only = meshNodes[0];
  if (strategy === 'nodes') return byNodes((parts) => byNodesReason(true, meshNodes.length, parts));
  if (strategy === 'primitives') {
    if (meshNodes.length !== 1 || !only) {
      throw new StrategyError(
        `the primitives strategy needs exactly one mesh node; this scene has ${meshNodes.length}`,
      );
    }
    const count = only.getMesh()!.listPrimitives().length;
    return {
      ...base,
      strategy: 'primitives',
      reason: `asked for: one part per primitive of the mesh (${plural(count, 'primitive')})`,
      parts: planByPrimitives(document, only),
      needsLabels: false,
    };
  }
  if (strategy !== 'auto') {
    return { ...base, strategy, reason: `asked for: split by ${strategy}`, parts: [], needsLabels: true };
  }
  if (meshNodes.length === 0) return { ...byNodes(() => 'the scene has no mesh nodes'), parts: [] };
  if (meshNodes.length > 1) return byNodes((parts) => byNodesReason(false, meshNodes.length, parts));
  const primitives = only!.getMesh()!.listPrimitives();
  // Primitives that all share one material are an exporter's chunks (a 65 535-vertex limit, say),
  // not parts the artist made: they fall through to labels, or stay one part.
  const materials = new Set(primitives.map((primitive) => primitive.getMaterial()));
  if (primitives.length > 1 && materials.size > 1) {
    return {
      ...base,
      strategy: 'primitives',
      reason: `one mesh node whose mesh has ${primitives.length} primitives with ${materials.size} materials: one part per primitive`,
      parts: planByPrimitives(document, only!),
      needsLabels: false,
    };
  }
  const labels = findLabelSource(document, options.labels);
  const chunks = primitives.length > 1 ? ` (its ${primitives.length} primitives share one material)` : '';
  if (labels)
    return {
      ...base,
      strategy: labels.strategy,
      reason: labels.reason,
      parts: [],
      needsLabels: true,
      labels,
    };
  return byNodes(() =>
    primitives.length > 1
      ? `one mesh node${chunks} and no labels: the model is one part`
      : 'one mesh node with one primitive and no labels: the model is one part',
  );
}
