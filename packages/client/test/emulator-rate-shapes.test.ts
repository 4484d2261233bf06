/**
 * The emulator's rate-limit shapes (sliding and fixed windows of any length, token buckets) and its
 * optional rate-limit headers, over real HTTP with the emulator's clock moved by hand.
 */
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import {
  API_PATHS,
  describeRateLimitShape,
  type Emulator,
  type EmulatorOptions,
  parseRateLimitShape,
  startEmulator,
} from '../src/testing/index.js';
import { FixedWindow } from '../src/testing/rate-window.js';
import { TokenBucket } from '../src/testing/token-bucket.js';
import { useEmulators } from './emulator-harness.js';

const KEY = 'sk-emulator-rate-0123456789';
const emulators = useEmulators({ apiKey: KEY });

/** An emulator whose clock is `clock.now`, moved by the test. */
async function startAt(clock: { now: number }, options: EmulatorOptions): Promise<Emulator> {
  return emulators.start({ now: () => clock.now, ...options });
}

/** A wallet read (every API request counts against the budget): its status and headers. */
async function wallet(emulator: Emulator) {
  const response = await request(emulator.url + API_PATHS.wallet, {
    dispatcher: emulators.agent,
    headers: { authorization: `Bearer ${KEY}` },
  });
  await response.body.dump();
  return { status: response.statusCode, headers: response.headers };
}

/** The statuses of `count` wallet reads, one after the other. */
async function statuses(emulator: Emulator, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((await wallet(emulator)).status);
  return out;
}

describe('a sliding window of any length', () => {
  it('5 per 5 s: a sixth request within 5 s of the first is refused until the first leaves', async () => {
    const clock = { now: 100_000 };
    const emulator = await startAt(clock, { rateLimit: { kind: 'sliding', limit: 5, windowMs: 5_000 } });
    for (let i = 0; i < 5; i++) {
      expect((await wallet(emulator)).status).toBe(200);
      clock.now += 900;
    }
    // t = +4500: five in the window, the oldest (t = +0) leaves at +5000.
    const refused = await wallet(emulator);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    clock.now = 104_999;
    expect((await wallet(emulator)).status).toBe(429);
    clock.now = 105_000;
    expect((await wallet(emulator)).status).toBe(200);
    expect((await wallet(emulator)).status).toBe(429);
    expect(emulator.stats().rateLimited).toBe(3);
  });

  it('1 per 1 s: requests exactly one second apart all pass, one a millisecond early does not', async () => {
    const clock = { now: 7_000 };
    const emulator = await startAt(clock, { rateLimit: { kind: 'sliding', limit: 1, windowMs: 1_000 } });
    for (let i = 0; i < 3; i++) {
      expect((await wallet(emulator)).status).toBe(200);
      clock.now += 1_000;
    }
    clock.now -= 1;
    expect((await wallet(emulator)).status).toBe(429);
  });
});

describe('a fixed window', () => {
  it('counts per slice of the clock: the limit twice around a boundary, then nothing until the next slice', async () => {
    const clock = { now: 9_900 };
    const emulator = await startAt(clock, { rateLimit: { kind: 'fixed', limit: 5, windowMs: 5_000 } });
    // 9 900 is in the slice [5 000, 10 000): five pass, the sixth waits for 10 000.
    expect(await statuses(emulator, 6)).toEqual([200, 200, 200, 200, 200, 429]);
    clock.now = 10_000;
    expect(await statuses(emulator, 6)).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = await wallet(emulator);
    expect(refused.headers['retry-after']).toBe('5');
    clock.now = 15_000;
    expect((await wallet(emulator)).status).toBe(200);
  });

  it('unit: says exactly when the next slice starts, and reports the quota', () => {
    const window = new FixedWindow(2, 1_000);
    expect(window.quota('a', 1_200)).toEqual({ limit: 2, remaining: 2, resetMs: 0 });
    expect(window.admit('a', 1_200)).toEqual({ allowed: true });
    expect(window.admit('a', 1_300)).toEqual({ allowed: true });
    expect(window.admit('a', 1_400)).toEqual({ allowed: false, retryAfterMs: 600 });
    expect(window.quota('a', 1_400)).toEqual({ limit: 2, remaining: 0, resetMs: 600 });
    expect(window.admit('b', 1_400)).toEqual({ allowed: true });
    expect(window.admit('a', 2_000)).toEqual({ allowed: true });
  });
});

describe('a token bucket', () => {
  it('lets a burst of its capacity through, then one request per refill', async () => {
    const clock = { now: 50_000 };
    const emulator = await startAt(clock, {
      rateLimit: { kind: 'tokenBucket', capacity: 3, refillPerSecond: 2 },
    });
    expect(await statuses(emulator, 4)).toEqual([200, 200, 200, 429]);
    const refused = await wallet(emulator);
    expect(refused.headers['retry-after']).toBe('1'); // 500 ms, rounded up
    clock.now += 499;
    expect((await wallet(emulator)).status).toBe(429);
    clock.now += 1;
    expect(await statuses(emulator, 2)).toEqual([200, 429]);
    // A long pause refills up to the capacity, not beyond.
    clock.now += 60_000;
    expect(await statuses(emulator, 4)).toEqual([200, 200, 200, 429]);
  });

  it('unit: refills continuously and reports whole tokens', () => {
    const bucket = new TokenBucket(2, 1);
    expect(bucket.admit('a', 0)).toEqual({ allowed: true });
    expect(bucket.admit('a', 0)).toEqual({ allowed: true });
    expect(bucket.admit('a', 250)).toEqual({ allowed: false, retryAfterMs: 750 });
    expect(bucket.quota('a', 250)).toEqual({ limit: 2, remaining: 0, resetMs: 750 });
    expect(bucket.quota('a', 1_500)).toEqual({ limit: 2, remaining: 1, resetMs: 500 });
    expect(bucket.quota('a', 9_000)).toEqual({ limit: 2, remaining: 2, resetMs: 0 });
    // Float refills add up to whole tokens: ten steps of 100 ms at 1 per second make one token.
    const slow = new TokenBucket(1, 1);
    expect(slow.admit('a', 0).allowed).toBe(true);
    for (let t = 100; t < 1_000; t += 100) expect(slow.quota('a', t).remaining).toBe(0);
    expect(slow.admit('a', 1_000).allowed).toBe(true);
  });
});

describe('rate-limit headers', () => {
  it('are absent by default', async () => {
    const emulator = await emulators.start({ requestsPerMinute: 5 });
    const { headers } = await wallet(emulator);
    expect(Object.keys(headers).filter((name) => name.includes('ratelimit'))).toEqual([]);
  });

  it('x-ratelimit: limit, remaining and seconds to the next free request, on 200s and 429s', async () => {
    const clock = { now: 0 };
    const emulator = await startAt(clock, {
      rateLimit: { kind: 'sliding', limit: 2, windowMs: 10_000 },
      rateLimitHeaders: 'x-ratelimit',
    });
    const first = await wallet(emulator);
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit': '2',
      'x-ratelimit-remaining': '1',
      'x-ratelimit-reset': '10',
    });
    clock.now = 4_500;
    expect((await wallet(emulator)).headers['x-ratelimit-remaining']).toBe('0');
    const refused = await wallet(emulator);
    expect(refused.status).toBe(429);
    expect(refused.headers).toMatchObject({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '6' });
  });

  it('ietf: RateLimit-Policy and RateLimit structured fields (a bucket’s window is its refill time)', async () => {
    const clock = { now: 0 };
    const emulator = await startAt(clock, {
      rateLimit: { kind: 'tokenBucket', capacity: 10, refillPerSecond: 2 },
      rateLimitHeaders: 'ietf',
    });
    const { headers } = await wallet(emulator);
    expect(headers['ratelimit-policy']).toBe('"default";q=10;w=5');
    expect(headers.ratelimit).toBe('"default";r=9;t=1');
  });
});

describe('options', () => {
  it('keep the sliding window of requestsPerMinute per rateLimitWindowMs as the default', async () => {
    const clock = { now: 0 };
    const emulator = await startAt(clock, { requestsPerMinute: 2, rateLimitWindowMs: 3_000 });
    expect(await statuses(emulator, 3)).toEqual([200, 200, 429]);
    clock.now = 3_000;
    expect(await statuses(emulator, 3)).toEqual([200, 200, 429]);
    expect(emulator.printable).toMatch(/rate limit 2 requests per 3 s \(sliding window\)/);
  });

  it('refuse shapes that cannot work, naming the field', async () => {
    await expect(startEmulator({ rateLimit: { kind: 'fixed', limit: 0, windowMs: 1_000 } })).rejects.toThrow(
      /rateLimit\.limit/,
    );
    await expect(startEmulator({ rateLimit: { kind: 'sliding', limit: 5, windowMs: 0 } })).rejects.toThrow(
      /rateLimit\.windowMs/,
    );
    await expect(
      startEmulator({ rateLimit: { kind: 'tokenBucket', capacity: 5, refillPerSecond: 0 } }),
    ).rejects.toThrow(/rateLimit\.refillPerSecond/);
    await expect(
      startEmulator({ rateLimitHeaders: 'github' as unknown as EmulatorOptions['rateLimitHeaders'] }),
    ).rejects.toThrow(/rateLimitHeaders/);
  });

  it('read from text as `meshparts emulate --rate-limit` takes them', () => {
    expect(parseRateLimitShape('sliding:5/5')).toEqual({ kind: 'sliding', limit: 5, windowMs: 5_000 });
    expect(parseRateLimitShape('fixed:60/60s')).toEqual({ kind: 'fixed', limit: 60, windowMs: 60_000 });
    expect(parseRateLimitShape('bucket:10,0.5')).toEqual({
      kind: 'tokenBucket',
      capacity: 10,
      refillPerSecond: 0.5,
    });
    expect(() => parseRateLimitShape('5/5')).toThrow(/sliding:LIMIT\/SECONDS/);
    expect(() => parseRateLimitShape('sliding:0/5')).toThrow(/limit/);
    expect(describeRateLimitShape(parseRateLimitShape('bucket:10,1'))).toBe(
      'a token bucket of 10 refilled at 1 per second',
    );
  });
});
