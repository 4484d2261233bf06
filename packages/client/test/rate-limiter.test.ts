import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/index.js';
import { fakeClock } from './fake-clock.js';

/** Acquire and record when each permit was granted (in clock time). */
function track(
  limiter: RateLimiter,
  clock: { now(): number },
  label: string,
  log: string[],
  signal?: AbortSignal,
) {
  return limiter.acquire(signal).then((permit) => {
    log.push(`${label}@${clock.now()}`);
    return permit;
  });
}

describe('RateLimiter', () => {
  it('paces requests one interval apart (window ÷ limit), counted from the previous answer', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ requestsPerMinute: 60, clock });
    expect(limiter.intervalMs).toBe(1_000);
    const log: string[] = [];
    const pending = ['a', 'b', 'c'].map((l) => track(limiter, clock, l, log));
    const a = await pending[0]!;
    expect(log).toEqual(['a@0']);
    await clock.advance(30);
    a.release(); // answered at 30: the server stamped it at 30 at the latest
    await clock.advance(999);
    expect(log).toEqual(['a@0']);
    await clock.advance(1);
    const b = await pending[1]!;
    expect(log).toEqual(['a@0', 'b@1030']);
    b.release();
    await clock.advance(1_000);
    (await pending[2]!).release();
    expect(log).toEqual(['a@0', 'b@1030', 'c@2030']);
  });

  it('a minute of budget never goes at once: 60 queued requests take a minute, not a moment', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ requestsPerMinute: 60, clock });
    const granted: number[] = [];
    const all = Array.from({ length: 60 }, () =>
      limiter.acquire().then((permit) => {
        granted.push(clock.now());
        permit.release();
      }),
    );
    await clock.advance(59_000);
    await Promise.all(all);
    expect(granted).toEqual(Array.from({ length: 60 }, (_, i) => i * 1_000));
  });

  it('keeps a slot busy while its request is in flight (window counted from the release)', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ requestsPerMinute: 1, clock });
    const log: string[] = [];
    const first = await track(limiter, clock, 'a', log);
    const second = track(limiter, clock, 'b', log);
    await clock.advance(120_000); // still in flight: nothing frees
    expect(log).toEqual(['a@0']);
    first.release();
    await clock.advance(59_999);
    expect(log).toEqual(['a@0']);
    await clock.advance(1);
    await second;
    expect(log).toEqual(['a@0', 'b@180000']);
  });

  it('an unanswered request holds the paced ones back for one window at most (a hung poll, a slow upload)', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ requestsPerMinute: 60, clock });
    const log: string[] = [];
    const upload = await track(limiter, clock, 'upload', log);
    const poll = track(limiter, clock, 'poll', log);
    await clock.advance(60_999);
    expect(log).toEqual(['upload@0']);
    await clock.advance(1);
    (await poll).release();
    expect(log).toEqual(['upload@0', 'poll@61000']);
    upload.release();
  });

  it('serves waiters in FIFO order, so concurrent pollers share the budget fairly', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ requestsPerMinute: 1, windowMs: 1_000, clock });
    const order: string[] = [];
    const loop = async (name: string, rounds: number) => {
      for (let i = 0; i < rounds; i++) {
        const permit = await limiter.acquire();
        order.push(name);
        permit.release();
      }
    };
    const all = Promise.all([loop('a', 3), loop('b', 3), loop('c', 3)]);
    await clock.advance(10_000);
    await all;
    expect(order).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('pauseUntil holds every request (a 429 Retry-After applies to the whole client)', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ requestsPerMinute: 10, clock });
    limiter.pauseUntil(5_000);
    const log: string[] = [];
    const p = track(limiter, clock, 'a', log);
    await clock.advance(4_999);
    expect(log).toEqual([]);
    await clock.advance(1);
    await p;
    expect(log).toEqual(['a@5000']);
  });

  it('an aborted waiter leaves the queue with the signal reason and does not take a slot', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ requestsPerMinute: 1, clock });
    const held = await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const log: string[] = [];
    const next = track(limiter, clock, 'next', log);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(limiter.pending).toBe(1);
    held.release();
    await clock.advance(60_000);
    await next;
    expect(log).toEqual(['next@60000']);
  });

  it('close() rejects waiters and leaves no timer behind', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ requestsPerMinute: 1, clock });
    (await limiter.acquire()).release();
    const waiting = limiter.acquire();
    expect(clock.pendingTimers()).toBe(1);
    limiter.close();
    await expect(waiting).rejects.toThrow(/closed/);
    expect(clock.pendingTimers()).toBe(0);
    await expect(limiter.acquire()).rejects.toThrow(/closed/);
  });

  it('a request that never left (cancel) neither paces the next one nor holds a slot', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ requestsPerMinute: 1, clock });
    const log: string[] = [];
    const refused = await track(limiter, clock, 'refused', log);
    const retry = track(limiter, clock, 'retry', log);
    await clock.advance(5);
    refused.cancel();
    refused.release(); // the transport's finally: a no-op after cancel
    await clock.advance(0);
    (await retry).release();
    expect(log).toEqual(['refused@0', 'retry@5']);
  });

  it('reports its spacing and the next free time', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ requestsPerMinute: 3, clock });
    expect(limiter.intervalMs).toBe(20_000);
    expect(limiter.nextFreeAt()).toBe(0);
    const permit = await limiter.acquire();
    expect(limiter.nextFreeAt()).toBe(80_000); // in flight: one window, then the interval
    await clock.advance(500);
    permit.release();
    expect(limiter.nextFreeAt()).toBe(20_500);
    expect(() => new RateLimiter({ requestsPerMinute: 0 })).toThrow(RangeError);
  });
});

/** Response headers stating a budget, in the common X-RateLimit form. */
function stated(limit: number, remaining: number, resetSeconds = 1) {
  return {
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': String(resetSeconds),
  };
}

describe("RateLimiter: bursts only on the server's word", () => {
  it('lets as many requests start at once as the headers say remain, less those the server has not seen', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ requestsPerMinute: 60, clock });
    const log: string[] = [];
    const first = await track(limiter, clock, 'a', log);
    const queued = ['b', 'c', 'd', 'e', 'f'].map((l) => track(limiter, clock, l, log));
    await clock.advance(20);
    first.release(stated(60, 3)); // three more now, then paced again
    await clock.advance(0);
    const burst = await Promise.all(queued.slice(0, 3));
    expect(log).toEqual(['a@0', 'b@20', 'c@20', 'd@20']);
    expect(limiter.burst).toBe(0);
    // b's answer says 2 remain, but c and d were granted after b: the server may not have counted them.
    await clock.advance(10);
    burst[0]!.release(stated(60, 2));
    await clock.advance(0);
    expect(limiter.burst).toBe(0);
    expect(log).toHaveLength(4);
    // d's answer (2 remain) came after every grant: two more may start at once.
    burst[1]!.release(stated(60, 1));
    burst[2]!.release(stated(60, 2));
    await clock.advance(0);
    await Promise.all(queued.slice(3));
    expect(log).toEqual(['a@0', 'b@20', 'c@20', 'd@20', 'e@30', 'f@30']);
  });

  it('counts older requests still in flight against the burst, and ignores an older answer that arrives late', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ requestsPerMinute: 60, clock });
    const slow = await limiter.acquire();
    await clock.advance(60_000 + 1_000); // an upload still going: no longer holds paced requests back
    const fast = await limiter.acquire();
    fast.release(stated(60, 5));
    expect(limiter.burst).toBe(4); // the upload may not have been counted yet
    slow.release(stated(60, 0, 30)); // older than `fast`'s answer: stale, no pause
    expect(limiter.burst).toBe(4);
    expect(limiter.nextFreeAt()).toBe(clock.now());
  });

  it('without headers, with a partial set, or with a limit above its own (a daily quota): paced', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ requestsPerMinute: 60, clock });
    for (const headers of [
      {},
      { 'x-ratelimit-remaining': '59' },
      stated(5_000, 4_999),
      { 'content-type': 'application/json' },
    ]) {
      const permit = await limiter.acquire();
      permit.release(headers);
      expect(limiter.burst).toBe(0);
      expect(limiter.nextFreeAt()).toBe(clock.now() + 1_000);
      await clock.advance(1_000);
    }
  });

  it('an answer without evidence ends a burst', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ requestsPerMinute: 60, clock });
    (await limiter.acquire()).release(stated(60, 50));
    expect(limiter.burst).toBe(50);
    (await limiter.acquire()).release({});
    expect(limiter.burst).toBe(0);
  });

  it('holds every request until the reset when the server says none remain', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ requestsPerMinute: 60, clock });
    const log: string[] = [];
    (await limiter.acquire()).release(stated(5, 0, 4));
    const next = track(limiter, clock, 'next', log);
    await clock.advance(3_999);
    expect(log).toEqual([]);
    await clock.advance(1);
    (await next).release();
    expect(log).toEqual(['next@4000']);
  });

  it('never exceeds requestsPerMinute in a window, whatever the headers say', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ requestsPerMinute: 3, clock });
    const log: string[] = [];
    (await track(limiter, clock, 'a', log)).release(stated(3, 3));
    const rest = ['b', 'c', 'd'].map((l) => track(limiter, clock, l, log));
    await clock.advance(0);
    (await rest[0]!).release(stated(3, 2));
    (await rest[1]!).release(stated(3, 1));
    expect(log).toEqual(['a@0', 'b@0', 'c@0']);
    await clock.advance(59_999);
    expect(log).toHaveLength(3);
    await clock.advance(1);
    (await rest[2]!).release();
    expect(log).toEqual(['a@0', 'b@0', 'c@0', 'd@60000']);
  });
});
