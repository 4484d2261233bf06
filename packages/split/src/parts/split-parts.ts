import type { Document } from '@gltf-transform/core';
import type { PartPlan } from '../detect/detect-parts.js';
import { type PivotMode, SPLIT_DEFAULTS } from '../options.js';
import {
  canEncodeDirectly,
  type EncodedPart,
  encodePartDirectly,
  sourceAllowsDirect,
} from './direct-part.js';
import type { SplitPart } from './general-part.js';
import { planNames } from './plan-names.js';
import { indexSource } from './source-index.js';

/** Options for {@link splitParts}. */
export interface SplitPartsOptions {
  /** Part file origins. Default `original`. */
  pivot?: PivotMode;
  /** Final part names, in plan order (from `nameParts`). Default: `nameParts` with its defaults. */
  names?: readonly string[];
  /**
   * Use the direct encoder for the parts it covers (default true). False gives every part as a
   * Document (the general path), for a caller that writes with its own IO settings or wants to
   * work on the part documents.
   */
  direct?: boolean;
}

/**
 * One part ready for writePack: already encoded GLB bytes, or a Document for glTF-Transform's writer;
 * `sourceNames` when it absorbed smaller parts (granularity).
 */
export type PackPart = (SplitPart | EncodedPart) & { sourceNames?: string[] };

/**
 * The parts of a plan, one at a time, so a consumer that writes and drops each (writePack) holds one
 * part in memory, not all of them. Each part is either encoded straight to GLB bytes by the direct
 * encoder (direct-part.ts: static meshes with core materials, which is what segmented models hold)
 * or, for anything else, copied into its own Document by the general path (general-part.ts), which
 * writePack then encodes with glTF-Transform. The general path, and the @gltf-transform/functions
 * module it needs, is loaded only when a part needs it. The source document is not modified.
 *
 * Names are checked before the first part is made (one per part; a label plan must have its labels
 * applied: see planParts).
 */
export async function* splitParts(
  document: Document,
  plan: PartPlan,
  options: SplitPartsOptions = {},
): AsyncGenerator<PackPart, void, undefined> {
  const pivot = options.pivot ?? SPLIT_DEFAULTS.pivot;
  const names = planNames(plan, options.names);
  const index = indexSource(document);
  const direct = options.direct !== false && sourceAllowsDirect(document);
  const logger = document.getLogger();
  let general: typeof import('./general-part.js') | undefined;
  for (const [i, part] of plan.parts.entries()) {
    const name = names[i]!;
    let split: PackPart;
    if (direct && canEncodeDirectly(index, part)) {
      split = encodePartDirectly(index, part, name, pivot);
    } else {
      general ??= await import('./general-part.js');
      split = general.splitPartDocument(index, part, name, pivot);
    }
    // The constituents of a merged part travel with it to the manifest (writePack).
    if (part.sourceNames) split.sourceNames = part.sourceNames;
    logger.debug(
      `splitParts: ${split.name} (${part.id}): ${split.vertices} vertices, ${split.triangles} triangles, ` +
        `${split.placements.length} placement(s)${'bytes' in split ? ', encoded directly' : ''}`,
    );
    yield split;
  }
}
