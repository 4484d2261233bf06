import type { Transform } from '@gltf-transform/core';

/**
 * Names a transform, as glTF-Transform's `createTransform` does (document.transform() logs the name
 * and uses it to detect a transform already run). Done here rather than imported so that the planning
 * path (`inspect`) never loads @gltf-transform/functions, whose import costs ~130 ms of start-up.
 */
export function namedTransform(name: string, transform: Transform): Transform {
  Object.defineProperty(transform, 'name', { value: name });
  return transform;
}
