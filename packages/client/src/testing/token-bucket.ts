import type { Quota, RateBudget, WindowDecision } from './rate-window.js';

/**
 * A token bucket per key: it starts full with `capacity` tokens, refills continuously at
 * `refillPerSecond`, never beyond `capacity`, and every admitted request takes one token. It allows a
 * burst of `capacity` requests, then one per 1 / `refillPerSecond` seconds.
 */
export class TokenBucket implements RateBudget {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(capacity: number, refillPerSecond: number) {
    this.#capacity = capacity;
    this.#perMs = refillPerSecond / 1000;
  }

  admit(key: string, now: number): WindowDecision {
    const bucket = this.#refill(key, now);
    // A hair of tolerance: refills in float steps (0.1 + 0.2 ...) must not turn a whole token into 0.999...
    if (bucket.tokens >= 1 - 1e-9) {
      bucket.tokens = Math.max(0, bucket.tokens - 1);
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs)) };
  }

  quota(key: string, now: number): Quota {
    const { tokens } = this.#refill(key, now);
    const whole = Math.floor(tokens);
    return {
      limit: this.#capacity,
      remaining: whole,
      resetMs: tokens >= this.#capacity ? 0 : Math.ceil((whole + 1 - tokens) / this.#perMs),
    };
  }

  #refill(key: string, now: number): { tokens: number; at: number } {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: this.#capacity, at: now };
      this.#buckets.set(key, bucket);
    }
    // A clock that steps back (tests move it by hand) refills nothing rather than draining the bucket.
    const elapsed = Math.max(0, now - bucket.at);
    bucket.tokens = Math.min(this.#capacity, bucket.tokens + elapsed * this.#perMs);
    bucket.at = Math.max(bucket.at, now);
    return bucket;
  }
}
