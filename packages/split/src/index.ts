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
} from './detect/detect-parts.js';
export type { EncodedPart } from './parts/direct-part.js';
export { type Bounds, triangleCount, vertexCount } from './geometry.js';
export {
  type InspectedPart,
  type InspectModelOptions,
  type InspectReport,
  inspectModel,
} from './detect/inspect-model.js';
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
} from './read/read-model.js';
export * from './detect/labels/index.js';
export { MODEL_LIMITS_DEFAULTS, ModelLimitError, type ModelLimits } from './read/limits.js';
export {
  MANIFEST_FILE,
  MANIFEST_VERSION,
  type Manifest,
  type ManifestPart,
  type ManifestSource,
  PARTS_DIR,
  type Segmenter,
} from './pack/manifest.js';
export * from './pack/naming/index.js';
export { iteratePackParts, type PackPartsOptions } from './parts/split-parts.js';
export { measurePart, type PartStats, sceneBounds } from './parts/part-stats.js';
export { PIVOT_MODES, type PivotMode, pivotMatrix, pivotPoint } from './parts/pivot.js';
export { NoLabelsError, type PlanPartsOptions, planParts } from './detect/plan-parts.js';
export { PackReadError, type ReassembleOptions, reassemble } from './pack/reassemble.js';
export {
  type SegmentLocallyOptions,
  type SegmentLocallyResult,
  segmentLocally,
} from './detect/segment-locally.js';
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
} from './parts/general-part.js';
export { type PackCheck, verifyPack } from './pack/verify-pack.js';
export { DEFAULT_GENERATOR, SPLIT_VERSION } from './version.js';
export { type PackSource, PackWriteError, type WritePackOptions, writePack } from './pack/write-pack.js';
