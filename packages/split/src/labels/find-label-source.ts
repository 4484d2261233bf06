import type { Document } from '@gltf-transform/core';
import { addDistinct, attributeLabelsOf } from './attribute-labels.js';
import { colorTriangleLabels, createColorPalette } from './color-labels.js';
import { type LabelOptions, type LabelSource, resolveLabelOptions } from './options.js';
import { isTriangleList } from './triangles.js';

/**
 * Share of triangles whose three vertices must have one quantised colour for vertex colours
 * to count as a per-face segmentation. Colour-coded segmenters write every face flat (1.0);
 * painted or baked vertex colours (gradients, AO) on a welded mesh fall far below 0.9.
 */
export const FLAT_FACE_RATIO = 0.9;

/**
 * What `auto` can split by, from the data alone, looking at every triangle-list primitive of the
 * document's meshes:
 * 1. a label attribute (`options.attribute`, else `_PART_ID`, `_SEGMENT`, `_FEATURE_ID_n`) with
 *    at least two distinct triangle labels → `attribute` (`attribute` names it when one
 *    attribute is used by every labelled primitive);
 * 2. COLOR_0 where at least {@link FLAT_FACE_RATIO} of triangles are flat and there are 2 to
 *    `maxColors` distinct face colours → `colors`;
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

  const byAttribute = attributeLabelsOf(primitives, options.attribute);
  const attributeLabels = new Set<number>();
  for (const labels of byAttribute.labels.values()) addDistinct(attributeLabels, labels);
  if (attributeLabels.size >= 2) {
    const names = [...byAttribute.semantics];
    return {
      strategy: 'attribute',
      // Named only when one attribute is used throughout: with several (`_PART_ID` here,
      // `_SEGMENT` there), each primitive keeps its own default choice.
      ...(names.length === 1 ? { attribute: names[0]! } : {}),
      labelCount: attributeLabels.size,
      reason: `vertex attribute ${names.join(', ')} labels the triangles with ${attributeLabels.size} distinct values`,
    };
  }

  const palette = createColorPalette(tolerance);
  const colors = new Set<number>();
  let flat = 0;
  let triangles = 0;
  for (const primitive of primitives) {
    const labels = colorTriangleLabels(primitive, palette);
    if (!labels) continue;
    flat += labels.flatTriangles;
    triangles += labels.labels.length;
    addDistinct(colors, labels.labels);
    if (colors.size > maxColors) return null;
  }
  if (triangles > 0 && flat / triangles >= FLAT_FACE_RATIO && colors.size >= 2) {
    return {
      strategy: 'colors',
      labelCount: colors.size,
      reason: `${Math.round((100 * flat) / triangles)}% of triangles have one flat vertex colour, ${colors.size} distinct colours (at most ${maxColors})`,
    };
  }
  return null;
}
