/**
 * When `tasks.wait()` polls next.
 *
 * At 3 requests per minute a poll every few seconds triggers rate limiting, and the limiter would
 * then simply make every caller queue. Instead each poll is aimed at the moment the task is expected
 * to finish:
 *
 * 1. Remaining time. While the task reports progress p above its baseline p0 (0 for a task this
 *    client submitted, else the progress at the first poll), the task's own pace says
 *    remaining = elapsed × (100 − p) / (p − p0), elapsed counted from the baseline (at p = 100
 *    without FINISHED, it is due now). Before there is progress (PENDING, unknown statuses) it is
 *    the median duration of the tasks that finished on this client, or the prior
 *    `expectedDurationMs` (3 minutes: the API's typical 2–4) when none has, minus the elapsed time.
 * 2. Delay = remaining × 1.05 (a hair late beats a hair early, which costs a whole extra poll).
 *    A task that is already overdue is polled at a pace proportional to how long it has run
 *    (elapsed / 8), so a long-running task costs a bounded number of polls.
 * 3. The delay is clamped to [fair share, maxIntervalMs]. The fair share is the budget's spacing
 *    (window / requests per minute) times the number of waits running on the client: N concurrent
 *    waits each poll at most once per N slots, leaving room for submissions, and the FIFO queue of the
 *    rate limiter interleaves them. maxIntervalMs (60 s) bounds how stale progress reports get.
 *
 * The first poll is immediate: it confirms the task exists and gives the caller a first status.
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

/** Observed task durations on one client; their median feeds the schedule of later waits. */
export class DurationStats {
  readonly #durations: number[] = [];
  readonly #keep: number;

  constructor(keep = 20) {
    this.#keep = keep;
  }

  record(durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs <= 0) return;
    this.#durations.push(durationMs);
    if (this.#durations.length > this.#keep) this.#durations.shift();
  }

  /** Median of the recorded durations, or `fallback` when none is recorded. */
  expected(fallback: number): number {
    if (this.#durations.length === 0) return fallback;
    const sorted = [...this.#durations].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }
}
