import {
  type Document,
  type Mesh,
  type mat4,
  type Node,
  type Primitive,
  Primitive as PrimitiveClass,
} from '@gltf-transform/core';
import { createWorldMatrices } from '../../geometry.js';
import { multiply, transformPointInto, tryInvert } from '../../math.js';
import type { ResolvedGranularity } from '../../options.js';
import { listAnyAnimatedNodes, type PlannedPart } from '../detect-parts.js';
import { isTriangleList } from '../labels/triangles.js';
import { slotBoundaries, triangleAreas } from './label-geometry.js';
import { type MergedGroup, type MergeReason, mergeGroups } from './merge-groups.js';
import { areaScale, meshArea } from './model-area.js';
import { SurfaceSamples } from './surface-samples.js';
import { transformPrimitiveInPlace } from './transform-primitive.js';

/** One merge of parts found by structure (nodes, primitives), for `inspect` and the manifest. */
export interface PartMerge {
  /** The source name the part keeps (its largest constituent's). */
  into: string;
  /** Every constituent's source name, the kept one first, then by decreasing area. */
  sourceNames: string[];
  reason: MergeReason;
}

/** What {@link mergePlannedParts} did: the merges, and the constituents of each node that absorbed others. */
export interface PartMergeResult {
  merges: PartMerge[];
  /** For each node that now holds merged parts: its constituents' source names (its own first). */
  sourceNames: Map<Node, string[]>;
}

/**
 * Whether a part of a `nodes` plan may be merged (into or from): one static placement of a mesh no
 * other node uses, triangle lists, points or lines (no strips: their winding cannot be mirrored
 * simply), no morph targets, an invertible world matrix. Skinned, animated, instanced and shared
 * parts keep their own file: their geometry cannot move into another node's.
 */
function isMergeableNode(part: PlannedPart, animated: Set<Node>, world: mat4): boolean {
  if (part.primitive || part.nodes.length !== 1) return false;
  const node = part.nodes[0]!;
  if (
    node.getSkin() ||
    animated.has(node) ||
    node.getWeights().length > 0 ||
    node.listExtensions().length > 0
  )
    return false;
  if (part.mesh.listParents().filter((parent) => parent.propertyType === 'Node').length !== 1) return false;
  for (const primitive of part.mesh.listPrimitives()) {
    if (primitive.listTargets().length > 0) return false;
    const mode = primitive.getMode();
    if (mode === PrimitiveClass.Mode.TRIANGLE_STRIP || mode === PrimitiveClass.Mode.TRIANGLE_FAN)
      return false;
  }
  return tryInvert(world) !== null;
}

/**
 * Applies granularity to a plan found by structure (`nodes`, or `primitives` of one mesh), IN PLACE:
 * - `nodes`: parts under `minPartArea` of the model's surface, then the smallest until `targetParts`
 *   remain, merge into the part with the nearest surface (separate nodes share no boundary); the
 *   merged geometry moves into the largest constituent's node (transformed into its space; winding
 *   reversed across a mirror), and the other nodes keep their transforms and children but no mesh.
 * - `primitives`: primitives merge into the one they share the longest welded boundary with (else
 *   the nearest); each group becomes one child node of the mesh node, holding the group's primitives.
 * Returns what was merged; the caller plans the document again.
 */
export async function mergePlannedParts(
  document: Document,
  parts: readonly PlannedPart[],
  granularity: ResolvedGranularity,
): Promise<PartMergeResult> {
  const none: PartMergeResult = { merges: [], sourceNames: new Map() };
  if (parts.length < 2 || (granularity.minPartArea === 0 && granularity.targetParts === null)) return none;
  const byPrimitive = parts.every((part) => part.primitive !== null);
  const worldOf = createWorldMatrices();
  const animated = listAnyAnimatedNodes(document);
  const fixed = parts.map(
    (part) => !byPrimitive && !isMergeableNode(part, animated, worldOf(part.nodes[0]!)),
  );
  const areas = parts.map((part) => {
    if (part.primitive) return primitiveArea(part.primitive);
    const node = part.nodes[0]!;
    return meshArea(part.mesh) * areaScale(node, worldOf(node)) * part.nodes.length;
  });
  const total = areas.reduce((sum, area) => sum + area, 0);
  if (!(total > 0)) return none;
  const minArea = granularity.minPartArea * total;
  const mergeable = parts.filter((_, i) => !fixed[i]).length;
  const needed =
    areas.some((area, i) => !fixed[i] && area < minArea) ||
    (granularity.targetParts !== null && parts.length > granularity.targetParts && mergeable > 1);
  if (!needed) return none;
  let samples: SurfaceSamples | null = null;
  const boundaries = byPrimitive
    ? slotBoundaries(
        new Map(
          parts.map((part, i) => [
            part.primitive!,
            new Uint32Array(triangleAreas(part.primitive!).length).fill(i),
          ]),
        ),
        parts.length,
        1e-4,
      )
    : null;
  const plan = mergeGroups(
    areas,
    fixed,
    {
      boundaries,
      nearest: (members, allowed) => {
        samples ??= partSamples(parts, fixed, worldOf, byPrimitive);
        return samples.nearest(members, allowed);
      },
    },
    { minArea, targetParts: granularity.targetParts },
  );
  if (plan.merged.length === 0) return none;
  const merges = plan.merged.map((group) => ({
    into: parts[group.host]!.sourceName,
    sourceNames: group.members.map((m) => parts[m]!.sourceName),
    reason: group.reason,
  }));
  const sourceNames = new Map<Node, string[]>();
  if (byPrimitive) regroupPrimitives(document, parts, plan.hostOf, plan.merged, sourceNames);
  else {
    for (const group of plan.merged) {
      const host = parts[group.host]!;
      const hostNode = host.nodes[0]!;
      const toHost = tryInvert(worldOf(hostNode))!;
      for (const member of group.members.slice(1)) {
        const part = parts[member]!;
        const node = part.nodes[0]!;
        const relative = multiply(toHost, worldOf(node));
        for (const primitive of part.mesh.listPrimitives()) {
          part.mesh.removePrimitive(primitive);
          transformPrimitiveInPlace(primitive, relative);
          host.mesh.addPrimitive(primitive);
        }
        node.setMesh(null);
        part.mesh.dispose();
      }
      sourceNames.set(hostNode, merges[plan.merged.indexOf(group)]!.sourceNames);
    }
  }
  return { merges, sourceNames };
}

function primitiveArea(primitive: Primitive): number {
  if (!isTriangleList(primitive)) return 0;
  return triangleAreas(primitive).reduce((sum, area) => sum + area, 0);
}

/** Surface samples of the mergeable parts: world space for nodes, the mesh's space for primitives. */
function partSamples(
  parts: readonly PlannedPart[],
  fixed: readonly boolean[],
  worldOf: (node: Node) => mat4,
  local: boolean,
): SurfaceSamples {
  const samples = new SurfaceSamples(parts.length);
  const soups = parts.map((part, i) => {
    if (fixed[i]) return null;
    const primitives = part.primitive ? [part.primitive] : part.mesh.listPrimitives();
    const matrix = local ? null : worldOf(part.nodes[0]!);
    return primitives.filter(isTriangleList).map((primitive) => triangleSoup(primitive, matrix));
  });
  for (const soup of soups)
    for (const triangles of soup ?? [])
      for (let i = 0; i < triangles.length; i += 3)
        samples.extend(triangles[i]!, triangles[i + 1]!, triangles[i + 2]!);
  samples.setSpacing();
  soups.forEach((soup, part) => {
    for (const triangles of soup ?? []) {
      for (let i = 0; i < triangles.length; i += 9)
        samples.addTriangle(
          part,
          triangles.subarray(i, i + 3),
          triangles.subarray(i + 3, i + 6),
          triangles.subarray(i + 6, i + 9),
        );
    }
  });
  return samples;
}

/** The triangles of a triangle list as 9 numbers each, placed by `matrix` when given. */
function triangleSoup(primitive: Primitive, matrix: mat4 | null): Float64Array {
  const position = primitive.getAttribute('POSITION')!;
  const indices = primitive.getIndices()?.getArray();
  const count = indices
    ? indices.length - (indices.length % 3)
    : position.getCount() - (position.getCount() % 3);
  const out = new Float64Array(count * 3);
  const point = [0, 0, 0];
  for (let i = 0; i < count; i++) {
    position.getElement(indices ? indices[i]! : i, point);
    if (matrix) transformPointInto(matrix, point[0]!, point[1]!, point[2]!, out, 3 * i);
    else out.set(point, 3 * i);
  }
  return out;
}

/**
 * The `primitives` plan after merging: the mesh node's primitives regrouped into one child node per
 * group (identity transform, the node's skin, weights and instancing), named after the group's
 * largest primitive's part, which the plan by nodes then finds.
 */
function regroupPrimitives(
  document: Document,
  parts: readonly PlannedPart[],
  hostOf: Uint32Array,
  merged: readonly MergedGroup[],
  sourceNames: Map<Node, string[]>,
): void {
  // Constituents by decreasing area, as the merge plan lists them.
  const order = new Map(merged.map((group) => [group.host, group.members]));
  const node = parts[0]!.nodes[0]!;
  const mesh: Mesh = parts[0]!.mesh;
  const groups = new Map<number, number[]>();
  hostOf.forEach((host, i) => {
    groups.set(host, [...(groups.get(host) ?? []), i]);
  });
  for (const [host, members] of [...groups].sort((a, b) => a[0] - b[0])) {
    const name = parts[host]!.sourceName || parts[host]!.id;
    const groupMesh = document
      .createMesh(name)
      .setWeights([...mesh.getWeights()])
      .setExtras({ ...mesh.getExtras() });
    for (const member of members) {
      const primitive = parts[member]!.primitive!;
      mesh.removePrimitive(primitive);
      groupMesh.addPrimitive(primitive);
    }
    const child = document
      .createNode(name)
      .setMesh(groupMesh)
      .setSkin(node.getSkin())
      .setWeights([...node.getWeights()]);
    const instancing = node.getExtension('EXT_mesh_gpu_instancing');
    if (instancing) child.setExtension('EXT_mesh_gpu_instancing', instancing);
    node.addChild(child);
    const constituents = order.get(host);
    if (constituents)
      sourceNames.set(
        child,
        constituents.map((m) => parts[m]!.sourceName),
      );
  }
  node.setMesh(null).setSkin(null).setWeights([]).setExtension('EXT_mesh_gpu_instancing', null);
  mesh.dispose();
}
