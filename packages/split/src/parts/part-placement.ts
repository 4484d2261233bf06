import { type Document, type mat4, type Node, VERSION } from '@gltf-transform/core';
import type { PlannedPart } from '../detect/detect-parts.js';
import type { PivotMode } from '../options.js';
import { partCopyright, type SourceInfo, sourceInfoOf } from '../pack/source-credits.js';
import { DEFAULT_GENERATOR } from '../version.js';
import type { SourceIndex } from './source-index.js';

/**
 * What both part encoders (general-part.ts, direct-part.ts) record the same way: placements, the
 * part's identity in the manifest, and the asset information every part carries (frames and the
 * placements they give: part-frame.ts).
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

/** A placement record; `matrix`: part file space → source world space. */
export function placement(index: SourceIndex, node: Node, matrix: mat4): Placement {
  return placementOf(node.getName(), index.nodeIndex.get(node) ?? -1, matrix);
}

/** A placement record from the node's name and index (see {@link placement}). */
export function placementOf(node: string, nodeIndex: number, matrix: mat4): Placement {
  // -0 becomes 0: JSON writes both as 0, and the manifest read back must equal the one returned.
  const values = matrix.map((value) => (value === 0 ? 0 : value));
  return { node, nodeIndex, matrix: values };
}

/** What the manifest says about a part besides its contents: ids, names, its parent and its pivot. */
export function partIdentity(
  part: Pick<PlannedPart, 'id' | 'sourceName' | 'parent'>,
  name: string,
  pivot: PivotMode,
) {
  return { id: part.id, name, sourceName: part.sourceName, parent: part.parent, pivot };
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
  return partAssetInfoOf(sourceInfoOf(source));
}

/** {@link partAssetInfo} from the source's asset and root extras, however they were read. */
export function partAssetInfoOf(source: SourceInfo): PartAssetInfo {
  const asset: PartAssetInfo['asset'] = { generator: `${DEFAULT_GENERATOR} (glTF-Transform ${VERSION})` };
  // The source's copyright, else its credit and licence (asset extras): a part shared alone still
  // says whom to credit and under which terms.
  const copyright = partCopyright(source);
  if (copyright) asset.copyright = copyright;
  if (source.asset.extras !== undefined) asset.extras = structuredClone(source.asset.extras);
  const extras = source.extras;
  return Object.keys(extras).length > 0 ? { asset, rootExtras: structuredClone(extras) } : { asset };
}
