/**
 * `shape`: an offline part segmenter for one fused mesh, from its geometry alone (see README.md).
 * The core works on plain arrays; {@link shapeTriangleLabels} is the glue for glTF primitives.
 */
export {
  type ResolvedShapeOptions,
  resolveShapeOptions,
  SHAPE_DEFAULTS,
  type ShapeOptions,
} from './options.js';
export { type ShapeDiagnostics, type ShapeResult, segmentShape } from './segment-shape.js';
export { type ShapeLabels, shapeTriangleLabels } from './shape-labels.js';
export { type WeldedArray, weldPositionArray } from './weld-array.js';
