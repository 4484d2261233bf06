/**
 * What the resource namespaces share inside one StudioClient. Everything stateful lives here, per
 * client (never at module level): the rate limiter, the observed task durations, the submission times
 * the poll scheduler starts from, and the count of waits running (for their fair share of the budget).
 */

import type { ApiTransport } from './api-transport.js';
import type { Clock } from './clock.js';
import type { DownloadConfig } from './download.js';
import type { Logger } from './logger.js';
import type { DurationStats, PollOptions } from './poll-schedule.js';
import type { RateLimiter } from './rate-limiter.js';

export interface ClientContext {
  transport: ApiTransport;
  limiter: RateLimiter;
  clock: Clock;
  logger: Logger;
  poll: Required<PollOptions>;
  durations: DurationStats;
  /** Local submission time of the tasks this client created (bounded: oldest dropped first). */
  submittedAt: Map<string, number>;
  /** Number of `tasks.wait()` loops running now. */
  activeWaits: { count: number };
  /** The client's per-attempt timeout in ms. */
  timeoutMs: number;
  maxUploadBytes: number;
  download: DownloadConfig;
}

/** Remember when a task was submitted, keeping at most `limit` entries. */
export function rememberSubmission(context: ClientContext, taskId: string, limit = 1000): void {
  context.submittedAt.set(taskId, context.clock.now());
  if (context.submittedAt.size > limit) {
    const oldest = context.submittedAt.keys().next().value;
    if (oldest !== undefined) context.submittedAt.delete(oldest);
  }
}
