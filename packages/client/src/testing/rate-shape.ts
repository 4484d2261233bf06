/**
 * The shapes of rate limit the emulator can enforce. The API documents a budget per minute (3 by
 * default) but not how the server counts it, and the same 60 requests per minute may be counted over
 * a minute, over 5 seconds (5 per 5 s) or by a token bucket: a client must stay clear of 429s under
 * every one of them.
 */
import { FixedWindow, type RateBudget, SlidingWindow } from './rate-window.js';
import { TokenBucket } from './token-bucket.js';

/**
 * How the emulator counts an API key's requests:
 * - `sliding`: at most `limit` requests in any `windowMs` (the default: `requestsPerMinute` per
 *   `rateLimitWindowMs`);
 * - `fixed`: at most `limit` requests in each consecutive `windowMs` slice of the clock;
 * - `tokenBucket`: bursts of up to `capacity`, refilled at `refillPerSecond`.
 */
export type RateLimitShape =
  | { kind: 'sliding'; limit: number; windowMs: number }
  | { kind: 'fixed'; limit: number; windowMs: number }
  | { kind: 'tokenBucket'; capacity: number; refillPerSecond: number };

/** The budget that enforces `shape`. */
export function createRateBudget(shape: RateLimitShape): RateBudget {
  switch (shape.kind) {
    case 'sliding':
      return new SlidingWindow(shape.limit, shape.windowMs);
    case 'fixed':
      return new FixedWindow(shape.limit, shape.windowMs);
    case 'tokenBucket':
      return new TokenBucket(shape.capacity, shape.refillPerSecond);
  }
}

/** Throws a RangeError naming the field when `shape` cannot work. */
export function checkRateLimitShape(shape: RateLimitShape): void {
  const fail = (field: string, rule: string, value: unknown): never => {
    throw new RangeError(`emulator: rateLimit.${field} must be ${rule} (got ${String(value)})`);
  };
  switch (shape.kind) {
    case 'sliding':
    case 'fixed':
      if (!(shape.limit >= 1)) fail('limit', 'at least 1 (Infinity for no limit)', shape.limit);
      if (!(shape.windowMs > 0 && Number.isFinite(shape.windowMs))) fail('windowMs', '> 0', shape.windowMs);
      return;
    case 'tokenBucket':
      if (!(shape.capacity >= 1 && Number.isFinite(shape.capacity)))
        fail('capacity', 'at least 1', shape.capacity);
      if (!(shape.refillPerSecond > 0 && Number.isFinite(shape.refillPerSecond)))
        fail('refillPerSecond', '> 0', shape.refillPerSecond);
      return;
    default:
      fail('kind', "'sliding', 'fixed' or 'tokenBucket'", (shape as { kind: unknown }).kind);
  }
}

/** One line for the emulator's summary, e.g. `5 requests per 5 s (sliding window)`. */
export function describeRateLimitShape(shape: RateLimitShape): string {
  switch (shape.kind) {
    case 'sliding':
    case 'fixed':
      if (shape.limit === Number.POSITIVE_INFINITY) return 'unlimited';
      return `${shape.limit} requests per ${shape.windowMs / 1000} s (${shape.kind} window)`;
    case 'tokenBucket':
      return `a token bucket of ${shape.capacity} refilled at ${shape.refillPerSecond} per second`;
  }
}

const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const WINDOW_TEXT = new RegExp(`^(sliding|fixed):${NUMBER}/${NUMBER}s?$`);
const BUCKET_TEXT = new RegExp(`^bucket:${NUMBER},${NUMBER}$`);

/**
 * Reads a shape from text, as `meshparts emulate --rate-limit` takes it: `sliding:LIMIT/SECONDS`,
 * `fixed:LIMIT/SECONDS` (e.g. `sliding:5/5` for 5 requests in any 5 seconds) or
 * `bucket:CAPACITY,PER_SECOND` (e.g. `bucket:10,1`). Throws a RangeError that shows the forms.
 */
export function parseRateLimitShape(text: string): RateLimitShape {
  const value = text.trim().toLowerCase();
  const window = WINDOW_TEXT.exec(value);
  const bucket = BUCKET_TEXT.exec(value);
  let shape: RateLimitShape | undefined;
  if (window !== null) {
    shape = {
      kind: window[1] === 'fixed' ? 'fixed' : 'sliding',
      limit: Number(window[2]),
      windowMs: Number(window[3]) * 1000,
    };
  } else if (bucket !== null) {
    shape = { kind: 'tokenBucket', capacity: Number(bucket[1]), refillPerSecond: Number(bucket[2]) };
  }
  if (shape === undefined) {
    throw new RangeError(
      `not a rate limit: ${JSON.stringify(text)}; use sliding:LIMIT/SECONDS, fixed:LIMIT/SECONDS or bucket:CAPACITY,PER_SECOND (e.g. sliding:5/5)`,
    );
  }
  checkRateLimitShape(shape);
  return shape;
}
