import type { ServerResponse } from 'node:http';
import { sendError } from './responses.js';
import { formatRetryAfter, type RetryAfterForm } from './retry-after.js';
import type { EmulatorState } from './state.js';

/** A 429 RATE_LIMITED in the configured shape with the chosen Retry-After form, counted in stats. */
export function sendRateLimited(
  state: EmulatorState,
  res: ServerResponse,
  form: RetryAfterForm,
  seconds: number,
): void {
  state.stats.rateLimited++;
  const retryAfter = formatRetryAfter(form, seconds, state.options.now());
  sendError(
    res,
    state.options,
    { status: 429, code: 'RATE_LIMITED', message: 'Too many requests; slow down' },
    retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  );
}
