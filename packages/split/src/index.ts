/**
 * @meshparts/split — split a segmented glTF/GLB into one GLB per part, name the parts, and write a
 * pack (parts/*.glb + manifest.json). See README.md in this package for the maths and the manifest.
 *
 * Pipeline: readModel → planParts (detectParts + labels) → nameParts → splitParts → writePack,
 * or splitModel for all of it in one call; reassemble is the inverse. `@meshparts/split/pack` is a
 * lighter entry with what splitModel needs (see pack.ts).
 */

/** The logger interface options accept (glTF-Transform's). */
export type { ILogger } from '@gltf-transform/core';
export {
  DETECT_PARTS_DEFAULTS,
  type DetectPartsOptions,
  detectParts,
  type InstancesMode,
  LABEL_STRATEGIES,
  listMeshNodes,
  type PartPlan,
  type PartStrategy,
  type PlannedPart,
  STRATEGIES,
  StrategyError,
  type StrategyOption,
  selectScene,
} from './detect-parts.js';
export type { EncodedPart } from './direct-part.js';
export { type Bounds, triangleCount, vertexCount } from './geometry.js';
export {
  type InspectedPart,
  type InspectModelOptions,
  type InspectReport,
  inspectModel,
} from './inspect-model.js';
export {
  type CodecNeeds,
  codecNeedsOf,
  codecNeedsOfBytes,
  createIO,
  ModelReadError,
  type ReadModel,
  type ReadModelOptions,
  readModel,
  repairGLBAlignment,
} from './io.js';
export * from './labels/index.js';
export { MODEL_LIMITS_DEFAULTS, ModelLimitError, type ModelLimits } from './limits.js';
export {
  MANIFEST_FILE,
  MANIFEST_VERSION,
  type Manifest,
  type ManifestPart,
  type ManifestSource,
  PARTS_DIR,
  type Segmenter,
} from './manifest.js';
export * from './naming/index.js';
export { iteratePackParts, type PackPartsOptions } from './pack-parts.js';
export { measurePart, type PartStats, sceneBounds } from './part-stats.js';
export { PIVOT_MODES, type PivotMode, pivotMatrix, pivotPoint } from './pivot.js';
export { NoLabelsError, type PlanPartsOptions, planParts } from './plan-parts.js';
export { PackReadError, type ReassembleOptions, reassemble } from './reassemble.js';
export {
  type SegmentLocallyOptions,
  type SegmentLocallyResult,
  segmentLocally,
} from './segment-locally.js';
export {
  modelNameOf,
  NoPartsError,
  type SplitModelOptions,
  type SplitModelResult,
  splitDocument,
  splitModel,
} from './split-model.js';
export {
  iterateSplitParts,
  type Placement,
  SPLIT_PARTS_DEFAULTS,
  type SplitPart,
  type SplitPartsOptions,
  splitParts,
} from './split-parts.js';
export { type PackCheck, verifyPack } from './verify-pack.js';
export { DEFAULT_GENERATOR, SPLIT_VERSION } from './version.js';
export { type PackSource, PackWriteError, type WritePackOptions, writePack } from './write-pack.js';
