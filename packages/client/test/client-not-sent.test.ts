/**
 * What a caller of the paid submission must know for sure: whether anything left this machine. A
 * submission given up while waiting for its rate-limit turn, or before its upload began, or stopped
 * by the caller's write-ahead hook is a NotSentError (`notSent: true`): no task, no charge. And what
 * the server sends back never carries the API key to the caller.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  InvalidResponseError,
  NotSentError,
  type QueuedRequest,
  StudioClient,
  TaskFailedError,
} from '../src/index.js';
import { API_KEY, clientFor, makeGlb, startFastEmulator } from './helpers.js';

/** A loopback server answering every request with `answer`; closed by the returned function. */
async function startServer(
  answer: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

describe('a submission that never left', () => {
  it('cancelled while waiting for its rate-limit turn: NotSentError, nothing created', async () => {
    await using emulator = await startFastEmulator({ balance: 1000 });
    // One request per minute: the second submission waits a whole interval for its turn.
    await using client = clientFor(emulator, { requestsPerMinute: 1 });
    await client.segmentation.create({ model: makeGlb() });
    const controller = new AbortController();
    const reason = new Error('Ctrl-C');
    const queued: QueuedRequest[] = [];
    const second = client.segmentation.create(
      { model: makeGlb(64) },
      { signal: controller.signal, onQueued: (info) => queued.push(info) },
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort(reason);
    const error = await second.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotSentError);
    expect((error as NotSentError).notSent).toBe(true);
    expect((error as NotSentError).cause).toBe(reason);
    expect((error as Error).message).toMatch(/not sent.*nothing was created or billed/);
    // It said it was waiting, and for how long (about one interval: 60 s at 1 per minute).
    expect(queued).toHaveLength(1);
    expect(queued[0]!.nextFreeAt - Date.now()).toBeGreaterThan(50_000);
    expect(emulator.stats().requests.submit).toBe(1);
    expect(emulator.stats().submissions).toBe(1);
  });

  it('already cancelled when called: NotSentError, no request at all', async () => {
    await using emulator = await startFastEmulator();
    await using client = clientFor(emulator);
    const error = await client.segmentation
      .create({ model: makeGlb() }, { signal: AbortSignal.abort(new Error('gone')) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotSentError);
    expect(emulator.stats().requests.total).toBe(0);
  });

  it('beforeSend runs after the permit and before any byte; if it throws, nothing is sent', async () => {
    await using emulator = await startFastEmulator({ balance: 1000 });
    await using client = clientFor(emulator);
    const seen: number[] = [];
    await client.segmentation.create(
      { model: makeGlb() },
      { beforeSend: () => void seen.push(emulator.stats().requests.submit) },
    );
    expect(seen).toEqual([0]);
    expect(emulator.stats().submissions).toBe(1);

    const disk = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const error = await client.segmentation
      .create(
        { model: makeGlb(32) },
        {
          beforeSend: async () => {
            throw disk;
          },
        },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotSentError);
    expect((error as Error).cause).toBe(disk);
    expect((error as Error).message).toMatch(/ENOSPC/);
    expect(emulator.stats().requests.submit).toBe(1);
    expect(emulator.stats().balance).toBe(1000 - 80);
  });

  it('a key an HTTP header cannot carry is refused at construction, without echoing it', () => {
    for (const key of ['sk-ключ-123', 'sk-abc’def', 'sk-abc def', 'sk-abc\u0007def']) {
      let error: unknown;
      try {
        new StudioClient({ apiKey: key, baseUrl: 'http://127.0.0.1:9' });
      } catch (e) {
        error = e;
      }
      expect(error, key).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).code).toBe('INVALID_API_KEY');
      expect((error as Error).message).not.toContain(key);
      expect((error as Error).message).toMatch(/character \d+, U\+[0-9A-F]{4}/);
    }
  });
});

describe('what the server sends back', () => {
  it('never carries the key: task ids, statuses and failure reasons are redacted', async () => {
    const server = await startServer((req, res) => {
      const key = (req.headers.authorization ?? '').replace('Bearer ', '');
      if (req.method === 'POST') json(res, 200, { task_id: `task-${key}`, created_at: `at ${key}` });
      else json(res, 200, { status: 'FAILED', failure_reason: `upstream said: your key ${key} is wrong` });
    });
    try {
      await using client = new StudioClient({
        apiKey: API_KEY,
        baseUrl: server.url,
        requestsPerMinute: 6000,
      });
      const created = await client.segmentation.create({ model: makeGlb() });
      expect(created.taskId).toBe('task-[REDACTED]');
      expect(created.createdAt).not.toContain(API_KEY);
      const error = await client.tasks.wait('t1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskFailedError);
      expect((error as TaskFailedError).reason).toBe('upstream said: your key [REDACTED] is wrong');
      expect(JSON.stringify(error)).not.toContain(API_KEY);
    } finally {
      await server.close();
    }
  });

  it('a status answer over the read limit says so, instead of "not JSON"', async () => {
    const pad = 'x'.repeat(2 * 1024 * 1024);
    const server = await startServer((_req, res) => json(res, 200, { status: 'PENDING', pad }));
    try {
      await using client = new StudioClient({
        apiKey: API_KEY,
        baseUrl: server.url,
        requestsPerMinute: 6000,
      });
      const error = await client.tasks.retrieve('t1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect((error as Error).message).toMatch(/over the 1 MiB limit/);
      expect((error as Error).message).not.toMatch(/not JSON/);
    } finally {
      await server.close();
    }
  });

  it('wait() says when each next poll is due', async () => {
    await using emulator = await startFastEmulator({ durationMs: 300 });
    await using client = clientFor(emulator);
    const { taskId } = await client.segmentation.create({ model: makeGlb() });
    const polls: number[] = [];
    await client.tasks.wait(taskId, { onNextPoll: (at) => polls.push(at) });
    expect(polls.length).toBeGreaterThan(0);
    for (const at of polls) expect(at).toBeGreaterThan(Date.now() - 5000);
  });
});
