/**
 * Label-based part detection: per-triangle labels from a vertex attribute, face colours (blends at
 * part boundaries resolved), skin weights or connected components, and the transform that turns
 * them into Tripo's layout (one named node per part). Per-primitive helpers are exported next to the
 * document-level transform, in glTF-Transform's manner; the counting and slot machinery stays inside
 * this folder.
 */
export { attributeTriangleLabels, findLabelAttribute } from './attribute-labels.js';
export { boneTriangleLabels, jointPartNames } from './bone-labels.js';
export {
  analyseColors,
  type ColorAnalysis,
  type ColorBlend,
  type ColorCorners,
  voteTriangleColors,
} from './color-blends.js';
export { type ColorPalette, colorVertexEntries, createColorPalette } from './color-labels.js';
export { colorName, srgbToLab } from './color-space.js';
export { type ComponentLabels, componentTriangleLabels } from './component-labels.js';
export { type ExplodeOptions, type ExplodeReport, explodeByLabels } from './explode-by-labels.js';
export { findLabelSource, type LabelSource } from './find-label-source.js';
export type { ColorReport } from './mesh-labels.js';
export { splitPrimitiveByLabels } from './split-primitive.js';
export { isTriangleList } from './triangles.js';
export { type WeldResult, weldPositions } from './weld.js';
