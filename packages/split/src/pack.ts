/**
 * `@meshparts/split/pack`: what reading a model and writing its pack needs (readModel, splitModel,
 * the lower-level steps planParts → splitParts → writePack, verifyPack, segmentLocally), without
 * loading @gltf-transform/functions up front: `splitModel` loads it only when a part needs the general
 * path (skins, animations, extensions, compression), so `meshparts split` and `run` on a plain
 * segmented model never pay its ~130 ms. It re-exports the inspect entry; the main entry re-exports
 * this one.
 */
export {
  type DetectPartsOptions,
  detectParts,
  type PartPlan,
  type PlannedPart,
} from './detect/detect-parts.js';
export { type PlanPartsOptions, planParts } from './detect/plan-parts.js';
export {
  type SegmentLocallyOptions,
  type SegmentLocallyResult,
  segmentLocally,
} from './detect/segment-locally.js';
export * from './inspect.js';
export { syncDir, writeNewFile } from './pack/durable-files.js';
export {
  type Extras,
  MANIFEST_FILE,
  MANIFEST_VERSION,
  type Manifest,
  type ManifestFile,
  type ManifestPart,
  type ManifestSource,
  ownedPathsOf,
  PARTS_DIR,
  type Segmenter,
  THUMBNAIL_FILE,
  THUMBNAILS_DIR,
  thumbnailPathOf,
} from './pack/manifest.js';
export { isOwnGenerator, isPackFilePath, manifestProblems } from './pack/manifest-check.js';
export { dropExporterDebris, isSafeFileName } from './pack/naming/index.js';
export type { PackFile, PackFiles, PackFilesContext, PackFilesOption } from './pack/pack-files.js';
export { type PackOwner, readPackOwner } from './pack/pack-folder.js';
export { STAGING_PREFIX } from './pack/staging.js';
export { type PackCheck, verifyPack } from './pack/verify-pack.js';
export { type PackSource, type WritePackOptions, writePack } from './pack/write-pack.js';
export type { EncodedPart } from './parts/direct-part.js';
export type { Placement, SplitPart } from './parts/general-part.js';
export { type PackPart, type SplitPartsOptions, splitParts } from './parts/split-parts.js';
export {
  type CodecNeeds,
  createIO,
  type ReadModel,
  type ReadModelOptions,
  readModel,
} from './read/read-model.js';
export { assertResourcesInside, readCheckedResources } from './read/resources.js';
export {
  modelNameOf,
  type PlanSummary,
  type SourceSegmentation,
  type SplitModelOptions,
  type SplitModelResult,
  splitModel,
} from './split-model.js';
export { DEFAULT_GENERATOR, SPLIT_VERSION } from './version.js';
