/**
 * The client's request budget: a sliding-window scheduler with a FIFO queue.
 *
 * The API allows `requestsPerMinute` requests (3 by default) per key in any 60-second window, and
 * status polls count. Every API request of a client takes a permit from one RateLimiter first, so a
 * batch of tasks cannot turn into a storm of 429s.
 *
 * A permit occupies its slot from the moment it is granted until `windowMs` after it is released (the
 * response arrived). Counting from the release rather than from the grant is deliberately conservative:
 * the server stamps a request when it arrives, which is somewhere between the two, so a window measured
 * from the release never ends before the server's does.
 *
 * Waiters are served strictly in arrival order, so many concurrent `wait()` loops share the budget
 * fairly and a submission queued behind them is not starved. `pauseUntil()` lets a 429's Retry-After
 * hold every request of the client, not only the one that was refused.
 */
import { throwIfAborted } from './abort.js';
import { type Clock, systemClock } from './clock.js';
import { StudioError } from './errors.js';

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
  release(): void;
}

interface Slot {
  /** When the slot frees up: `Infinity` while the request is in flight. */
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

  /** Average spacing between requests that the budget allows: the window divided by the request count. */
  get intervalMs(): number {
    return this.windowMs / this.requestsPerMinute;
  }

  /** How many callers are waiting for a permit. */
  get pending(): number {
    return this.#queue.length;
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
    return at;
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

  #prune(now: number): void {
    this.#slots = this.#slots.filter((slot) => slot.freeAt > now);
  }

  #grant(waiter: Waiter): void {
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
    const slot: Slot = { freeAt: Number.POSITIVE_INFINITY };
    this.#slots.push(slot);
    let released = false;
    waiter.resolve({
      release: () => {
        if (released) return;
        released = true;
        slot.freeAt = this.#clock.now() + this.windowMs;
        this.#pump();
      },
    });
  }

  #pump(): void {
    if (this.#closed) return;
    const now = this.#clock.now();
    this.#prune(now);
    while (
      this.#queue.length > 0 &&
      now >= this.#pausedUntil &&
      this.#slots.length < this.requestsPerMinute
    ) {
      const waiter = this.#queue.shift();
      if (waiter !== undefined) this.#grant(waiter);
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
