import { type Document, type mat4, type Node, VERSION } from '@gltf-transform/core';
import type { PlannedPart } from '../detect/detect-parts.js';
import { type Bounds, emptyBounds, expandPlacedBounds, finiteBounds } from '../geometry.js';
import { multiply } from '../math.js';
import type { PivotMode } from '../options.js';
import { DEFAULT_GENERATOR } from '../version.js';
import type { SourceIndex } from './source-index.js';

/**
 * What both part encoders (split-parts.ts, direct-part.ts) compute the same way: placements, the
 * bounds a pivot is measured on, and the asset information every part carries.
 */

/** Where one source node puts a part file. */
export interface Placement {
  /** The source node's name (may be empty). */
  node: string;
  /** The source node's index in the source document's node list (unambiguous where names repeat). */
  nodeIndex: number;
  /** Column-major 4×4: part file space → source world space. */
  matrix: number[];
}

export function placement(index: SourceIndex, node: Node, matrix: mat4): Placement {
  // -0 becomes 0: JSON writes both as 0, and the manifest read back must equal the one returned.
  const values = matrix.map((value) => (value === 0 ? 0 : value));
  return { node: node.getName(), nodeIndex: index.nodeIndex.get(node) ?? -1, matrix: values };
}

/** A static part's placements: each of its nodes' world matrix × P⁻¹ (P: the pivot offset). */
export function staticPlacements(index: SourceIndex, part: PlannedPart, inverseP: mat4): Placement[] {
  return part.nodes.map((node) => placement(index, node, multiply(index.worldOf(node), inverseP)));
}

/** What the manifest says about a part besides its contents: ids, names, its parent and its pivot. */
export function partIdentity(part: PlannedPart, name: string, pivot: PivotMode) {
  return { id: part.id, name, sourceName: part.sourceName, parent: part.parent, pivot };
}

/**
 * Bounds of the part's geometry in the space the pivot is measured in: the mesh's local space
 * (instances included), or for a skinned part the skeleton's world space.
 */
export function localBounds(part: PlannedPart, node: Node, worldOf: (node: Node) => mat4): Bounds {
  const bounds = emptyBounds();
  const primitives = part.primitive ? [part.primitive] : part.mesh.listPrimitives();
  for (const primitive of primitives) expandPlacedBounds(bounds, primitive, node, worldOf);
  return finiteBounds(bounds);
}

/** The `asset` object of a part file, and the root extras it carries. */
export interface PartAssetInfo {
  asset: { generator: string; copyright?: string; extras?: unknown };
  /** The source root's extras, when it has any. */
  rootExtras?: Record<string, unknown>;
}

/**
 * Copyright, asset extras (where exporters such as Sketchfab put author, licence and source) and the
 * root's extras go into every part: a part of a CC-BY model still needs its attribution. The generator
 * says which tool wrote the part. Fresh clones on every call: a part must not share objects with
 * another part or with the source.
 */
export function partAssetInfo(source: Document): PartAssetInfo {
  const from = source.getRoot().getAsset();
  const asset: PartAssetInfo['asset'] = { generator: `${DEFAULT_GENERATOR} (glTF-Transform ${VERSION})` };
  if (from.copyright) asset.copyright = from.copyright;
  if (from.extras !== undefined) asset.extras = structuredClone(from.extras);
  const extras = source.getRoot().getExtras();
  return Object.keys(extras).length > 0 ? { asset, rootExtras: structuredClone(extras) } : { asset };
}
