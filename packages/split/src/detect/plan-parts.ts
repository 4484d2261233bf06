import type { Document } from '@gltf-transform/core';
import { NoLabelsError } from '../errors.js';
import type { LabelStrategy } from '../options.js';
import { type DetectPartsOptions, detectParts, type PartPlan } from './detect-parts.js';
import { explodeByLabels, findLabelAttribute } from './labels/index.js';

/** Options for {@link planParts}: detection options. */
export type PlanPartsOptions = DetectPartsOptions;

/** For an explicit `attribute` or `colors`: the labels must exist, else the split would be a no-op. */
function assertLabelsPresent(
  document: Document,
  strategy: LabelStrategy,
  attribute: string | undefined,
): void {
  if (strategy === 'components') return;
  const primitives = document
    .getRoot()
    .listMeshes()
    .flatMap((mesh) => mesh.listPrimitives());
  const present =
    strategy === 'attribute'
      ? primitives.some((primitive) => findLabelAttribute(primitive, attribute) !== null)
      : primitives.some((primitive) => primitive.getAttribute('COLOR_0') !== null);
  if (present) return;
  const what =
    strategy === 'colors'
      ? 'vertex colours (COLOR_0)'
      : attribute
        ? `a vertex attribute ${attribute}`
        : 'a label attribute (_PART_ID, _SEGMENT or _FEATURE_ID_n)';
  throw new NoLabelsError(`the ${strategy} strategy needs ${what}, and the model has none`);
}

/**
 * Plans the parts of a document, applying per-vertex labels when a label strategy is chosen.
 * Label strategies rebuild each labelled mesh node IN PLACE into one child node per label (Tripo's
 * layout, by `explodeByLabels`), then the document is planned by nodes; the returned plan keeps the
 * label strategy's name, with its reason and the number of parts. Callers that must keep the
 * document unchanged pass a clone. Throws {@link NoLabelsError} when an explicitly requested label
 * strategy finds no labels.
 */
export async function planParts(document: Document, options: PlanPartsOptions = {}): Promise<PartPlan> {
  const plan = detectParts(document, options);
  const logger = document.getLogger();
  logger.debug(`planParts: ${plan.strategy} (${plan.reason})${plan.sceneNote ? `; ${plan.sceneNote}` : ''}`);
  if (!plan.needsLabels) return plan;
  const strategy = plan.strategy as LabelStrategy;
  const { instances } = options;
  const labelOptions = { ...options.labels };
  const attribute = plan.labels?.attribute ?? labelOptions.attribute;
  if (attribute !== undefined) labelOptions.attribute = attribute;
  if (!plan.labels) assertLabelsPresent(document, strategy, attribute);
  await document.transform(explodeByLabels(strategy, labelOptions));
  const byNodes = detectParts(document, { strategy: 'nodes', ...(instances ? { instances } : {}) });
  const parts = byNodes.parts.length;
  return {
    ...byNodes,
    strategy,
    reason: `${plan.reason}; ${parts} part${parts === 1 ? '' : 's'}`,
    needsLabels: false,
    ...(plan.labels ? { labels: plan.labels } : {}),
  };
}
