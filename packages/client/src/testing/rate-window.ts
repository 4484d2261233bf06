/** The outcome of asking the window for one more request. */
export type WindowDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * A sliding-window request budget per key: at most `limit` admitted requests in any `windowMs`.
 * Rejected requests are not counted (the API's documented limit is on requests served), so a client
 * that backs off as told gets through as soon as the oldest admitted request leaves the window.
 */
export class SlidingWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #admitted = new Map<string, number[]>();

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Admits (and records) one request for `key` at time `now`, or says how long until one would be. */
  admit(key: string, now: number): WindowDecision {
    if (this.#limit === Number.POSITIVE_INFINITY) return { allowed: true };
    const times = (this.#admitted.get(key) ?? []).filter((t) => t > now - this.#windowMs);
    if (times.length < this.#limit) {
      times.push(now);
      this.#admitted.set(key, times);
      return { allowed: true };
    }
    this.#admitted.set(key, times);
    const oldest = times[times.length - this.#limit] ?? now;
    return { allowed: false, retryAfterMs: Math.max(1, oldest + this.#windowMs - now) };
  }
}
