import type { PartPlan } from '../detect/detect-parts.js';
import { nameParts } from '../pack/naming/index.js';

/**
 * The final names of a plan's parts: the given ones (checked: one per part), else `nameParts` with
 * its defaults. Also refuses a label plan whose labels were not applied. Both part iterators start
 * here, before the first part is made.
 */
export function planNames(plan: PartPlan, names: readonly string[] | undefined): readonly string[] {
  if (plan.needsLabels) {
    throw new Error(`the ${plan.strategy} plan needs its labels applied first (use planParts)`);
  }
  const resolved =
    names ??
    nameParts(plan.parts.map((part, index) => ({ sourceName: part.sourceName, index, id: part.id })));
  if (resolved.length !== plan.parts.length) {
    throw new Error(`got ${resolved.length} names for ${plan.parts.length} parts`);
  }
  return resolved;
}
