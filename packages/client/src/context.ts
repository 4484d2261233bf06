/**
 * What the resource namespaces share inside one StudioClient. Everything stateful lives here, per
 * client (never at module level): the rate limiter, the observed task durations, the submission times
 * the poll scheduler starts from, and the count of waits running (for their fair share of the budget).
 */

import { deadline } from './abort.js';
import type { ApiTransport } from './api-transport.js';
import type { Clock } from './clock.js';
import { StudioError } from './errors.js';
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
  /** Whether uploads may read files through reused buffers: only on the client's own Agent. */
  reuseUploadBuffers: boolean;
  /** Aborted by `client.close()` (reason: a CLIENT_CLOSED StudioError), ending every call in flight. */
  lifetime: AbortSignal;
}

/**
 * Run one public call under a signal that aborts with the caller's signal or when the client closes,
 * so that `close()` leaves no wait sleeping and no retry pending.
 */
export async function withLifetime<T>(
  context: ClientContext,
  signal: AbortSignal | undefined,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const scope = deadline([signal, context.lifetime], undefined, context.clock);
  try {
    return await run(scope.signal);
  } catch (error) {
    if (!signal?.aborted && context.lifetime.aborted) throw clientClosedError();
    throw error;
  } finally {
    scope.dispose();
  }
}

/** What a call in flight rejects with when the client is closed: a fresh error per call. */
export function clientClosedError(taskId?: string): StudioError {
  const task = taskId === undefined ? '' : ` Task ${taskId} keeps running server-side.`;
  return new StudioError(`The client was closed (close() was called) while this call was running.${task}`, {
    code: 'CLIENT_CLOSED',
    ...(taskId === undefined ? {} : { taskId }),
  });
}

/** Remember when a task was submitted, keeping at most `limit` entries. */
export function rememberSubmission(context: ClientContext, taskId: string, limit = 1000): void {
  context.submittedAt.set(taskId, context.clock.now());
  if (context.submittedAt.size > limit) {
    const oldest = context.submittedAt.keys().next().value;
    if (oldest !== undefined) context.submittedAt.delete(oldest);
  }
}
