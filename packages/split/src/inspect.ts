/**
 * `@meshparts/split/inspect`: what planning a split needs (read, detect, label, name), without what
 * splitting and packing need. It never loads @gltf-transform/functions, whose import is about half of
 * a cold start, so a process that only inspects (`meshparts inspect`) starts in about half the time.
 * It re-exports the options entry; the pack entry and the main entry re-export this one.
 */
export type { ILogger } from '@gltf-transform/core';
export {
  type InspectedPart,
  type InspectModelOptions,
  type InspectReport,
  inspectModel,
} from './detect/inspect-model.js';
export * from './options.js';
export {
  type NameInput,
  nameParts,
  parseRenameMap,
  type RenameMap,
  safeFileName,
} from './pack/naming/index.js';
