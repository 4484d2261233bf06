import type { Document, Node } from '@gltf-transform/core';
import type { GranularityOptions, LabelOptions, LabelStrategy } from '../options.js';
import type { PlanMerge } from './detect-parts.js';
import type { ColorVotes } from './labels/color-blends.js';
import { type ExplodeReport, explodeByLabels } from './labels/explode-by-labels.js';
import { findLabelSource } from './labels/find-label-source.js';
import { recordSourceNames } from './part-names.js';

/** Options of {@link segmentLocally}: the strategy (`auto` by default), label options, granularity. */
export interface SegmentLocallyOptions {
  strategy?: 'auto' | LabelStrategy;
  labels?: LabelOptions;
  /** Small parts merge into neighbours (default: the chosen strategy's, MIN_PART_AREA_DEFAULTS). */
  granularity?: GranularityOptions;
}

/** What {@link segmentLocally} did. */
export interface SegmentLocallyResult {
  /** The same document, now in Tripo's layout. */
  document: Document;
  /** `nodes` (already segmented), `attribute`, `colors`, `bones`, `components`, or `none` (no mesh). */
  strategy: string;
  /** Mesh nodes in the scene afterwards: the parts a `nodes` split will produce. */
  parts: number;
  /** One sentence for the user: what was found and done. */
  reason: string;
  /** Parts that absorbed others (also recorded in the part nodes' extras for the split to list). */
  merges: PlanMerge[];
}

/** Mesh nodes of the default scene (else the first scene), the parts a `nodes` split sees. */
function sceneMeshNodes(document: Document): Node[] {
  const root = document.getRoot();
  const scene = root.getDefaultScene() ?? root.listScenes()[0];
  const found: Node[] = [];
  scene?.traverse((node) => {
    if (node.getMesh()) found.push(node);
  });
  return found;
}

/** One step of `auto`: a strategy and why, or null to try the next. */
type AutoStep = (
  document: Document,
  labels: LabelOptions,
) => { strategy: LabelStrategy; found: string; labels?: LabelOptions; colorVotes?: ColorVotes } | null;

/**
 * `auto`'s decision order, tried in turn (the first that applies wins):
 * 1. labels the segmenter wrote: a label attribute, then face colours (blends allowed);
 * 2. a single skinned mesh: cut by bones;
 * 3. separate shells: connected components.
 * A geometric segmenter (`shape`) goes last, after shells. When none applies the model stays whole.
 */
const AUTO_STEPS: readonly AutoStep[] = [
  (document, labels) => {
    const source = findLabelSource(document, labels);
    if (!source) return null;
    return {
      strategy: source.strategy,
      found: source.reason,
      ...(source.attribute ? { labels: { ...labels, attribute: source.attribute } } : {}),
      ...(source.colorVotes ? { colorVotes: source.colorVotes } : {}),
    };
  },
  (document) => {
    const nodes = sceneMeshNodes(document);
    const only = nodes.length === 1 ? nodes[0]! : null;
    const skinned =
      only?.getSkin() &&
      only
        .getMesh()!
        .listPrimitives()
        .some((primitive) => primitive.getAttribute('JOINTS_0') && primitive.getAttribute('WEIGHTS_0'));
    return skinned
      ? {
          strategy: 'bones',
          found: `one skinned mesh (${only!.getSkin()!.listJoints().length} joints): cut by the joint that dominates each triangle`,
        }
      : null;
  },
  () => ({
    strategy: 'components',
    found:
      'one mesh without label attribute, face colours or skin: connected components, small pieces merged into their nearest neighbours',
  }),
];

/**
 * The offline segmenter: turn a model into Tripo's layout (one named mesh node per part) from
 * its geometry alone, so that `detectParts(document, { strategy: 'nodes' })` splits it.
 *
 * With `auto` (default): a model that already has several mesh nodes is returned as it is
 * (`nodes`); otherwise the first of {@link AUTO_STEPS} that applies: a label attribute or face
 * colours, bones for a single skinned mesh, connected components. An explicit strategy is applied as
 * asked. Small parts merge into neighbours by area (granularity); the constituents of a merged part
 * are recorded in its node's extras (`meshparts.sourceNames`), which the split lists in the
 * manifest and leaves out of the part files.
 *
 * Works IN PLACE on `document` and returns it: the pipeline owns the document it has just read,
 * and a copy of a large model would double its memory for nothing. Clone first to keep the input.
 */
export async function segmentLocally(
  document: Document,
  options: SegmentLocallyOptions = {},
): Promise<SegmentLocallyResult> {
  const requested = options.strategy ?? 'auto';
  let labelOptions: LabelOptions = { ...options.labels };
  const before = sceneMeshNodes(document);
  if (before.length === 0) {
    return { document, strategy: 'none', parts: 0, reason: 'the model has no mesh in its scene', merges: [] };
  }
  if (requested === 'auto' && before.length > 1) {
    return {
      document,
      strategy: 'nodes',
      parts: before.length,
      reason: `the model already has ${before.length} mesh nodes (Tripo's layout): kept as they are`,
      merges: [],
    };
  }
  let strategy: LabelStrategy;
  let found: string;
  let colorVotes: ColorVotes | undefined;
  if (requested === 'auto') {
    let step: ReturnType<AutoStep> = null;
    for (const next of AUTO_STEPS) {
      step = next(document, labelOptions);
      if (step) break;
    }
    // The last step always applies.
    strategy = step!.strategy;
    found = step!.found;
    if (step!.labels) labelOptions = step!.labels;
    colorVotes = step!.colorVotes;
  } else {
    strategy = requested;
    found = `strategy ${requested} requested`;
  }
  const report: ExplodeReport = { merges: [], sourceNames: new Map() };
  await document.transform(
    explodeByLabels(strategy, labelOptions, {
      ...(options.granularity ? { granularity: options.granularity } : {}),
      ...(colorVotes ? { colorVotes } : {}),
      report,
    }),
  );
  for (const [node, names] of report.sourceNames) recordSourceNames(node, names);
  const parts = sceneMeshNodes(document).length;
  const merged = report.merges.reduce((sum, merge) => sum + merge.sourceNames.length - 1, 0);
  const mergedNote =
    merged > 0 ? `; ${merged} small part${merged === 1 ? '' : 's'} merged into neighbours` : '';
  return {
    document,
    strategy,
    parts,
    reason: `${found}${mergedNote}; ${parts} part${parts === 1 ? '' : 's'}`,
    merges: report.merges,
  };
}
