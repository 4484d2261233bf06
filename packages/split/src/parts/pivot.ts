import type { mat4, vec3 } from '@gltf-transform/core';
import { type Bounds, isEmptyBounds } from '../geometry.js';
import { translation } from '../math.js';
import type { PivotMode } from '../options.js';

/**
 * The point of `bounds` that becomes the part file's origin: none for `original`, the centre for
 * `center`, the bottom centre (glTF is Y-up) for `bottom`.
 */
export function pivotPoint(bounds: Bounds, mode: PivotMode): vec3 {
  if (mode === 'original' || isEmptyBounds(bounds)) return [0, 0, 0];
  const cx = (bounds.min[0] + bounds.max[0]) / 2;
  const cy = (bounds.min[1] + bounds.max[1]) / 2;
  const cz = (bounds.min[2] + bounds.max[2]) / 2;
  return mode === 'center' ? [cx, cy, cz] : [cx, bounds.min[1], cz];
}

/**
 * The pivot translation T of `bounds` (measured in the part file's world-aligned frame): moves the
 * pivot point to the origin. A part file's frame is T × world, its first placement T⁻¹.
 */
export function pivotMatrix(bounds: Bounds, mode: PivotMode): mat4 {
  const [x, y, z] = pivotPoint(bounds, mode);
  return translation([-x, -y, -z]);
}
