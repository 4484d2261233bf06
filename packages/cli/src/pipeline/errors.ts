/**
 * Errors of the pipeline. Two families:
 * - `PipelineUsageError`: the run cannot start (no inputs, output is a file, the folder is locked,
 *   the balance cannot pay for the plan). Nothing was submitted; the CLI exits 2.
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

/**
 * The wallet cannot pay for the run's plan: checked before the first submission, so nothing was
 * submitted. The message names the shortfall and how to run the part the balance covers.
 */
export class BalanceTooLowError extends PipelineUsageError {
  override readonly name = 'BalanceTooLowError';
  constructor(
    /** Credits the plan could spend. */
    readonly credits: number,
    /** The wallet balance. */
    readonly balance: number,
    /** What one submission costs. */
    readonly price: number,
  ) {
    super(
      `this run needs up to ${credits} credits (${credits / price} new submission(s) at ${price} each) but the balance is ${balance}: ${credits - balance} short; nothing was submitted. ${whatTheBalanceCovers(balance, price)}`,
    );
  }
}

/** The advice when the balance cannot pay for a plan: the `--max-credits` that runs what it covers. */
export function whatTheBalanceCovers(balance: number, price: number): string {
  const affordable = Math.floor(balance / price);
  return affordable > 0
    ? `Add credits, or run the part the balance covers now with --max-credits ${affordable * price} (${affordable} submission(s); the rest waits for a later run)`
    : 'Add credits to run it';
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
 * - `task-gone`: the API no longer knows a journaled task (404: purged, or created by another API);
 *   resubmitting costs credits, so only with `resubmitExpired`.
 * - `credit-limit`: not submitted, because `maxCredits` was spent on the models before it; a later run
 *   (with a higher limit) submits it.
 * - `api`: any other API error (authentication, credits, rate limit exhausted, timeout, network).
 * - `split`: splitting the segmented model failed.
 * - `output`: the output folder could not be written (disk full, read-only, a path in the way): the
 *   message says which path and why; paid work is journaled and resumes once the folder is writable.
 * - `aborted`: the run was cancelled; the journal keeps the task id for the next run, and a model whose
 *   submission had not left yet is submitted by the next run as usual.
 */
export type ModelErrorCode =
  | 'input'
  | 'segment'
  | 'submission-unknown'
  | 'result-expired'
  | 'task-gone'
  | 'credit-limit'
  | 'api'
  | 'split'
  | 'output'
  | 'aborted';

/** One model's failure. `taskId` is set whenever a paid task exists, so nothing paid is lost. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  /**
   * `false` when `taskId` is paid but the journal could not record it: a rerun cannot resume it (it
   * holds the model as `submission-unknown`), and the id is the only way to its result
   * (`meshparts segment --task <id>`). Unset otherwise.
   */
  readonly taskJournaled?: false;
  constructor(
    readonly code: ModelErrorCode,
    message: string,
    readonly taskId?: string,
    options?: { cause?: unknown; taskJournaled?: false },
  ) {
    super(message, options);
    if (options?.taskJournaled === false) this.taskJournaled = false;
  }

  toJSON(): { name: string; code: ModelErrorCode; message: string; taskId?: string; taskJournaled?: false } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.taskId ? { taskId: this.taskId } : {}),
      ...(this.taskJournaled === false ? { taskJournaled: false as const } : {}),
    };
  }
}

/**
 * File-system error codes that mean "the output folder cannot be written": a full disk or quota, a
 * read-only file system, permissions, a file or a mount point where a folder should be.
 */
const OUTPUT_ERROR_CODES = new Set([
  'ENOSPC',
  'EDQUOT',
  'EROFS',
  'EACCES',
  'EPERM',
  'EBUSY',
  'ENOTDIR',
  'EEXIST',
  'EISDIR',
  'EIO',
  'EMFILE',
  'ENFILE',
]);

/** The file-system error code behind `error` (or its causes) when it is an output-folder failure. */
export function outputErrorCode(error: unknown): string | undefined {
  for (let at = error, depth = 0; at !== undefined && at !== null && depth < 5; depth++) {
    const code = (at as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && OUTPUT_ERROR_CODES.has(code)) return code;
    at = (at as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Longest message kept from an error: a server's failure reason can be as long as its answer. */
const MESSAGE_LIMIT = 2000;

/**
 * The message of any thrown value, whole: a failure reason is never cut at a line break (printing
 * goes through printable(), which shows line breaks and escape sequences as `\u{…}`), only past
 * {@link MESSAGE_LIMIT} characters, saying so.
 */
export function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (message.length <= MESSAGE_LIMIT) return message;
  return `${message.slice(0, MESSAGE_LIMIT)}… (${message.length - MESSAGE_LIMIT} more characters)`;
}
