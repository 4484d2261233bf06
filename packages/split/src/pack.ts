/**
 * `@meshparts/split/pack`: what reading a model and writing its pack needs (readModel, splitModel,
 * inspectModel, naming, segmentLocally, writePack, verifyPack), without loading
 * @gltf-transform/functions up front. The main entry's `splitParts` and `reassemble` need that module
 * (~130 ms of imports); `splitModel` here loads it only when a part needs the general path (skins,
 * animations, extensions, compression), so `meshparts split` and `run` on a plain segmented model
 * never pay for it. Everything here is also exported by the main entry (the same functions and classes).
 */
export type { ILogger } from '@gltf-transform/core';
export type { PartPlan, PlannedPart, StrategyOption } from './detect/detect-parts.js';
export { StrategyError } from './detect/detect-parts.js';
export type { EncodedPart } from './parts/direct-part.js';
export {
  type InspectedPart,
  type InspectModelOptions,
  type InspectReport,
  inspectModel,
} from './detect/inspect-model.js';
export { createIO, ModelReadError, type ReadModel, type ReadModelOptions, readModel } from './read/read-model.js';
export type { LabelOptions } from './detect/labels/index.js';
export { MODEL_LIMITS_DEFAULTS, ModelLimitError, type ModelLimits } from './read/limits.js';
export { MANIFEST_FILE, type Manifest, type ManifestPart, PARTS_DIR } from './pack/manifest.js';
export {
  type CaseStyle,
  type NameInput,
  type NamingOptions,
  nameParts,
  parseRenameMap,
  type RenameMap,
  safeFileName,
} from './pack/naming/index.js';
export { iteratePackParts, type PackPartsOptions } from './parts/split-parts.js';
export type { PivotMode } from './parts/pivot.js';
export { NoLabelsError } from './detect/plan-parts.js';
export { type SegmentLocallyResult, segmentLocally } from './detect/segment-locally.js';
export {
  modelNameOf,
  NoPartsError,
  type SplitModelOptions,
  type SplitModelResult,
  splitModel,
} from './split-model.js';
export { type PackCheck, verifyPack } from './pack/verify-pack.js';
export { PackWriteError, writePack } from './pack/write-pack.js';
