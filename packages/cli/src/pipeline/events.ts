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
 * - `blocked`: nothing is done and the model is reported as failed: a previous submission's outcome
 *   is unknown, or its result expired or its task is gone (not resubmitted without `resubmitUnknown` /
 *   `resubmitExpired`); the free check before paying refused the file (`input`); or `maxCredits` was
 *   spent on the models before it (`credit-limit`).
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
  blockedBy?: 'submission-unknown' | 'result-expired' | 'task-gone' | 'input' | 'credit-limit';
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
  /**
   * Credits this model spent in this run: 80 when the API accepted its submission (a task id came
   * back), 0 once the provider refunds a failed task, 0 for resumed, cached, skipped and local models.
   */
  credits: number;
  /**
   * 80 when this run's submission may have created a task but no task id came back (the outcome is
   * unknown: see `submission-unknown`). Not counted in `credits`.
   */
  unknownCredits?: number;
  durationMs: number;
  error?: ModelError;
}

/**
 * Events, per model in this order: `start`, then for a paid submission `waiting` (only when it has to
 * wait for its turn in the request budget), `sending` (the intent is journaled, the upload leaves),
 * `submitted` (the task id is journaled; `journaled: false` when the journal could not take it, and
 * the id must be kept), `progress` and `next-poll` while the task runs, `downloaded`; or `segmented`
 * for the local segmenter; then `split` and `done`, or `skipped` / `failed`.
 */
export type PipelineEvent =
  | {
      type: 'plan';
      segmenter: SegmenterName;
      plans: readonly ModelPlan[];
      credits: number;
      /** Inputs that were not found, and inputs that could not be read: not planned, each fails. */
      missing?: number;
      unreadable?: number;
    }
  | { type: 'start'; model: ModelRef; action: PlannedAction }
  | {
      type: 'waiting';
      model: ModelRef;
      /** When the next request of the run may start (epoch ms). */
      nextSlotAt: number;
      /** Requests queued before this one. */
      ahead: number;
    }
  | { type: 'sending'; model: ModelRef }
  | { type: 'submitted'; model: ModelRef; taskId: string; resumed: boolean; journaled: boolean }
  | { type: 'progress'; model: ModelRef; taskId?: string; status: string; progress: number }
  | { type: 'next-poll'; model: ModelRef; taskId: string; at: number }
  | { type: 'downloaded'; model: ModelRef; taskId?: string; path: string; byteLength: number }
  | { type: 'segmented'; model: ModelRef; parts: number; strategy: string }
  | { type: 'split'; model: ModelRef; parts: number; packDir: string }
  | { type: 'skipped'; model: ModelRef; reason: string; result: ModelResult }
  | { type: 'done'; model: ModelRef; result: ModelResult }
  | { type: 'failed'; model: ModelRef; error: ModelError; result: ModelResult };

export type PipelineEventListener = (event: PipelineEvent) => void;
