/** meshparts — the pipeline that chains @meshparts/client and @meshparts/split. See README.md. */

export type { Catalog, CatalogEntry } from './pipeline/catalog.js';
export { withLocalSegmenter } from './pipeline/emulator-api.js';
export {
  BalanceTooLowError,
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
export {
  JOURNAL_DIR,
  JOURNAL_FILE,
  type JournalEntry,
  type JournalHistory,
  type JournalState,
  journalPath,
  parseJournal,
  readJournal,
} from './pipeline/journal.js';
export { acquireLock, lockPath, type OutputLock } from './pipeline/lock.js';
export {
  type PipelineRun,
  RUN_PIPELINE_DEFAULTS,
  type RunPipelineOptions,
  runPipeline,
  type UnknownOutcome,
} from './pipeline/run-pipeline.js';
export {
  type FetchTaskOptions,
  fetchTask,
  type SegmentModelOptions,
  type SegmentModelResult,
  segmentModel,
} from './pipeline/segment-model.js';
export { chooseSegmenter } from './pipeline/segmenter-choice.js';
export { VERSION } from './version.js';
