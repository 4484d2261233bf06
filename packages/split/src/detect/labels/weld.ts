import type { Primitive } from '@gltf-transform/core';
import { type WeldResult, weldSources } from '../weld-grid.js';
import { normalizedDivisor } from './triangles.js';

export type { WeldResult } from '../weld-grid.js';

/**
 * Welds the positions of several primitives that share one position space (one mesh) on a grid
 * whose cell is `tolerance` × the bounding-box diagonal (see weld-grid.ts): `ids[p]` holds the
 * welded id of each vertex of `primitives[p]`.
 */
export function weldPositions(primitives: readonly Primitive[], tolerance: number): WeldResult {
  return weldSources(
    primitives.map((primitive) => {
      const accessor = primitive.getAttribute('POSITION')!;
      const array = accessor.getArray()!;
      return {
        array,
        scale: 1 / normalizedDivisor(array, accessor.getNormalized()),
        count: accessor.getCount(),
      };
    }),
    tolerance,
  );
}
