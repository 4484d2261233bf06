import type { ModelError } from './errors.js';

/**
 * What `runPipeline` reports while it works, so a build tool can show its own progress.
 * Events are delivered synchronously through `onEvent`, in order per model; models run concurrently,
 * so events of different models interleave. A throwing `onEvent` is a bug in the caller and is not
 * caught.
 */

export type SegmenterName = 'tripo' | 'local';

/** Identifies a model in every event and result. */
export interface ModelRef {
  /** The input path as given. */
  file: string;
  /** Folder name of its pack under the output folder. */
  slug: string;
  /** sha256 of the input file. */
  sha256: string;
}

/**
 * What the run will do with one model, decided before anything is submitted:
 * - `skip`: its pack is complete for this input and these split options.
 * - `split`: the segmented GLB is cached; only the split runs (free).
 * - `resume`: the journal holds a paid task id; wait for it and download (no new submission).
 * - `submit`: a new Tripo submission (80 credits).
 * - `segment`: the local segmenter runs (free, offline).
 * - `blocked`: a previous submission's outcome is unknown, or its result expired; not resubmitted
 *   without `resubmitUnknown` / `resubmitExpired` (reported as failed).
 */
export type PlannedAction = 'skip' | 'split' | 'resume' | 'submit' | 'segment' | 'blocked';

export interface ModelPlan {
  model: ModelRef;
  action: PlannedAction;
  /** Credits this model can cost: 80 for `submit`, else 0. */
  credits: number;
  /** The known task id for `resume` (and `blocked` when one is known). */
  taskId?: string;
  /** Why, in a few words (shown by `--dry-run`). */
  reason: string;
  /** For `blocked`: what blocks it, as the ModelError code the model will fail with. */
  blockedBy?: 'submission-unknown' | 'result-expired';
}

/** The outcome of one model. */
export type ModelOutcome = 'packed' | 'skipped' | 'failed' | 'planned';

export interface ModelResult {
  model: ModelRef;
  outcome: ModelOutcome;
  segmenter: SegmenterName;
  action: PlannedAction;
  /** Absolute path of the pack folder, when a pack exists. */
  packDir?: string;
  /** Absolute path of the pack's manifest.json. */
  manifestPath?: string;
  parts?: number;
  taskId?: string;
  /** Credits this model spent in this run (80 per new submission; refunded failures still count). */
  credits: number;
  durationMs: number;
  error?: ModelError;
}

export type PipelineEvent =
  | { type: 'plan'; segmenter: SegmenterName; plans: readonly ModelPlan[]; credits: number }
  | { type: 'start'; model: ModelRef; action: PlannedAction }
  | { type: 'submitted'; model: ModelRef; taskId: string; resumed: boolean }
  | { type: 'progress'; model: ModelRef; taskId?: string; status: string; progress: number }
  | { type: 'downloaded'; model: ModelRef; taskId?: string; path: string; byteLength: number }
  | { type: 'segmented'; model: ModelRef; parts: number; strategy: string }
  | { type: 'split'; model: ModelRef; parts: number; packDir: string }
  | { type: 'skipped'; model: ModelRef; reason: string; result: ModelResult }
  | { type: 'done'; model: ModelRef; result: ModelResult }
  | { type: 'failed'; model: ModelRef; error: ModelError; result: ModelResult };

export type PipelineEventListener = (event: PipelineEvent) => void;
