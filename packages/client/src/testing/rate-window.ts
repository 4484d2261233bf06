/** The outcome of asking the window for one more request. */
export type WindowDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Where a key's budget stands, as rate-limit headers report it (see budget-headers.ts). */
export interface Quota {
  /** Requests the budget holds when full: the window's limit, or the bucket's capacity. */
  limit: number;
  /** Requests the budget would admit right now. */
  remaining: number;
  /** Time until `remaining` grows by one, in ms; 0 when the budget is full. */
  resetMs: number;
}

/**
 * A request budget per API key. Rejected requests are never counted (the API's documented limit is on
 * requests served), so a client that backs off as told gets through as soon as the budget allows.
 */
export interface RateBudget {
  /** Admits (and records) one request for `key` at time `now`, or says how long until one would be. */
  admit(key: string, now: number): WindowDecision;
  /** The budget of `key` at `now`, without recording anything. */
  quota(key: string, now: number): Quota;
}

/**
 * A sliding window: at most `limit` admitted requests in any `windowMs`. The next request fits as
 * soon as the oldest admitted one leaves the window.
 */
export class SlidingWindow implements RateBudget {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #admitted = new Map<string, number[]>();

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  admit(key: string, now: number): WindowDecision {
    if (this.#limit === Number.POSITIVE_INFINITY) return { allowed: true };
    const times = this.#recent(key, now);
    if (times.length < this.#limit) {
      times.push(now);
      return { allowed: true };
    }
    const oldest = times[times.length - this.#limit] ?? now;
    return { allowed: false, retryAfterMs: Math.max(1, oldest + this.#windowMs - now) };
  }

  quota(key: string, now: number): Quota {
    if (this.#limit === Number.POSITIVE_INFINITY)
      return { limit: this.#limit, remaining: this.#limit, resetMs: 0 };
    const times = this.#recent(key, now);
    const oldest = times[0];
    return {
      limit: this.#limit,
      remaining: Math.max(0, this.#limit - times.length),
      resetMs: oldest === undefined ? 0 : oldest + this.#windowMs - now,
    };
  }

  /** The admitted times of `key` still inside the window, oldest first (the stored list, pruned). */
  #recent(key: string, now: number): number[] {
    const times = (this.#admitted.get(key) ?? []).filter((t) => t > now - this.#windowMs);
    this.#admitted.set(key, times);
    return times;
  }
}

/**
 * A fixed window: at most `limit` admitted requests per window, the windows being consecutive
 * `windowMs` slices of the clock from time 0 (so a one-minute window starts on the minute). Unlike a
 * sliding window it lets up to twice the limit through around a boundary: `limit` at the end of one
 * window, `limit` more at the start of the next.
 */
export class FixedWindow implements RateBudget {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #counts = new Map<string, { window: number; count: number }>();

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  admit(key: string, now: number): WindowDecision {
    const current = this.#current(key, now);
    if (current.count < this.#limit) {
      current.count++;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.max(1, this.#endOf(current.window) - now) };
  }

  quota(key: string, now: number): Quota {
    const current = this.#current(key, now);
    return {
      limit: this.#limit,
      remaining: Math.max(0, this.#limit - current.count),
      resetMs: current.count === 0 ? 0 : this.#endOf(current.window) - now,
    };
  }

  #current(key: string, now: number): { window: number; count: number } {
    const window = Math.floor(now / this.#windowMs);
    let current = this.#counts.get(key);
    if (current === undefined || current.window !== window) {
      current = { window, count: 0 };
      this.#counts.set(key, current);
    }
    return current;
  }

  #endOf(window: number): number {
    return (window + 1) * this.#windowMs;
  }
}
