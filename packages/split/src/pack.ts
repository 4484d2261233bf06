/**
 * `@meshparts/split/pack`: what reading a model and writing its pack needs (readModel, splitModel,
 * inspectModel, naming, segmentLocally, writePack, verifyPack), without loading
 * @gltf-transform/functions up front. The main entry's `splitParts` and `reassemble` need that module
 * (~130 ms of imports); `splitModel` here loads it only when a part needs the general path (skins,
 * animations, extensions, compression), so `meshparts split` and `run` on a plain segmented model
 * never pay for it. Everything here is also exported by the main entry (the same functions and classes).
 */
export type { ILogger } from '@gltf-transform/core';
export type { PartPlan, PlannedPart, StrategyOption } from './detect-parts.js';
export { StrategyError } from './detect-parts.js';
export type { EncodedPart } from './direct-part.js';
export {
  type InspectedPart,
  type InspectModelOptions,
  type InspectReport,
  inspectModel,
} from './inspect-model.js';
export { createIO, ModelReadError, type ReadModel, type ReadModelOptions, readModel } from './io.js';
export type { LabelOptions } from './labels/index.js';
export { MODEL_LIMITS_DEFAULTS, ModelLimitError, type ModelLimits } from './limits.js';
export { MANIFEST_FILE, type Manifest, type ManifestPart, PARTS_DIR } from './manifest.js';
export {
  type CaseStyle,
  type NameInput,
  type NamingOptions,
  nameParts,
  parseRenameMap,
  type RenameMap,
  safeFileName,
} from './naming/index.js';
export { iteratePackParts, type PackPartsOptions } from './pack-parts.js';
export type { PivotMode } from './pivot.js';
export { NoLabelsError } from './plan-parts.js';
export { type SegmentLocallyResult, segmentLocally } from './segment-locally.js';
export {
  modelNameOf,
  NoPartsError,
  type SplitModelOptions,
  type SplitModelResult,
  splitModel,
} from './split-model.js';
export { type PackCheck, verifyPack } from './verify-pack.js';
export { PackWriteError, writePack } from './write-pack.js';
