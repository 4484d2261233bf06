/**
 * Label-based part detection: per-triangle labels from a vertex attribute, flat face colours
 * or connected components, and the transform that turns them into Tripo's layout (one named
 * node per part). Per-primitive helpers are exported next to the document-level transform.
 */
export { attributeTriangleLabels, findLabelAttribute, LABEL_ATTRIBUTES } from './attribute-labels.js';
export {
  type ColorLabels,
  type ColorPalette,
  colorTriangleLabels,
  createColorPalette,
} from './color-labels.js';
export { type ComponentLabels, componentTriangleLabels } from './component-labels.js';
export { explodeByLabels } from './explode-by-labels.js';
export { FLAT_FACE_RATIO, findLabelSource, type LabelSource } from './find-label-source.js';
export { type MeshLabelling, meshLabels } from './mesh-labels.js';
export { splitPrimitiveByLabels } from './split-primitive.js';
export { isTriangleList } from './triangles.js';
export { type WeldResult, weldPositions } from './weld.js';
