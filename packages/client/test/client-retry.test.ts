import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConnectionError, StudioClient, SubmissionUnknownError, TimeoutError } from '../src/index.js';
import { API_KEY, clientFor, makeGlb, recordingLogger, sha256, startFastEmulator } from './helpers.js';

const SUBMIT = { method: 'POST', path: '/v1/3d-models/tripo/mesh-segmentation/' };
const WALLET = { path: '/account/user/wallet/' };

/** A loopback port with nothing listening on it (connections are refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('retries of reads', () => {
  it('retries a GET after a connection reset', async () => {
    await using emulator = await startFastEmulator({ faults: [{ kind: 'reset', match: WALLET }] });
    await using client = clientFor(emulator);
    expect(await client.wallet.balance()).toBe(150);
    expect(emulator.stats().requests.wallet).toBe(2);
  });

  it.each(['seconds', 'http-date'] as const)('honours Retry-After as %s on a 503', async (retryAfter) => {
    await using emulator = await startFastEmulator({
      faults: [{ kind: 'status', status: 503, retryAfter, retryAfterSeconds: 1, match: WALLET }],
    });
    await using client = clientFor(emulator);
    const started = Date.now();
    expect(await client.wallet.balance()).toBe(150);
    const elapsed = Date.now() - started;
    // The backoff alone would be ~10 ms; the header asked for up to a second (a date has 1 s granularity).
    expect(elapsed).toBeGreaterThanOrEqual(retryAfter === 'seconds' ? 950 : 1);
    expect(emulator.stats().requests.wallet).toBe(2);
  });

  it('retries a 429 without Retry-After using the backoff', async () => {
    await using emulator = await startFastEmulator({
      faults: [{ kind: 'rateLimit', retryAfter: 'none', times: 2 }],
    });
    await using client = clientFor(emulator);
    expect(await client.wallet.balance()).toBe(150);
    expect(emulator.stats().rateLimited).toBe(2);
    expect(emulator.stats().requests.wallet).toBe(3);
  });

  it('a per-attempt timeout is retried for a GET', async () => {
    await using emulator = await startFastEmulator({ faults: [{ kind: 'delay', ms: 2000, match: WALLET }] });
    await using client = clientFor(emulator, { timeoutMs: 150 });
    expect(await client.wallet.balance()).toBe(150);
    expect(emulator.stats().requests.wallet).toBe(2);
  });
});

describe("the server's own rate limit", () => {
  it.each(['seconds', 'http-date', 'none'] as const)(
    'a client that overestimates its budget recovers from 429s with Retry-After %s',
    async (rateLimitRetryAfter) => {
      // The server takes 2 per second; the client believes 600 per minute (one per 100 ms).
      await using emulator = await startFastEmulator({
        requestsPerMinute: 2,
        rateLimitWindowMs: 1000,
        rateLimitRetryAfter,
      });
      await using client = clientFor(emulator, {
        requestsPerMinute: 600,
        maxRetries: 6,
        retry: { initialDelayMs: 200, maxDelayMs: 1000, maxRetryAfterMs: 2000 },
      });
      const balances = await Promise.all([1, 2, 3, 4, 5].map(() => client.wallet.balance()));
      expect(balances).toEqual([150, 150, 150, 150, 150]);
      expect(emulator.stats().rateLimited).toBeGreaterThan(0);
    },
  );
});

describe('the paid POST is never resubmitted when it may have arrived', () => {
  it('a connection dropped after the task was created: SubmissionUnknownError, paid once', async () => {
    await using emulator = await startFastEmulator({ faults: [{ kind: 'acceptThenDrop' }] });
    await using client = clientFor(emulator);
    const glb = makeGlb();
    const error = await client.segmentation.create({ model: glb }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubmissionUnknownError);
    expect((error as Error).message).toMatch(/may have created a task.*NOT resubmitted/);
    const stats = emulator.stats();
    expect(stats.requests.submit).toBe(1);
    expect(stats.submissionsByHash).toEqual({ [sha256(glb)]: 1 });
    expect(stats.balance).toBe(70);
  });

  it('a reset or a 5xx of the POST is not retried', async () => {
    await using emulator = await startFastEmulator({
      faults: [
        { kind: 'reset', match: SUBMIT },
        { kind: 'status', status: 503, match: SUBMIT },
        { kind: 'html', status: 504, match: SUBMIT },
      ],
    });
    await using client = clientFor(emulator);
    for (const expected of [undefined, 503, 504]) {
      const error = await client.segmentation.create({ model: makeGlb() }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SubmissionUnknownError);
      expect((error as SubmissionUnknownError).status).toBe(expected);
    }
    expect(emulator.stats().requests.submit).toBe(3);
  });

  it('a POST that times out after sending is not retried', async () => {
    // A tiny server that reads the upload and never answers. (The emulator's `delay` fault on a POST
    // whose client has gone away keeps the emulator's close() waiting, so this case has its own server.)
    let posts = 0;
    const server = createHttpServer((req) => {
      posts++;
      req.resume();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      await using client = new StudioClient({
        apiKey: API_KEY,
        baseUrl: `http://127.0.0.1:${port}`,
        timeoutMs: 150,
      });
      const error = await client.segmentation.create({ model: makeGlb() }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SubmissionUnknownError);
      expect((error as Error).message).toMatch(/timed out.*NOT resubmitted/);
      expect((error as Error).cause).toBeInstanceOf(TimeoutError);
      expect(posts).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('an abort mid-upload rejects with the reason at once and warns that the task may exist', async () => {
    // A server that never reads the body: the upload stalls on back-pressure until aborted. The abort
    // comes once the request's headers (sent with the first chunk of the body) have arrived.
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const server = createHttpServer((req) => {
      req.pause();
      setTimeout(() => controller.abort(reason), 50);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const logger = recordingLogger();
      await using client = new StudioClient({ apiKey: API_KEY, baseUrl: `http://127.0.0.1:${port}`, logger });
      const started = Date.now();
      await expect(
        client.segmentation.create({ model: makeGlb(16 * 1024 * 1024) }, { signal: controller.signal }),
      ).rejects.toBe(reason);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(
        logger.lines.some((line) => /warn submission aborted.*may have reached the server/.test(line)),
      ).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a 429 on the POST is retried (the server did not take it), and paid once', async () => {
    await using emulator = await startFastEmulator({
      faults: [{ kind: 'rateLimit', retryAfter: 'seconds', retryAfterSeconds: 0, match: SUBMIT }],
    });
    await using client = clientFor(emulator);
    const created = await client.segmentation.create({ model: makeGlb() });
    expect(created.taskId).toMatch(/\S/);
    expect(emulator.stats().requests.submit).toBe(2);
    expect(emulator.stats().submissions).toBe(1);
  });

  it('a refused connection is retried (nothing was sent) and reported as such', async () => {
    const port = await closedPort();
    const logger = recordingLogger();
    await using client = new StudioClient({
      apiKey: API_KEY,
      baseUrl: `http://127.0.0.1:${port}`,
      maxRetries: 2,
      retry: { initialDelayMs: 5, maxDelayMs: 10 },
      logger,
    });
    const error = await client.segmentation.create({ model: makeGlb() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(SubmissionUnknownError);
    expect((error as Error).message).toMatch(/ECONNREFUSED.*nothing was sent/);
    // The one flag a caller needs: no task can exist, so submitting again cannot pay twice.
    expect((error as ConnectionError).notSent).toBe(true);
    // The undici error kept as `cause` carries no request headers either.
    expect(inspect(error, { depth: 10 })).not.toContain(API_KEY);
    expect(logger.lines.filter((l) => l.includes('will be retried'))).toHaveLength(2);
    expect(logger.lines.join('\n')).not.toContain(API_KEY);
  });

  it('per-attempt timeouts surface as TimeoutError for reads once retries are spent', async () => {
    await using emulator = await startFastEmulator({
      faults: [{ kind: 'delay', ms: 5000, match: WALLET, times: 3 }],
    });
    // 500 ms per attempt: enough for a request to reach the server on a loaded machine, far below the delay.
    await using client = clientFor(emulator, { timeoutMs: 500, maxRetries: 2 });
    await expect(client.wallet.balance()).rejects.toBeInstanceOf(TimeoutError);
    expect(emulator.stats().requests.wallet).toBe(3);
  });
});
