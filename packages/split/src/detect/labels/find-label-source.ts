import type { Document, Primitive } from '@gltf-transform/core';
import { type LabelOptions, type LabelStrategy, resolveLabelOptions } from '../../options.js';
import { addDistinct, attributeLabelsOf } from './attribute-labels.js';
import { smallAttributeLabels } from './attribute-slots.js';
import { type ColorVotes, voteColors } from './color-blends.js';
import { isTriangleList } from './triangles.js';

/** What {@link findLabelSource} found, for `auto` and for telling the user why. */
export interface LabelSource {
  strategy: LabelStrategy;
  /** The label attribute, for `attribute`. */
  attribute?: string;
  /** Distinct labels over the document's meshes. */
  labelCount: number;
  /** One human sentence: what was found. */
  reason: string;
  /** For `colors`: the votes already taken, which the split reuses (the colours are read once). */
  colorVotes?: ColorVotes;
}
/**
 * Share of triangles whose three corners must all carry the face's colour (as that colour, or in a
 * blend of it: see color-blends.ts) for vertex colours to count as a per-face segmentation.
 * Colour-coded segmenters write every face flat (1.0), or flat but for the blends where parts meet
 * (trimesh: still 1.0); painted or baked vertex colours (gradients, AO) on a welded mesh fall far
 * below 0.9.
 */
export const FLAT_FACE_RATIO = 0.9;

/**
 * What `auto` can split by, from the data alone, looking at every triangle-list primitive of the
 * document's meshes:
 * 1. a label attribute (`options.attribute`, else `_PART_ID`, `_SEGMENT`, `_FEATURE_ID_n`) with
 *    at least two distinct triangle labels → `attribute` (`attribute` names it when one
 *    attribute is used by every labelled primitive);
 * 2. COLOR_0 where at least {@link FLAT_FACE_RATIO} of triangles are flat (blends where parts
 *    meet allowed) and there are 2 to `maxColors` part colours (blends not counted) → `colors`;
 * otherwise `null` (one part, or `components` when the user asks for it: connected pieces are
 * no evidence of intended parts, so `auto` never picks them).
 */
export function findLabelSource(document: Document, options: LabelOptions = {}): LabelSource | null {
  const { maxColors, colorTolerance: tolerance } = resolveLabelOptions(options);
  const primitives = document
    .getRoot()
    .listMeshes()
    .flatMap((mesh) => mesh.listPrimitives())
    .filter(isTriangleList);

  const byAttribute = attributeLabelCount(primitives, options.attribute);
  if (byAttribute.count >= 2) {
    const names = [...byAttribute.semantics];
    return {
      strategy: 'attribute',
      // Named only when one attribute is used throughout: with several (`_PART_ID` here,
      // `_SEGMENT` there), each primitive keeps its own default choice.
      ...(names.length === 1 ? { attribute: names[0]! } : {}),
      labelCount: byAttribute.count,
      reason: `vertex attribute ${names.join(', ')} labels the triangles with ${byAttribute.count} distinct values`,
    };
  }

  const votes = voteColors(primitives, tolerance, maxColors);
  if (!votes) return null;
  const colors = new Set<number>();
  for (const labels of votes.labels.values()) addDistinct(colors, labels);
  const { clean, triangles } = votes;
  if (triangles > 0 && clean / triangles >= FLAT_FACE_RATIO && colors.size >= 2 && colors.size <= maxColors) {
    const blends = votes.analysis.blends.length;
    return {
      strategy: 'colors',
      labelCount: colors.size,
      reason:
        `${Math.round((100 * clean) / triangles)}% of triangles have one flat vertex colour, ${colors.size} part colours (at most ${maxColors})` +
        (blends > 0 ? `, ${blends} blended colour${blends === 1 ? '' : 's'} where parts meet` : ''),
      colorVotes: votes,
    };
  }
  return null;
}

/**
 * Distinct triangle labels over the primitives' label attributes, and the attributes used: from
 * the integer fast path when it applies (a bitmap to count, no Float64Array), else the general one.
 */
function attributeLabelCount(
  primitives: readonly Primitive[],
  requested: string | undefined,
): { count: number; semantics: Set<string> } {
  const small = smallAttributeLabels(primitives, requested);
  if (small) {
    let count = 0;
    for (let value = 0; value < small.present.length; value++) count += small.present[value]!;
    return { count, semantics: small.semantics };
  }
  const general = attributeLabelsOf(primitives, requested);
  const distinct = new Set<number>();
  for (const labels of general.labels.values()) addDistinct(distinct, labels);
  return { count: distinct.size, semantics: general.semantics };
}
