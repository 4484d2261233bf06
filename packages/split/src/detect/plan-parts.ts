import type { Document, Node } from '@gltf-transform/core';
import { NoLabelsError } from '../errors.js';
import { LABEL_STRATEGIES, type LabelStrategy, type PartStrategy, resolveGranularity } from '../options.js';
import { type DetectPartsOptions, detectParts, type PartPlan, type PlanMerge } from './detect-parts.js';
import { mergePlannedParts } from './granularity/merge-nodes.js';
import { type ExplodeReport, explodeByLabels, findLabelAttribute } from './labels/index.js';
import { clearRecordedSourceNames } from './part-names.js';

/** Options for {@link planParts}: detection options. */
export type PlanPartsOptions = DetectPartsOptions;

/**
 * For an explicit label strategy: the labels must exist, else the split would be a no-op. Shared by
 * planParts and segmentLocally (an explicit strategy fails alike in `split` and in `run`).
 * @throws NoLabelsError
 */
export function assertLabelsPresent(
  document: Document,
  strategy: LabelStrategy,
  attribute: string | undefined,
): void {
  // Pieces and shape need nothing but triangles: any mesh can be cut by them.
  if (strategy === 'components' || strategy === 'shape') return;
  const root = document.getRoot();
  const primitives = root.listMeshes().flatMap((mesh) => mesh.listPrimitives());
  const present =
    strategy === 'attribute'
      ? primitives.some((primitive) => findLabelAttribute(primitive, attribute) !== null)
      : strategy === 'bones'
        ? root.listNodes().some((node) => node.getSkin() && node.getMesh()) &&
          primitives.some(
            (primitive) => primitive.getAttribute('JOINTS_0') && primitive.getAttribute('WEIGHTS_0'),
          )
        : primitives.some((primitive) => primitive.getAttribute('COLOR_0') !== null);
  if (present) return;
  const what =
    strategy === 'colors'
      ? 'vertex colours (COLOR_0)'
      : strategy === 'bones'
        ? 'a skinned mesh (a skin, JOINTS_0 and WEIGHTS_0)'
        : attribute
          ? `a vertex attribute ${attribute}`
          : 'a label attribute (_PART_ID, _SEGMENT or _FEATURE_ID_n)';
  throw new NoLabelsError(`the ${strategy} strategy needs ${what}, and the model has none`);
}

function isLabelStrategy(strategy: PartStrategy): strategy is LabelStrategy {
  return (LABEL_STRATEGIES as readonly string[]).includes(strategy);
}

/** What `auto` found, without the votes it took (used once, by the split). */
function withoutVotes(source: NonNullable<PartPlan['labels']>): NonNullable<PartPlan['labels']> {
  const { colorVotes: _votes, ...rest } = source;
  return rest;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * Plans the parts of a document, applying per-vertex labels when a label strategy is chosen, then
 * granularity (small parts merged into neighbours: see granularity/), whatever the strategy.
 *
 * - Label strategies rebuild each labelled mesh node IN PLACE into one child node per label (Tripo's
 *   layout, by `explodeByLabels`, which also merges small labels into their neighbours), then the
 *   document is planned by nodes; the returned plan keeps the label strategy's name, with its reason
 *   and the number of parts.
 * - Parts found by structure (`nodes`, `primitives`, and the label parts when `minPartArea` or
 *   `targetParts` is given) merge IN PLACE too (mergePlannedParts): the smaller part's geometry moves
 *   into its neighbour's node.
 *
 * Merged parts keep the name of their largest constituent and list every constituent in
 * `sourceNames`; `merges` and, for colours, `colors` say what was done. Callers that must keep the
 * document unchanged pass a clone. Throws {@link NoLabelsError} when an explicitly requested label
 * strategy finds no labels.
 */
export async function planParts(document: Document, options: PlanPartsOptions = {}): Promise<PartPlan> {
  const first = detectParts(document, options);
  const logger = document.getLogger();
  logger.debug(
    `planParts: ${first.strategy} (${first.reason})${first.sceneNote ? `; ${first.sceneNote}` : ''}`,
  );
  const { instances } = options;
  const byNodes = () => detectParts(document, { strategy: 'nodes', ...(instances ? { instances } : {}) });
  const report: ExplodeReport = { merges: [], sourceNames: new Map() };
  let plan = first;
  if (first.needsLabels) {
    const strategy = first.strategy as LabelStrategy;
    const labelOptions = { ...options.labels };
    const attribute = first.labels?.attribute ?? labelOptions.attribute;
    if (attribute !== undefined) labelOptions.attribute = attribute;
    if (!first.labels) assertLabelsPresent(document, strategy, attribute);
    await document.transform(
      explodeByLabels(strategy, labelOptions, {
        ...(options.granularity ? { granularity: options.granularity } : {}),
        ...(first.labels?.colorVotes ? { colorVotes: first.labels.colorVotes } : {}),
        report,
      }),
    );
    plan = { ...byNodes(), strategy, reason: first.reason, needsLabels: false };
  }
  // Label strategies merged their labels above with their own defaults; across nodes, only what
  // the user asked for. Structure strategies merge here with theirs (nodes keep every node).
  const granularity = isLabelStrategy(plan.strategy)
    ? resolveGranularity('nodes', options.granularity)
    : resolveGranularity(plan.strategy, options.granularity);
  const merged = await mergePlannedParts(document, plan.parts, granularity);
  if (merged.merges.length > 0) plan = { ...byNodes(), strategy: plan.strategy, reason: plan.reason };
  const sourceNames = new Map<Node, string[]>([...report.sourceNames, ...merged.sourceNames]);
  for (const part of plan.parts) {
    const node = part.nodes[0]!;
    const names = sourceNames.get(node);
    if (names && part.nodes.length === 1) part.sourceNames = names;
    // The offline segmenter's record was read into the plan: part files do not carry it.
    for (const placed of part.nodes) clearRecordedSourceNames(placed);
  }
  const merges: PlanMerge[] = [...report.merges, ...merged.merges];
  const count = plan.parts.length;
  const mergedNote =
    merges.length > 0
      ? `; ${plural(
          merges.reduce((sum, m) => sum + m.sourceNames.length - 1, 0),
          'small part',
        )} merged into neighbours`
      : '';
  const reason =
    first.needsLabels || merges.length > 0
      ? `${plan.reason}${mergedNote}; ${plural(count, 'part')}`
      : plan.reason;
  return {
    ...plan,
    reason,
    needsLabels: false,
    ...(first.labels ? { labels: withoutVotes(first.labels) } : {}),
    merges,
    ...(report.colors ? { colors: report.colors } : {}),
  };
}
