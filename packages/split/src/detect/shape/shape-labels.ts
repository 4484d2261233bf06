import type { Primitive } from '@gltf-transform/core';
import { normalizedDivisor, triangleListIndices } from '../labels/triangles.js';
import type { ShapeOptions } from './options.js';
import { type ShapeDiagnostics, segmentShape } from './segment-shape.js';

/** Per-primitive triangle labels from {@link shapeTriangleLabels}. */
export interface ShapeLabels {
  /** Per primitive, the part (0…count-1, 0 the largest by area) of each of its triangles. */
  labels: Float64Array[];
  /** Number of parts over the mesh. */
  count: number;
  diagnostics: ShapeDiagnostics;
}

/**
 * Shape labels for one mesh's triangle-list primitives, in the style of
 * `componentTriangleLabels`: the primitives' positions (decoded when normalized) and triangles are
 * concatenated into one soup, so that welding joins them across materials and one part may span
 * several primitives; {@link segmentShape} cuts the soup; its labels are handed back per primitive.
 * Primitives must share one position space (the primitives of one mesh do).
 */
export function shapeTriangleLabels(
  primitives: readonly Primitive[],
  options: ShapeOptions = {},
): ShapeLabels {
  const sources = primitives.map((primitive) => {
    const accessor = primitive.getAttribute('POSITION')!;
    return {
      array: accessor.getArray()!,
      scale: 1 / normalizedDivisor(accessor.getArray()!, accessor.getNormalized()),
      count: accessor.getCount(),
      indices: triangleListIndices(primitive),
    };
  });
  const vertices = sources.reduce((sum, source) => sum + source.count, 0);
  const corners = sources.reduce((sum, source) => sum + source.indices.length, 0);
  const positions = new Float32Array(vertices * 3);
  const indices = new Uint32Array(corners);
  let vertexBase = 0;
  let cornerBase = 0;
  for (const { array, scale, count, indices: local } of sources) {
    for (let i = 0; i < count * 3; i++) positions[3 * vertexBase + i] = array[i]! * scale;
    for (let i = 0; i < local.length; i++) {
      const v = local[i]!;
      // An index past the primitive's vertices is read as its first vertex, never another primitive's.
      indices[cornerBase + i] = vertexBase + (v < count ? v : 0);
    }
    vertexBase += count;
    cornerBase += local.length;
  }
  const result = segmentShape(positions, indices, options);
  let triangleBase = 0;
  const labels = sources.map(({ indices: local }) => {
    const triangles = local.length / 3;
    const out = Float64Array.from(result.labels.subarray(triangleBase, triangleBase + triangles));
    triangleBase += triangles;
    return out;
  });
  return { labels, count: result.count, diagnostics: result.diagnostics };
}
