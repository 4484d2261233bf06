/**
 * When `tasks.wait()` polls next.
 *
 * At 3 requests per minute a poll every few seconds triggers rate limiting, and the limiter would
 * then simply make every caller queue. Instead each poll is aimed at the moment the task is expected
 * to finish:
 *
 * 1. Remaining time. While the task reports progress p above its baseline p0 (0 for a task this
 *    client submitted or whose creation time the caller gave, else the progress at the first poll),
 *    the task's own pace says
 *    remaining = elapsed × (100 − p) / (p − p0), elapsed counted from the baseline (at p = 100
 *    without FINISHED, it is due now). Before there is progress (PENDING, unknown statuses) it is
 *    the median duration of the tasks that finished on this client, or the prior
 *    `expectedDurationMs` (3 minutes: the API's typical 2–4) when none has, minus the elapsed time.
 * 2. Delay = remaining × 1.05 (a hair late beats a hair early, which costs a whole extra poll).
 *    A task that is already overdue is polled at a pace proportional to how long it has run
 *    (elapsed / 8), so a long-running task costs a bounded number of polls.
 * 3. The delay is clamped to [fair share, maxIntervalMs]. The fair share is the budget's spacing
 *    (window / requests per minute, the interval at which the rate limiter paces requests) times the
 *    number of waits running on the client: N concurrent waits each poll at most once per N intervals,
 *    leaving room for submissions, and the FIFO queue of the rate limiter interleaves them, one
 *    interval apart. maxIntervalMs (60 s) bounds how stale progress reports get.
 *
 * The first poll of a task this client submitted is not immediate: the submission's answer already
 * confirmed the task, and a poll right away would only spend a request to learn "PENDING, 0 %". It
 * is aimed like the others once this client has observed a duration (a finished task, or the pace of
 * a running one); before any observation the prior is only a guess, so the first poll is a probe at
 * `expectedDurationMs / 16` that measures the task's pace (see {@link firstPollDelay}). A task this
 * client did not submit (a resumed one) is polled at once: that poll confirms it exists. When the
 * caller gives its creation time (`wait(id, { createdAt })`: the pipeline passes the time its journal
 * recorded the submission), its progress counts from that creation, so the next poll is aimed at the
 * finish its own pace projects (a 6-second task resumed at 5 s is polled again ~1.4 s later) instead of
 * the prior; with a last known progress as well, the first poll is aimed that way already.
 */

export interface PollOptions {
  /** Expected task duration before any has finished on this client, in ms. Default 180 000. */
  expectedDurationMs?: number;
  /** Longest gap between two polls, in ms. Default 60 000. */
  maxIntervalMs?: number;
  /** Shortest gap between two polls of one task, in ms; the fair share of the budget applies anyway. Default 0. */
  minIntervalMs?: number;
  /** How many times a FINISHED status with no results is polled again before giving up. Default 3. */
  emptyResultPolls?: number;
  /** Consecutive failed polls (after the request's own retries) tolerated before wait() gives up. Default 3. */
  maxConsecutivePollErrors?: number;
}

export const POLL_DEFAULTS: Required<PollOptions> = {
  expectedDurationMs: 180_000,
  maxIntervalMs: 60_000,
  minIntervalMs: 0,
  emptyResultPolls: 3,
  maxConsecutivePollErrors: 3,
};

export interface PollState {
  /** Time since the baseline (the submission, or the first poll of a task found running), in ms. */
  elapsedMs: number;
  /** Last reported progress 0–100, or null. */
  progress: number | null;
  /** Progress at the baseline: 0 for a task submitted by this client. Default 0. */
  baselineProgress?: number;
  /** Expected total duration when there is no usable progress: observed median or the prior. */
  expectedDurationMs: number;
  /** The smallest allowed delay: the fair share of the rate budget (and minIntervalMs). */
  minIntervalMs: number;
  maxIntervalMs: number;
}

/** The delay until the next poll, in ms. Pure, so the schedule is unit-tested without a server. */
export function nextPollDelay(state: PollState): number {
  const { elapsedMs, progress } = state;
  const p0 = state.baselineProgress ?? 0;
  let remaining = state.expectedDurationMs - elapsedMs;
  if (progress !== null && progress >= 100)
    remaining = 0; // reported done, not yet FINISHED
  else if (progress !== null && progress > p0 && elapsedMs > 0) {
    remaining = (elapsedMs * (100 - progress)) / (progress - p0);
  }
  const raw = remaining > 0 ? remaining * 1.05 : elapsedMs / 8;
  const max = Math.max(state.maxIntervalMs, state.minIntervalMs);
  return Math.round(Math.min(max, Math.max(state.minIntervalMs, raw)));
}

/**
 * Share of the expected duration at which the first poll probes a task's pace when this client has
 * observed nothing yet: early enough that a task much faster than the 3-minute prior (a small model,
 * an emulator) is not waited on for the whole prior, late enough that the answer usually carries
 * progress, from which the next poll is aimed at the finish.
 */
export const PROBE_FRACTION = 1 / 16;

export interface FirstPollState {
  /** Time since the submission, in ms. */
  elapsedMs: number;
  /** Observed median duration, or the prior. */
  expectedDurationMs: number;
  /** Whether `expectedDurationMs` comes from observations on this client (else it is the prior). */
  observed: boolean;
  /** The smallest allowed delay: the fair share of the rate budget (and minIntervalMs). */
  minIntervalMs: number;
  maxIntervalMs: number;
}

/** The delay until the first poll of a task this client submitted, in ms (see the header comment). */
export function firstPollDelay(state: FirstPollState): number {
  const { elapsedMs, expectedDurationMs } = state;
  const aim = state.observed ? expectedDurationMs * 1.05 : expectedDurationMs * PROBE_FRACTION;
  const max = Math.max(state.maxIntervalMs, state.minIntervalMs);
  return Math.round(Math.min(max, Math.max(state.minIntervalMs, aim - elapsedMs)));
}

/** Median of a non-empty list. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Observed task durations on one client; their median feeds the schedule of later waits. Durations
 * of finished tasks are preferred; until one finishes, the durations projected from running tasks'
 * progress (elapsed × 100 / progress) stand in, so concurrent waits learn each other's pace.
 */
export class DurationStats {
  readonly #durations: number[] = [];
  readonly #projected: number[] = [];
  readonly #keep: number;

  constructor(keep = 20) {
    this.#keep = keep;
  }

  record(durationMs: number): void {
    DurationStats.#push(this.#durations, durationMs, this.#keep);
  }

  /** A running task's total duration as projected from its progress. */
  project(durationMs: number): void {
    DurationStats.#push(this.#projected, durationMs, this.#keep);
  }

  /** Whether anything was recorded or projected (else `expected` returns the fallback prior). */
  get observed(): boolean {
    return this.#durations.length > 0 || this.#projected.length > 0;
  }

  /** Median of the recorded durations, else of the projected ones, else `fallback`. */
  expected(fallback: number): number {
    if (this.#durations.length > 0) return median(this.#durations);
    if (this.#projected.length > 0) return median(this.#projected);
    return fallback;
  }

  static #push(list: number[], durationMs: number, keep: number): void {
    if (!Number.isFinite(durationMs) || durationMs <= 0) return;
    list.push(durationMs);
    if (list.length > keep) list.shift();
  }
}
