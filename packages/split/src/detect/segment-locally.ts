import type { Document, Node } from '@gltf-transform/core';
import {
  type GranularityOptions,
  LABEL_DEFAULTS,
  type LabelOptions,
  type LabelStrategy,
  MIN_PART_AREA_DEFAULTS,
  type PartStrategy,
} from '../options.js';
import { listMeshNodes, selectScene } from '../scene.js';
import type { PlanMerge } from './detect-parts.js';
import { triangleAreas } from './granularity/label-geometry.js';
import type { ColorVotes } from './labels/color-blends.js';
import { componentTriangleLabels } from './labels/component-labels.js';
import { type ExplodeReport, explodeByLabels } from './labels/explode-by-labels.js';
import { findLabelSource } from './labels/find-label-source.js';
import { isTriangleList } from './labels/triangles.js';
import { recordSourceNames } from './part-names.js';
import { assertLabelsPresent } from './plan-parts.js';

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
  /** `nodes` (already segmented), a label strategy (`shape`, `colors`, ...), or `none` (no mesh). */
  strategy: PartStrategy | 'none';
  /** Mesh nodes in the scene afterwards: the parts a `nodes` split will produce. */
  parts: number;
  /** One sentence for the user: what was found and done. */
  reason: string;
  /** Parts that absorbed others (also recorded in the part nodes' extras for the split to list). */
  merges: PlanMerge[];
}

/**
 * Mesh nodes of the split scene, the parts a `nodes` split sees (listMeshNodes walks iteratively:
 * glTF-Transform's recursive `traverse` overflows the stack on a hierarchy 10,000 deep).
 */
function sceneMeshNodes(document: Document): Node[] {
  return listMeshNodes(selectScene(document).scene);
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
 * 3. separate shells (at least two pieces above the components' smallest part): connected components;
 * 4. otherwise one fused mesh, what AI generators write: `shape`, cut from its geometry alone.
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
  (document, labels) => {
    const pieces = significantPieces(document, labels.weldTolerance ?? LABEL_DEFAULTS.weldTolerance);
    return pieces > 1
      ? {
          strategy: 'components',
          found: `one mesh without label attribute, face colours or skin, in ${pieces} separate pieces: connected components, small pieces merged into their nearest neighbours`,
        }
      : {
          strategy: 'shape',
          found:
            'one fused mesh without label attribute, face colours, skin or separate pieces: cut by its shape (concave creases and narrow necks)',
        };
  },
];

/**
 * Separate pieces of the scene's mesh that are big enough to be parts (at least the components'
 * smallest part share of its surface, MIN_PART_AREA_DEFAULTS): specks and stray triangles do not
 * make a fused mesh a model of pieces.
 */
function significantPieces(document: Document, weldTolerance: number): number {
  const primitives = sceneMeshNodes(document).flatMap((node) =>
    node.getMesh()!.listPrimitives().filter(isTriangleList),
  );
  if (primitives.length === 0) return 0;
  const { labels, components } = componentTriangleLabels(primitives, { weldTolerance });
  const areas = new Float64Array(components);
  primitives.forEach((primitive, p) => {
    const triangles = triangleAreas(primitive);
    const own = labels[p]!;
    for (let t = 0; t < own.length; t++) areas[own[t]!]! += triangles[t]!;
  });
  const total = areas.reduce((sum, area) => sum + area, 0);
  const minimum = MIN_PART_AREA_DEFAULTS.components * total;
  return areas.filter((area) => area >= minimum && area > 0).length;
}

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
    assertLabelsPresent(document, requested, labelOptions.attribute);
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
