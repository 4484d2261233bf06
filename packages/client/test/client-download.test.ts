import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConnectionError,
  InvalidResponseError,
  PayloadTooLargeError,
  ResultExpiredError,
  StudioError,
  TimeoutError,
} from '../src/index.js';
import type { EmulatorOptions } from '../src/testing/index.js';
import { clientFor, makeGlb, sha256, startFastEmulator, tempDir } from './helpers.js';

/** Run one task to FINISHED on a fresh emulator and hand back what a download test needs. */
async function finishedTask(options: EmulatorOptions = {}) {
  const emulator = await startFastEmulator(options);
  const client = clientFor(emulator);
  const glb = makeGlb(4096);
  const { taskId } = await client.segmentation.create({ model: glb });
  const task = await client.tasks.wait(taskId);
  return {
    emulator,
    client,
    glb,
    taskId,
    url: task.results[0]!.url,
    async [Symbol.asyncDispose]() {
      await client.close();
      await emulator.close();
    },
  };
}

describe('client.download()', () => {
  it('follows storage redirects without credentials', async () => {
    await using dir = await tempDir();
    await using t = await finishedTask({ redirect: 2 });
    const result = await t.client.download(t.url, { to: join(dir.path, 'a.glb') });
    expect(result.sha256).toBe(sha256(t.glb));
    expect(sha256(await readFile(result.path))).toBe(sha256(t.glb));
    expect(t.emulator.stats().storageRequests).toBe(3);
    expect(t.emulator.stats().storageAuthHeaders).toBe(0);
  });

  it('gives up after 5 redirects', async () => {
    await using dir = await tempDir();
    await using t = await finishedTask({ redirect: 6 });
    const error = await t.client.download(t.url, { to: join(dir.path, 'a.glb') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as Error).message).toMatch(/Too many redirects/);
    expect(await readdir(dir.path)).toEqual([]);
  });

  it('refuses plain http off loopback, even behind a redirect', async () => {
    await using dir = await tempDir();
    await using t = await finishedTask();
    await expect(
      t.client.download('http://storage.example.com/a.glb', { to: join(dir.path, 'a.glb') }),
    ).rejects.toMatchObject({
      code: 'INSECURE_URL',
    });
    const server = createServer((_req, res) => {
      res.writeHead(302, { location: 'http://storage.example.com/a.glb' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      await expect(
        t.client.download(`http://127.0.0.1:${port}/a.glb`, { to: join(dir.path, 'a.glb') }),
      ).rejects.toMatchObject({ code: 'INSECURE_URL' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each([403, 404] as const)(
    'an expired result (storage %i) is ResultExpiredError, not retried',
    async (expiredStatus) => {
      await using dir = await tempDir();
      await using emulator = await startFastEmulator({ faults: [{ kind: 'expire' }], expiredStatus });
      await using client = clientFor(emulator);
      const error = await client.segment(makeGlb(), { to: join(dir.path, 'a.glb') }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResultExpiredError);
      expect((error as ResultExpiredError).status).toBe(expiredStatus);
      expect((error as ResultExpiredError).taskId).toMatch(/\S/);
      expect((error as Error).message).toMatch(/expire/);
      expect(emulator.stats().storageRequests).toBe(1);
    },
  );

  it('detects a truncated body (Content-Length) and retries it', async () => {
    await using dir = await tempDir();
    await using t = await finishedTask({ faults: [{ kind: 'truncate', fraction: 0.3 }] });
    const result = await t.client.download(t.url, { to: join(dir.path, 'a.glb') });
    expect(result.byteLength).toBe(t.glb.length);
    expect(sha256(await readFile(result.path))).toBe(sha256(t.glb));
    expect(t.emulator.stats().storageRequests).toBe(2);
  });

  it('detects a chunked body cut short by the GLB header length and retries it', async () => {
    await using dir = await tempDir();
    await using t = await finishedTask({ faults: [{ kind: 'truncateNoLength', fraction: 0.5 }] });
    const result = await t.client.download(t.url, { to: join(dir.path, 'a.glb') });
    expect(result.sha256).toBe(sha256(t.glb));
    expect(t.emulator.stats().faults.truncateNoLength).toBe(1);
  });

  it('when truncation persists it fails with ConnectionError and leaves no partial file', async () => {
    await using dir = await tempDir();
    await using t = await finishedTask({
      faults: [{ kind: 'truncateNoLength', fraction: 0.5, times: 10 }],
    });
    const to = join(dir.path, 'a.glb');
    await writeFile(to, 'previous result');
    const error = await t.client.download(t.url, { to }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/truncated.*GLB header says/);
    expect(t.emulator.stats().storageRequests).toBe(3);
    // Atomic: the old file is intact and no temp file is left behind.
    expect(await readFile(to, 'utf8')).toBe('previous result');
    expect(await readdir(dir.path)).toEqual(['a.glb']);
  });

  it('leaves no partial file when the body fails before the file is even open', async () => {
    // Headers, then the socket is destroyed: the body errors at once, while the .part- file's open
    // may still be in flight. Removing it before that open ends left it behind (a full-suite run of
    // test/faults.test.ts found one in the cache).
    await using dir = await tempDir();
    await using t = await finishedTask();
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'model/gltf-binary', 'content-length': '4096' });
      res.flushHeaders();
      res.socket?.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      for (let i = 0; i < 20; i++) {
        const error = await t.client
          .download(`http://127.0.0.1:${port}/a.glb`, { to: join(dir.path, `r${i}.glb`) })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConnectionError);
      }
      // Let any open still in flight finish before looking.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await readdir(dir.path)).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('aborts as soon as the size cap is passed', async () => {
    await using dir = await tempDir();
    await using t = await finishedTask({ faults: [{ kind: 'truncateNoLength', fraction: 0.9 }] });
    const error = await t.client
      .download(t.url, { to: join(dir.path, 'a.glb'), maxBytes: 1000 })
      .catch((e: unknown) => e);
    // No Content-Length here (chunked): the stream itself is cut at the cap.
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect((error as Error).message).toMatch(/over the 1000-byte limit/);
    // With a Content-Length the request stops before the body.
    const error2 = await t.client
      .download(t.url, { to: join(dir.path, 'b.glb'), maxBytes: 1000 })
      .catch((e: unknown) => e);
    expect(error2).toBeInstanceOf(PayloadTooLargeError);
    expect((error2 as Error).message).toContain(`${t.glb.length} bytes`);
    expect(await readdir(dir.path)).toEqual([]);
  });

  it('stops at once on abort, and times out per attempt, leaving no partial file', async () => {
    await using dir = await tempDir();
    await using t = await finishedTask({
      faults: [{ kind: 'delay', ms: 20_000, match: { origin: 'storage' }, times: 10 }],
    });
    const controller = new AbortController();
    const reason = new Error('cancelled');
    setTimeout(() => controller.abort(reason), 100);
    const started = Date.now();
    await expect(
      t.client.download(t.url, { to: join(dir.path, 'a.glb'), signal: controller.signal }),
    ).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(5000);
    const error = await t.client
      .download(t.url, { to: join(dir.path, 'a.glb'), timeoutMs: 100 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    // One aborted request, then the first attempt and two retries of the timed-out download.
    expect(t.emulator.stats().storageRequests).toBe(4);
    expect(await readdir(dir.path)).toEqual([]);
  });

  it('rejects a result that is not a GLB without retrying', async () => {
    await using dir = await tempDir();
    await using t = await finishedTask({ segment: () => new TextEncoder().encode('{"not":"a glb"}') });
    const error = await t.client.download(t.url, { to: join(dir.path, 'a.glb') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(t.emulator.stats().storageRequests).toBe(1);
    const plain = await t.client.download(t.url, { to: join(dir.path, 'a.json'), verifyGlb: false });
    expect(await readFile(plain.path, 'utf8')).toBe('{"not":"a glb"}');
  });
});
