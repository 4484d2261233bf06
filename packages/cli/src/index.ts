/** meshparts — the pipeline that chains @meshparts/client and @meshparts/split. See README.md. */

export type { Catalog, CatalogEntry } from './pipeline/catalog.js';
export {
  CreditLimitError,
  ModelError,
  type ModelErrorCode,
  OutputLockedError,
  PipelineUsageError,
} from './pipeline/errors.js';
export type {
  ModelOutcome,
  ModelPlan,
  ModelRef,
  ModelResult,
  PipelineEvent,
  PipelineEventListener,
  PlannedAction,
  SegmenterName,
} from './pipeline/events.js';
export type { JournalEntry, JournalState } from './pipeline/journal.js';
export {
  type PipelineRun,
  RUN_PIPELINE_DEFAULTS,
  type RunPipelineOptions,
  runPipeline,
} from './pipeline/run-pipeline.js';
export { chooseSegmenter } from './pipeline/segmenter-choice.js';
export { VERSION } from './version.js';
