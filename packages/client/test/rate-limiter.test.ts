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
  it('grants requestsPerMinute permits at once, then one per released slot a window later', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ requestsPerMinute: 3, clock });
    const log: string[] = [];
    const permits = await Promise.all(['a', 'b', 'c'].map((l) => track(limiter, clock, l, log)));
    expect(log).toEqual(['a@0', 'b@0', 'c@0']);
    const d = track(limiter, clock, 'd', log);
    await clock.advance(10);
    permits[0]!.release(); // at t=10: slot frees at 60 010
    permits[1]!.release();
    permits[2]!.release();
    await clock.advance(59_000);
    expect(log).toHaveLength(3);
    await clock.advance(1_010);
    await d;
    expect(log[3]).toBe('d@60010');
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

  it('reports its spacing and the next free time', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ requestsPerMinute: 3, clock });
    expect(limiter.intervalMs).toBe(20_000);
    const permit = await limiter.acquire();
    (await limiter.acquire()).release();
    expect(limiter.nextFreeAt()).toBe(0);
    (await limiter.acquire()).release();
    expect(limiter.nextFreeAt()).toBe(60_000);
    permit.release();
    expect(() => new RateLimiter({ requestsPerMinute: 0 })).toThrow(RangeError);
  });
});
