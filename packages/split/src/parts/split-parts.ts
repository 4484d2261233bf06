import type { Document } from '@gltf-transform/core';
import type { PartPlan } from '../detect/detect-parts.js';
import {
  canEncodeDirectly,
  type EncodedPart,
  encodePartDirectly,
  sourceAllowsDirect,
} from './direct-part.js';
import { planNames } from './plan-names.js';
import { indexSource } from './source-index.js';
import type { SplitPart, SplitPartsOptions } from './general-part.js';

/** Options for {@link iteratePackParts}. */
export interface PackPartsOptions extends SplitPartsOptions {
  /**
   * Use the direct encoder for the parts it covers (default true). False sends every part through a
   * Document and glTF-Transform's writer, e.g. when the caller brings its own IO settings.
   */
  direct?: boolean;
}

/**
 * The parts of a plan, ready for writePack, one at a time: each part is either encoded straight to
 * GLB bytes by the direct encoder (direct-part.ts: static meshes with core materials, which is what
 * segmented models hold) or, for anything else, split into its own Document by the general path
 * (split-parts.ts), which writePack then encodes with glTF-Transform. The general path, and the
 * @gltf-transform/functions module it needs, is loaded only when a part needs it.
 */
export async function* iteratePackParts(
  document: Document,
  plan: PartPlan,
  options: PackPartsOptions = {},
): AsyncGenerator<SplitPart | EncodedPart, void, undefined> {
  const pivot = options.pivot ?? 'original';
  const names = planNames(plan, options.names);
  const index = indexSource(document);
  const direct = options.direct !== false && sourceAllowsDirect(document);
  const logger = document.getLogger();
  let general: typeof import('./general-part.js') | undefined;
  for (const [i, part] of plan.parts.entries()) {
    const name = names[i]!;
    let split: SplitPart | EncodedPart;
    if (direct && canEncodeDirectly(index, part)) {
      split = encodePartDirectly(index, part, name, pivot);
    } else {
      general ??= await import('./general-part.js');
      split = general.splitOne(index, part, name, pivot);
    }
    logger.debug(
      `splitParts: ${split.name} (${part.id}): ${split.vertices} vertices, ${split.triangles} triangles, ` +
        `${split.placements.length} placement(s)${'bytes' in split ? ', encoded directly' : ''}`,
    );
    yield split;
  }
}
