import type { Document } from '@gltf-transform/core';
import { type PartPlan, type SplitPart, type SplitPartsOptions, splitParts } from '../../src/index.js';

/** Every part of a plan as its own Document (the general path), collected into an array. */
export async function partDocuments(
  document: Document,
  plan: PartPlan,
  options: Omit<SplitPartsOptions, 'direct'> = {},
): Promise<SplitPart[]> {
  const parts: SplitPart[] = [];
  for await (const part of splitParts(document, plan, { ...options, direct: false })) {
    if (!('document' in part)) throw new Error('the general path gave an encoded part');
    parts.push(part);
  }
  return parts;
}
