/**
 * The one retry policy of the client: what is retried, and how long to wait before the next attempt.
 *
 * - Reads (GET) are retried on connection errors, per-attempt timeouts, 408, 429 and 5xx.
 * - The paid submission (POST) is retried ONLY when the server provably did not take it: a 429, or a
 *   connection that was refused (or a host that did not resolve) before a byte was sent. Anything else
 *   may have created a task, and retrying could bill twice (API-NOTES.md, lessons from public clients).
 * - Delays grow exponentially with "equal jitter" (half fixed, half random) so that many clients do not
 *   retry in lockstep; a Retry-After header (seconds or HTTP date) replaces the backoff, capped at
 *   `maxRetryAfterMs` so a bogus header cannot stall a caller for hours.
 */

export interface RetryOptions {
  /** Retries after the first attempt. Default 2 (three attempts in all), like the Stainless SDKs. */
  maxRetries?: number;
  /** First backoff delay in ms. Default 500. */
  initialDelayMs?: number;
  /** Largest backoff delay in ms. Default 8 000. */
  maxDelayMs?: number;
  /** Largest wait a Retry-After header may impose, in ms. Default 120 000. */
  maxRetryAfterMs?: number;
}

export const RETRY_DEFAULTS: Required<RetryOptions> = {
  maxRetries: 2,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 120_000,
};

/** What happened to one attempt, as far as the retry decision cares. */
export type AttemptOutcome =
  | { kind: 'response'; status: number; retryAfterMs?: number }
  /** `sent: false` only when the request provably never left (connection refused, DNS failure). */
  | { kind: 'network'; sent: boolean }
  | { kind: 'timeout' };

/**
 * Error codes that prove nothing was sent: the connection was refused or the host did not resolve,
 * or the request was refused locally before connecting (undici's UND_ERR_INVALID_ARG, Node's
 * ERR_INVALID_CHAR: a header value such as a damaged API key that HTTP does not allow).
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_INVALID_ARG',
  'ERR_INVALID_CHAR',
]);

/** Whether an undici / Node network error proves that the request never reached the server. */
export function wasNotSent(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_SENT_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Retry-After in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3). Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Exponential backoff with equal jitter for retry number `retry` (0 for the first retry). */
export function backoffDelay(retry: number, options: Required<RetryOptions>, random: () => number): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** retry);
  return Math.round(base / 2 + (random() * base) / 2);
}

/** Whether this outcome may be retried at all, given the method. */
export function isRetryable(method: string, outcome: AttemptOutcome): boolean {
  const paid = method.toUpperCase() !== 'GET';
  if (outcome.kind === 'response') {
    if (outcome.status === 429) return true;
    if (paid) return false;
    return outcome.status === 408 || outcome.status >= 500;
  }
  if (outcome.kind === 'network') return paid ? !outcome.sent : true;
  return !paid;
}

/**
 * The delay before retry number `retry` (0-based), or undefined when the policy says stop: the outcome
 * is not retryable or the retries are spent.
 */
export function retryDelay(
  method: string,
  outcome: AttemptOutcome,
  retry: number,
  options: Required<RetryOptions>,
  random: () => number = Math.random,
): number | undefined {
  if (retry >= options.maxRetries || !isRetryable(method, outcome)) return undefined;
  if (outcome.kind === 'response' && outcome.retryAfterMs !== undefined) {
    return Math.min(outcome.retryAfterMs, options.maxRetryAfterMs);
  }
  return backoffDelay(retry, options, random);
}
