/**
 * Label-based part detection: per-triangle labels from a vertex attribute, flat face colours
 * or connected components, and the transform that turns them into Tripo's layout (one named
 * node per part). Per-primitive helpers are exported next to the document-level transform, in
 * glTF-Transform's manner; the counting and slot machinery stays inside this folder.
 */
export { attributeTriangleLabels, findLabelAttribute } from './attribute-labels.js';
export { colorTriangleLabels, createColorPalette } from './color-labels.js';
export { type ComponentLabels, componentTriangleLabels } from './component-labels.js';
export { explodeByLabels } from './explode-by-labels.js';
export { findLabelSource, type LabelSource } from './find-label-source.js';
export { splitPrimitiveByLabels } from './split-primitive.js';
export { isTriangleList } from './triangles.js';
export { type WeldResult, weldPositions } from './weld.js';
