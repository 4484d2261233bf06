/**
 * The client's request budget: evenly paced requests, a sliding-window ceiling and a FIFO queue.
 *
 * The API allows `requestsPerMinute` requests (3 by default) per key, status polls included, but does
 * not say how it counts them: over a minute, over a few seconds (60 per minute counted as 5 per 5 s), or
 * by a token bucket. Every API request of a client takes a permit from one RateLimiter first, so a batch
 * of tasks cannot turn into a storm of 429s, whatever the server's shape:
 *
 * 1. Pacing. Requests start at most one per interval (window ÷ limit: one per second at 60 per minute,
 *    one per 20 s at the default 3). Requests spaced by the average rate fit every window length and
 *    every bucket that allows that rate; a minute's budget sent at once does not (5 per 5 s refuses the
 *    sixth). The interval is counted from when the previous request was answered, not from when it was
 *    sent: the server stamps a request somewhere between the two, so spacing answers from starts is what
 *    keeps the server's stamps an interval apart. A request still unanswered after a whole window (a
 *    hung connection, a slow upload) stops holding the others back.
 * 2. Bursts, only on evidence. A server that states its budget in rate-limit headers (`RateLimit`,
 *    `RateLimit-Remaining`, `X-RateLimit-Remaining`, with a limit no larger than `requestsPerMinute`;
 *    see rate-limit-headers.ts) has shown how many more requests it takes right now: that many may start
 *    without pacing, less the requests it cannot have counted yet (granted after the answer's request,
 *    or still in flight). When it says none remain and when that changes, every request waits until
 *    then. Nothing else counts as evidence: no headers, a limit above ours (a daily quota), or a run of
 *    accepted paced requests prove nothing about bursts, and the limiter never probes with one.
 * 3. Ceiling. However paced or bursty, at most `requestsPerMinute` requests hold a slot in any window,
 *    a slot lasting from the grant until one window after the answer (conservative, as above).
 *
 * Waiters are served strictly in arrival order, so many concurrent `wait()` loops share the budget
 * fairly and a submission queued behind them is not starved. `pauseUntil()` lets a 429's Retry-After
 * hold every request of the client, not only the one that was refused.
 */
import { throwIfAborted } from './abort.js';
import { type Clock, systemClock } from './clock.js';
import { StudioError } from './errors.js';
import { type ResponseHeaders, readServerBudget } from './rate-limit-headers.js';

export interface RateLimiterOptions {
  /** Requests allowed in any window. Default 3, the API's documented default. */
  requestsPerMinute?: number;
  /** Window length in ms. Default 60 000 (one minute); tests shorten it. */
  windowMs?: number;
  clock?: Clock;
}

export const RATE_LIMITER_DEFAULTS = { requestsPerMinute: 3, windowMs: 60_000 } as const;

/** A granted request slot. Call `release()` once the request is over (it is safe to call twice). */
export interface Permit {
  /**
   * The request is over. Pass the response's headers when there was a response: a server that states
   * its remaining budget in them may let the next requests start without pacing.
   */
  release(headers?: ResponseHeaders): void;
  /**
   * The request provably never left this machine (connection refused, host not found): it used none
   * of the server's budget, so it neither paces the next request nor holds a slot. Ends the permit.
   */
  cancel(): void;
}

/** A request that cannot start at once: for progress displays ("next request slot in 14 s"). */
export interface QueuedRequest {
  /**
   * When the next request may start (epoch ms), at the soonest: requests still in flight pace the
   * next one from their answer, which is counted as coming now. The first in the queue gets it.
   */
  nextFreeAt: number;
  /** Requests already waiting, which are served first (FIFO). */
  ahead: number;
  /** Requests granted and not answered yet (the wait may last until their answers come). */
  inFlight: number;
}

interface Slot {
  /** Grant order, to tell which requests an answer's budget may already have counted. */
  seq: number;
  grantedAt: number;
  /** When the answer arrived: `Infinity` while the request is in flight. */
  releasedAt: number;
  /** When the slot stops counting against the ceiling: `Infinity` while in flight. */
  freeAt: number;
}

interface Waiter {
  resolve(permit: Permit): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

function closedError(): StudioError {
  return new StudioError('The client is closed (close() was called); no more requests are sent.', {
    code: 'CLIENT_CLOSED',
  });
}

export class RateLimiter {
  readonly requestsPerMinute: number;
  readonly windowMs: number;
  readonly #clock: Clock;
  #slots: Slot[] = [];
  readonly #queue: Waiter[] = [];
  #pausedUntil = 0;
  #granted = 0;
  /** Requests that may start without pacing: what the server last said remains, less what it missed. */
  #burst = 0;
  /** Grant order of the request whose answer set `#burst`: an older answer arriving later is stale. */
  #evidenceSeq = -1;
  #timer: unknown;
  #timerAt = Number.POSITIVE_INFINITY;
  #closed = false;

  constructor(options: RateLimiterOptions = {}) {
    const rpm = options.requestsPerMinute ?? RATE_LIMITER_DEFAULTS.requestsPerMinute;
    if (!Number.isFinite(rpm) || rpm <= 0) {
      throw new RangeError(`requestsPerMinute must be a positive number, got ${rpm}`);
    }
    this.requestsPerMinute = rpm;
    this.windowMs = options.windowMs ?? RATE_LIMITER_DEFAULTS.windowMs;
    this.#clock = options.clock ?? systemClock();
  }

  /** Spacing between paced requests: the window divided by the request count. */
  get intervalMs(): number {
    return this.windowMs / this.requestsPerMinute;
  }

  /** How many callers are waiting for a permit. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Requests the server's headers currently allow to start without pacing (0 without evidence). */
  get burst(): number {
    return this.#burst;
  }

  /** Wait for a permit, in FIFO order. Rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<Permit> {
    if (this.#closed)
      return Promise.reject(new Error('The rate limiter is closed (client.close() was called).'));
    throwIfAborted(signal);
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.#queue.indexOf(waiter);
          if (index >= 0) this.#queue.splice(index, 1);
          reject(signal?.reason);
          this.#pump();
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  /** Hold every request until `time` (epoch ms): the server said 429 and how long to wait. */
  pauseUntil(time: number): void {
    if (time > this.#pausedUntil) this.#pausedUntil = time;
    this.#pump();
  }

  /** The earliest time a new request could start if nobody else were queued. */
  nextFreeAt(): number {
    const now = this.#clock.now();
    this.#prune(now);
    let at = Math.max(now, this.#pausedUntil);
    if (this.#slots.length >= this.requestsPerMinute) {
      const frees = this.#slots.map((slot) => slot.freeAt).sort((a, b) => a - b);
      at = Math.max(at, frees[this.#slots.length - this.requestsPerMinute] ?? at);
    }
    if (this.#burst < 1) at = Math.max(at, this.#pacedAt());
    return at;
  }

  /**
   * What a request asking for a permit now would wait for, or undefined when it would get one at
   * once (nobody queued, a slot free, no pause or pacing in the way).
   */
  queuedRequest(): QueuedRequest | undefined {
    const now = this.#clock.now();
    const ahead = this.#queue.length;
    if (ahead === 0 && this.nextFreeAt() <= now) return undefined;
    // The same rule as nextFreeAt(), with every request in flight answered now.
    const slots = this.#slots.map((slot) =>
      slot.releasedAt === Number.POSITIVE_INFINITY
        ? { ...slot, releasedAt: now, freeAt: now + this.windowMs }
        : slot,
    );
    let at = Math.max(now, this.#pausedUntil);
    if (slots.length >= this.requestsPerMinute) {
      const frees = slots.map((slot) => slot.freeAt).sort((a, b) => a - b);
      at = Math.max(at, frees[slots.length - this.requestsPerMinute] ?? at);
    }
    if (this.#burst < 1) {
      for (const slot of slots) at = Math.max(at, slot.releasedAt + this.intervalMs);
    }
    const inFlight = this.#slots.filter((slot) => slot.releasedAt === Number.POSITIVE_INFINITY).length;
    return { nextFreeAt: at, ahead, inFlight };
  }

  /** Reject every waiter and clear the timer. Permits already granted may still be released. */
  close(): void {
    this.#closed = true;
    this.#clearTimer();
    const error = closedError();
    for (const waiter of this.#queue.splice(0)) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(error);
    }
  }

  /**
   * When the next paced request may start: one interval after the latest moment a request may have
   * been stamped by the server (its answer, or one window after its grant if it is still unanswered).
   */
  #pacedAt(): number {
    let at = Number.NEGATIVE_INFINITY;
    for (const slot of this.#slots) {
      at = Math.max(at, Math.min(slot.releasedAt, slot.grantedAt + this.windowMs) + this.intervalMs);
    }
    return at;
  }

  /** Drops the slots that no longer count; every slot that still paces others outlives its interval. */
  #prune(now: number): void {
    this.#slots = this.#slots.filter((slot) => slot.freeAt > now);
  }

  #grant(waiter: Waiter, now: number): void {
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
    const slot: Slot = {
      seq: this.#granted++,
      grantedAt: now,
      releasedAt: Number.POSITIVE_INFINITY,
      freeAt: Number.POSITIVE_INFINITY,
    };
    this.#slots.push(slot);
    this.#burst = Math.max(0, this.#burst - 1);
    let released = false;
    waiter.resolve({
      release: (headers) => {
        if (released) return;
        released = true;
        const at = this.#clock.now();
        slot.releasedAt = at;
        slot.freeAt = at + this.windowMs;
        if (headers !== undefined) this.#observe(slot, headers, at);
        this.#pump();
      },
      cancel: () => {
        if (released) return;
        released = true;
        this.#slots = this.#slots.filter((other) => other !== slot);
        this.#pump();
      },
    });
  }

  /** Takes the server's stated budget from the answer to `slot`'s request as burst evidence. */
  #observe(slot: Slot, headers: ResponseHeaders, now: number): void {
    if (slot.seq < this.#evidenceSeq) return;
    this.#evidenceSeq = slot.seq;
    const budget = readServerBudget(headers, now);
    if (budget === undefined || budget.limit > this.requestsPerMinute) {
      this.#burst = 0;
      return;
    }
    // Requests the answer cannot have counted: every one granted after this one, and older ones still
    // in flight (the server may stamp them later).
    const grantedAfter = this.#granted - 1 - slot.seq;
    const olderInFlight = this.#slots.filter(
      (other) => other.seq < slot.seq && other.releasedAt === Number.POSITIVE_INFINITY,
    ).length;
    this.#burst = Math.max(0, budget.remaining - grantedAfter - olderInFlight);
    if (budget.remaining === 0 && budget.resetAt !== undefined && budget.resetAt > now) {
      // Bounded by a window: a reset further away than that belongs to another kind of limit.
      this.pauseUntil(Math.min(budget.resetAt, now + this.windowMs));
    }
  }

  #pump(): void {
    if (this.#closed) return;
    const now = this.#clock.now();
    this.#prune(now);
    while (
      this.#queue.length > 0 &&
      now >= this.#pausedUntil &&
      this.#slots.length < this.requestsPerMinute &&
      (this.#burst >= 1 || now >= this.#pacedAt())
    ) {
      const waiter = this.#queue.shift();
      if (waiter !== undefined) this.#grant(waiter, now);
    }
    if (this.#queue.length === 0) {
      this.#clearTimer();
      return;
    }
    const at = this.nextFreeAt();
    // Every slot in flight: the next release() pumps again, no timer needed.
    if (!Number.isFinite(at)) {
      this.#clearTimer();
      return;
    }
    if (at === this.#timerAt) return;
    this.#clearTimer();
    this.#timerAt = at;
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.#pump();
      },
      Math.max(0, at - now),
    );
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }
}
