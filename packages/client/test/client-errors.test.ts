import { createServer } from 'node:http';
import { inspect } from 'node:util';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  InsufficientCreditsError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  ServerError,
  StudioClient,
  StudioError,
  ValidationError,
} from '../src/index.js';
import { ERROR_SHAPES } from '../src/testing/index.js';
import { API_KEY, clientFor, makeGlb, startFastEmulator } from './helpers.js';

const SUBMIT = { method: 'POST', path: '/v1/3d-models/tripo/mesh-segmentation/' };

describe('typed errors over real HTTP', () => {
  it('a wrong key is an AuthenticationError that never shows either key', async () => {
    await using emulator = await startFastEmulator();
    const wrongKey = 'sk-wrong-9a8b7c6d5e4f';
    await using client = clientFor(emulator, { apiKey: wrongKey });
    const error = await client.wallet.balance().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    const auth = error as AuthenticationError;
    expect(auth.status).toBe(401);
    expect(auth.request).toEqual({ method: 'GET', url: `${emulator.url}/account/user/wallet/` });
    for (const text of [
      auth.message,
      JSON.stringify(auth),
      inspect(auth, { depth: 5 }),
      String(auth.stack),
    ]) {
      expect(text).not.toContain(wrongKey);
      expect(text).not.toContain(API_KEY);
    }
    // Not retried: a 401 will not get better.
    expect(emulator.stats().requests.wallet).toBe(1);
    expect(inspect(client, { depth: 5 })).not.toContain(wrongKey);
  });

  it('redacts the key when a server echoes it back in an error body', async () => {
    const server = createServer((req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: `bad header: ${req.headers.authorization}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      await using client = new StudioClient({ apiKey: API_KEY, baseUrl: `http://127.0.0.1:${port}` });
      const error = (await client.wallet.balance().catch((e: unknown) => e)) as ValidationError;
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toContain('bad header: Bearer [REDACTED]');
      expect(error.bodyExcerpt).toContain('[REDACTED]');
      for (const text of [
        error.message,
        error.bodyExcerpt,
        JSON.stringify(error),
        inspect(error, { depth: 5 }),
      ]) {
        expect(text).not.toContain(API_KEY);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('402 is InsufficientCreditsError and nothing is charged', async () => {
    await using emulator = await startFastEmulator({ balance: 50 });
    await using client = clientFor(emulator);
    const error = await client.segmentation.create({ model: makeGlb() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect((error as StudioError).code).toBe('INSUFFICIENT_CREDITS');
    expect(emulator.stats().submissions).toBe(0);
    expect(emulator.stats().requests.submit).toBe(1);
  });

  it('an unknown task is a NotFoundError', async () => {
    await using emulator = await startFastEmulator();
    await using client = clientFor(emulator);
    await expect(client.tasks.retrieve('no-such-task')).rejects.toBeInstanceOf(NotFoundError);
  });

  it.each(
    ERROR_SHAPES.flatMap((shape) =>
      (['upper', 'lower'] as const).map((codeCase) => [shape, codeCase] as const),
    ),
  )('parses the %s error shape with %s-case codes', async (errorShape, errorCodeCase) => {
    await using emulator = await startFastEmulator({
      errorShape,
      errorCodeCase,
      faults: [
        {
          kind: 'status',
          status: 400,
          code: 'VALIDATION_FAILED',
          message: 'model is required',
          match: SUBMIT,
        },
      ],
    });
    await using client = clientFor(emulator);
    const error = await client.segmentation.create({ model: makeGlb() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const v = error as ValidationError;
    expect(v.status).toBe(400);
    expect(v.message).toContain('model is required');
    if (v.code !== undefined) expect(v.code).toBe('VALIDATION_FAILED');
    expect(v.bodyExcerpt).toBeDefined();
  });

  it('a proxy HTML 502 page becomes a clean ServerError after the GET retries', async () => {
    await using emulator = await startFastEmulator({ faults: [{ kind: 'html', status: 502, times: 10 }] });
    await using client = clientFor(emulator, { maxRetries: 2 });
    const error = await client.wallet.balance().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    const server = error as ServerError;
    expect(server.status).toBe(502);
    expect(server.message).toMatch(/HTTP 502 Bad Gateway \(an HTML error page/);
    expect(server.message).not.toMatch(/<\w+/);
    expect(server.bodyExcerpt).not.toMatch(/<\w+/);
    expect(emulator.stats().requests.wallet).toBe(3);
  });

  it('a proxy HTML 413 on upload is PayloadTooLargeError, and the POST is not retried', async () => {
    await using emulator = await startFastEmulator({
      faults: [{ kind: 'html', status: 413, match: SUBMIT }],
    });
    await using client = clientFor(emulator);
    await expect(client.segmentation.create({ model: makeGlb() })).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
    expect(emulator.stats().requests.submit).toBe(1);
  });

  it('429 after the retries is RateLimitedError with the server delay', async () => {
    await using emulator = await startFastEmulator({
      faults: [{ kind: 'rateLimit', retryAfter: 'seconds', retryAfterSeconds: 1, times: 10 }],
    });
    await using client = clientFor(emulator, { maxRetries: 1, retry: { maxRetryAfterMs: 20 } });
    const error = await client.wallet.balance().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(1000);
    expect(emulator.stats().rateLimited).toBe(2);
  });
});

describe('client options', () => {
  it('uses a given dispatcher and leaves it open on close()', async () => {
    await using emulator = await startFastEmulator();
    const agent = new Agent();
    try {
      const client = clientFor(emulator, { dispatcher: agent });
      expect(await client.wallet.balance()).toBe(150);
      await client.close();
      expect(agent.closed).toBe(false);
      const response = await request(`${emulator.url}/account/user/wallet/`, { dispatcher: agent });
      await response.body.dump();
      expect(response.statusCode).toBe(401);
    } finally {
      await agent.close();
    }
  });

  it('takes the key and base URL from the environment, and refuses http: off loopback', () => {
    const saved = { key: process.env.THREEDAISTUDIO_API_KEY, url: process.env.THREEDAISTUDIO_BASE_URL };
    try {
      process.env.THREEDAISTUDIO_API_KEY = API_KEY;
      process.env.THREEDAISTUDIO_BASE_URL = 'http://127.0.0.1:9/';
      const client = new StudioClient();
      expect(client.baseUrl).toBe('http://127.0.0.1:9/');
      void client.close();
      delete process.env.THREEDAISTUDIO_BASE_URL;
      const defaults = new StudioClient();
      expect(defaults.baseUrl).toBe('https://api.3daistudio.com/');
      void defaults.close();
      delete process.env.THREEDAISTUDIO_API_KEY;
      expect(() => new StudioClient()).toThrow(AuthenticationError);
      expect(() => new StudioClient({ apiKey: 'k-123456', baseUrl: 'http://api.example.com' })).toThrow(
        /https/,
      );
      expect(() => new StudioClient({ apiKey: 'k-123456', baseUrl: 'http://[::1]:8080' })).not.toThrow();
      expect(() => new StudioClient({ apiKey: 'k-123456', baseUrl: 'ftp://x' })).toThrow(StudioError);
    } finally {
      if (saved.key === undefined) delete process.env.THREEDAISTUDIO_API_KEY;
      else process.env.THREEDAISTUDIO_API_KEY = saved.key;
      if (saved.url === undefined) delete process.env.THREEDAISTUDIO_BASE_URL;
      else process.env.THREEDAISTUDIO_BASE_URL = saved.url;
    }
  });
});
