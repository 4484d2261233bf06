/**
 * Errors of the pipeline. Two families:
 * - `PipelineUsageError`: the run cannot start (no inputs, output is a file, the folder is locked,
 *   the credit limit would be exceeded). Nothing was submitted; the CLI exits 2.
 * - `ModelError`: one model failed. It is recorded in that model's result and never stops the others.
 */

/** Why a run refused to start. Nothing was submitted and nothing was written. */
export class PipelineUsageError extends Error {
  override readonly name: string = 'PipelineUsageError';
}

/** Another `meshparts run` holds the output folder. */
export class OutputLockedError extends PipelineUsageError {
  override readonly name = 'OutputLockedError';
  constructor(
    message: string,
    readonly lockPath: string,
  ) {
    super(message);
  }
}

/** The run could spend more credits than `maxCredits` allows. */
export class CreditLimitError extends PipelineUsageError {
  override readonly name = 'CreditLimitError';
  constructor(
    readonly credits: number,
    readonly maxCredits: number,
  ) {
    super(
      `this run needs up to ${credits} credits (${credits / 80} new submission(s) at 80 each), more than --max-credits ${maxCredits}; nothing was submitted`,
    );
  }
}

/**
 * What went wrong with one model, as a stable machine-readable code:
 * - `input`: the model file could not be read or parsed.
 * - `segment`: segmentation failed (the task FAILED upstream, credits refunded by the provider, or the
 *   local segmenter threw).
 * - `submission-unknown`: a paid POST may have created a task but no task id came back; not resubmitted
 *   unless `resubmitUnknown` is set.
 * - `result-expired`: the task finished but its result URL has expired; resubmitting costs credits, so
 *   only with `resubmitExpired`.
 * - `api`: any other API error (authentication, credits, rate limit exhausted, timeout, network).
 * - `split`: splitting or writing the pack failed.
 * - `aborted`: the run was cancelled; the journal keeps the task id for the next run.
 */
export type ModelErrorCode =
  | 'input'
  | 'segment'
  | 'submission-unknown'
  | 'result-expired'
  | 'api'
  | 'split'
  | 'aborted';

/** One model's failure. `taskId` is set whenever a paid task exists, so nothing paid is lost. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly code: ModelErrorCode,
    message: string,
    readonly taskId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toJSON(): { name: string; code: ModelErrorCode; message: string; taskId?: string } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.taskId ? { taskId: this.taskId } : {}),
    };
  }
}

/** The message of any thrown value, first line only. */
export function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
