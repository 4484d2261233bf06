/**
 * `@meshparts/split/inspect`: what planning a split needs (read, detect, label, name), without what
 * splitting and packing need. It never loads @gltf-transform/functions, whose import is about half of
 * a cold start, so a process that only inspects (`meshparts inspect`) starts in about half the time.
 * Everything here is also exported by the main entry (the same functions and classes).
 */
export { StrategyError } from './detect/detect-parts.js';
export {
  type InspectedPart,
  type InspectModelOptions,
  type InspectReport,
  inspectModel,
} from './detect/inspect-model.js';
export { ModelReadError } from './read/read-model.js';
export { nameParts, parseRenameMap } from './pack/naming/index.js';
export { NoLabelsError } from './detect/plan-parts.js';
