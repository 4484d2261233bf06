import type { OutgoingHttpHeaders } from 'node:http';
import type { RateLimitShape } from './rate-shape.js';
import type { Quota } from './rate-window.js';

/**
 * Which rate-limit headers the emulator adds to every authenticated API answer (429s included).
 * API-NOTES.md does not say that the API sends any, so the default is `none`:
 * - `x-ratelimit`: the common `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset`
 *   (seconds from now);
 * - `ietf`: the IETF draft's (draft-ietf-httpapi-ratelimit-headers-08 and later) structured fields
 *   `RateLimit-Policy: "default";q=LIMIT;w=SECONDS` and `RateLimit: "default";r=REMAINING;t=SECONDS`.
 *
 * The reset is the time, rounded up to a whole second, until the budget admits one more request.
 */
export type RateLimitHeaderForm = 'none' | 'x-ratelimit' | 'ietf';

export const RATE_LIMIT_HEADER_FORMS: readonly RateLimitHeaderForm[] = ['none', 'x-ratelimit', 'ietf'];

/** The policy's window in seconds: a window's length, or the time a bucket takes to refill. */
function policyWindowSeconds(shape: RateLimitShape): number {
  return shape.kind === 'tokenBucket' ? shape.capacity / shape.refillPerSecond : shape.windowMs / 1000;
}

/** The headers of `form` for a budget at `quota`; none for an unlimited budget. */
export function budgetHeaders(
  form: RateLimitHeaderForm,
  shape: RateLimitShape,
  quota: Quota,
): OutgoingHttpHeaders {
  if (form === 'none' || !Number.isFinite(quota.limit)) return {};
  const reset = Math.ceil(quota.resetMs / 1000);
  if (form === 'x-ratelimit') {
    return {
      'x-ratelimit-limit': String(quota.limit),
      'x-ratelimit-remaining': String(quota.remaining),
      'x-ratelimit-reset': String(reset),
    };
  }
  return {
    'ratelimit-policy': `"default";q=${quota.limit};w=${Math.ceil(policyWindowSeconds(shape))}`,
    ratelimit: `"default";r=${quota.remaining};t=${reset}`,
  };
}
