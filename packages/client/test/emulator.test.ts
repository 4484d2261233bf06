import { createHook } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, FormData, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATHS, type Emulator, startEmulator } from '../src/testing/index.js';
import { useEmulators } from './emulator-harness.js';

const KEY = 'sk-emulator-test-0123456789';
const auth = { authorization: `Bearer ${KEY}` };

const emulators = useEmulators({ apiKey: KEY, requestsPerMinute: 1000, durationMs: 200 });
const start = emulators.start;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'emulator-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A GET or POST with the test agent; the body comes back as text and parsed JSON when it is JSON. */
async function call(
  url: string,
  init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: FormData } = {},
) {
  const response = await request(url, {
    dispatcher: emulators.agent,
    method: init.method ?? 'GET',
    headers: init.headers,
    body: init.body,
  });
  const text = await response.body.text();
  const json: unknown =
    response.headers['content-type'] === 'application/json' ? JSON.parse(text) : undefined;
  return { status: response.statusCode, headers: response.headers, text, json };
}

/** Submits a file from disk (streamed by undici from the Blob that openAsBlob returns). */
async function submitFile(emulator: Emulator, path: string, filename = 'model.glb') {
  const form = new FormData();
  form.set('model', await openAsBlob(path), filename);
  return call(emulator.url + API_PATHS.submit, { method: 'POST', headers: auth, body: form });
}

async function writeModel(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function taskIdOf(json: unknown): string {
  const id = (json as { task_id?: unknown }).task_id;
  if (typeof id !== 'string') throw new Error(`no task_id in ${JSON.stringify(json)}`);
  return id;
}

async function status(emulator: Emulator, taskId: string) {
  return call(emulator.url + API_PATHS.status(taskId), { headers: auth });
}

async function waitForStatus(emulator: Emulator, taskId: string, wanted: string) {
  for (let i = 0; i < 200; i++) {
    const res = await status(emulator, taskId);
    if ((res.json as { status: string }).status === wanted) return res;
    await sleep(20);
  }
  throw new Error(`task ${taskId} never reached ${wanted}`);
}

describe('auth', () => {
  it('answers 401 without a key, with a wrong key and with a non-Bearer scheme, and 200 with the key', async () => {
    const emulator = await start();
    const wallet = emulator.url + API_PATHS.wallet;
    expect((await call(wallet)).status).toBe(401);
    expect((await call(wallet, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await call(wallet, { headers: { authorization: `Basic ${KEY}` } })).status).toBe(401);
    const ok = await call(wallet, { headers: auth });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ balance: '150.00' });
    const denied = await call(wallet);
    expect(denied.headers['www-authenticate']).toBe('Bearer');
    expect(denied.text).not.toContain(KEY);
    expect(emulator.stats().unauthorized).toBe(4);
  });

  it('never writes the key to its log, even when it arrives in a URL', async () => {
    const lines: string[] = [];
    const log = (message: string, fields?: Record<string, unknown>) =>
      lines.push(message + JSON.stringify(fields));
    const emulator = await start({
      logger: { debug: log, info: log, warn: log, error: log },
      faults: [{ kind: 'reset', match: { path: '/account/' }, after: 1 }],
    });
    await call(`${emulator.url}/v1/nothing/${KEY}/?key=${KEY}`, { headers: auth });
    await call(emulator.url + API_PATHS.wallet, { headers: auth });
    await expect(call(emulator.url + API_PATHS.wallet, { headers: auth })).rejects.toThrow();
    await sleep(20);
    const requestLines = lines.filter((line) => line.startsWith('api '));
    expect(requestLines.map((line) => line.replace(/\{.*$/, ''))).toEqual([
      'api GET /v1/nothing/[REDACTED]/ 404',
      'api GET /account/user/wallet/ 200',
      'api GET /account/user/wallet/ dropped',
    ]);
    expect(lines.join('\n')).not.toContain('authorization');
    expect(lines.join('\n')).not.toContain(KEY);
    expect(emulator.printable).not.toContain(KEY);
    expect(emulator.printable).toContain(emulator.url);
    expect(emulator.printable).toContain(emulator.storageUrl);
  });
});

describe('submission', () => {
  it('accepts a real file upload, hashes it, deducts 80 credits and serves it back as the result', async () => {
    const emulator = await start();
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);
    const path = await writeModel('upload.glb', bytes);
    const res = await submitFile(emulator, path);
    expect(res.status).toBe(200);
    const taskId = taskIdOf(res.json);
    expect(taskId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse((res.json as { created_at: string }).created_at)).not.toBeNaN();
    expect(emulator.stats().submissionsByHash).toEqual({ [sha256(bytes)]: 1 });
    expect(emulator.stats().balance).toBe(70);

    const done = await waitForStatus(emulator, taskId, 'FINISHED');
    expect(done.json).toEqual({
      status: 'FINISHED',
      progress: 100,
      failure_reason: null,
      results: [
        { asset: `${emulator.storageUrl}/assets/${taskId}.glb`, asset_type: '3D_MODEL', metadata: null },
      ],
    });
    const asset = await request(`${emulator.storageUrl}/assets/${taskId}.glb`, {
      dispatcher: emulators.agent,
    });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toBe('model/gltf-binary');
    expect(asset.headers['content-length']).toBe(String(bytes.byteLength));
    expect(sha256(new Uint8Array(await asset.body.arrayBuffer()))).toBe(sha256(bytes));
  });

  it('counts resubmissions of the same bytes under one hash', async () => {
    const emulator = await start({ balance: 1000 });
    const a = await writeModel('a.stl', new TextEncoder().encode('solid a\nendsolid a\n'));
    const b = await writeModel('b.stl', new TextEncoder().encode('solid b\nendsolid b\n'));
    for (const path of [a, a, b]) expect((await submitFile(emulator, path, 'x.stl')).status).toBe(200);
    const stats = emulator.stats();
    expect(stats.submissions).toBe(3);
    expect(Object.values(stats.submissionsByHash).sort()).toEqual([1, 2]);
    expect(stats.requests.submit).toBe(3);
    expect(stats.balance).toBe(1000 - 3 * 80);
  });

  it('fetches a loopback model_url and refuses other hosts unless fetchModelUrl is given', async () => {
    const bytes = new TextEncoder().encode('glTF-but-not-really');
    const origin = createServer((req, res) => {
      if (req.url === '/model.glb') res.end(bytes);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    const { port } = origin.address() as { port: number };
    try {
      const emulator = await start({ balance: 500 });
      const submit = (modelUrl: string) => {
        const form = new FormData();
        form.set('model_url', modelUrl);
        return call(emulator.url + API_PATHS.submit, { method: 'POST', headers: auth, body: form });
      };
      const ok = await submit(`http://127.0.0.1:${port}/model.glb`);
      expect(ok.status).toBe(200);
      expect(emulator.stats().submissionsByHash).toEqual({ [sha256(bytes)]: 1 });

      const missing = await submit(`http://127.0.0.1:${port}/missing.glb`);
      expect(missing.status).toBe(400);
      expect(missing.text).toContain('HTTP 404');
      const remote = await submit('https://models.example.com/a.glb');
      expect(remote.status).toBe(400);
      expect(JSON.stringify(remote.json)).toMatch(/VALIDATION_FAILED/);
      expect(emulator.stats().submissions).toBe(1);
      expect(emulator.stats().balance).toBe(420);
    } finally {
      await new Promise((resolve) => origin.close(resolve));
    }

    const seen: string[] = [];
    const hooked = await start({
      fetchModelUrl: (url) => {
        seen.push(url.href);
        return bytes;
      },
    });
    const form = new FormData();
    form.set('model_url', 'https://models.example.com/b.glb');
    const res = await call(hooked.url + API_PATHS.submit, { method: 'POST', headers: auth, body: form });
    expect(res.status).toBe(200);
    expect(seen).toEqual(['https://models.example.com/b.glb']);

    const failing = await start({
      fetchModelUrl: () => {
        throw new Error('DNS lookup failed');
      },
    });
    const refused = await call(failing.url + API_PATHS.submit, { method: 'POST', headers: auth, body: form });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('DNS lookup failed');
    expect(failing.stats()).toMatchObject({ submissions: 0, balance: 150 });
  });

  it('answers 400 VALIDATION_FAILED for neither, both, two files, a text model, an empty file or a non-multipart body, charging nothing', async () => {
    const emulator = await start();
    const path = await writeModel('v.glb', new Uint8Array([1, 2, 3]));
    const empty = await writeModel('empty.glb', new Uint8Array());
    const neither = new FormData();
    neither.set('other', 'x');
    const both = new FormData();
    both.set('model', await openAsBlob(path), 'v.glb');
    both.set('model_url', 'http://127.0.0.1:1/x.glb');
    const emptyForm = new FormData();
    emptyForm.set('model', await openAsBlob(empty), 'empty.glb');
    const twoFiles = new FormData();
    twoFiles.append('model', await openAsBlob(path), 'v.glb');
    twoFiles.append('model', await openAsBlob(path), 'w.glb');
    const textModel = new FormData();
    textModel.set('model', 'not a file');
    for (const body of [neither, both, emptyForm, twoFiles, textModel]) {
      const res = await call(emulator.url + API_PATHS.submit, { method: 'POST', headers: auth, body });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    }
    const json = await request(emulator.url + API_PATHS.submit, {
      dispatcher: emulators.agent,
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"model_url":"x"}',
    });
    expect(json.statusCode).toBe(400);
    await json.body.dump();
    expect(emulator.stats().submissions).toBe(0);
    expect(emulator.stats().balance).toBe(150);
  });

  it('answers 413 for an upload over maxUploadBytes after reading it, and 402 when credits run out', async () => {
    const emulator = await start({ maxUploadBytes: 1000, balance: 100 });
    const big = await writeModel('big.glb', new Uint8Array(5000));
    const small = await writeModel('small.glb', new Uint8Array(500).fill(1));
    const tooBig = await submitFile(emulator, big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.json).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect((await submitFile(emulator, small)).status).toBe(200);
    const broke = await submitFile(emulator, small);
    expect(broke.status).toBe(402);
    expect(broke.json).toMatchObject({ error: { code: 'INSUFFICIENT_CREDITS' } });
    expect(emulator.stats().balance).toBe(20);
    expect(emulator.stats().submissions).toBe(1);
  });

  it('gives exactly one task to the last credits when two submissions race', async () => {
    const emulator = await start({ balance: 80 });
    const path = await writeModel('race.glb', new Uint8Array(20_000).fill(3));
    const answers = await Promise.all([submitFile(emulator, path), submitFile(emulator, path)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 402]);
    expect(emulator.stats().balance).toBe(0);
  });
});

describe('interrupted uploads', () => {
  /** Starts a multipart upload by hand that promises more bytes than it sends. */
  function partialUpload(emulator: Emulator) {
    const url = new URL(emulator.url + API_PATHS.submit);
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { ...auth, 'content-type': 'multipart/form-data; boundary=XX', 'content-length': '1000000' },
    });
    req.on('error', () => undefined);
    req.write(
      '--XX\r\nContent-Disposition: form-data; name="model"; filename="a.glb"\r\n' +
        'Content-Type: application/octet-stream\r\n\r\n' +
        'a'.repeat(50_000),
    );
    return req;
  }

  it('creates no task when the client disconnects mid-upload, and close() still returns promptly', async () => {
    const emulator = await start();
    const req = partialUpload(emulator);
    await sleep(100);
    req.destroy();
    await sleep(50);
    expect(emulator.stats()).toMatchObject({ submissions: 0, balance: 150, requests: { submit: 1 } });
    const started = performance.now();
    await emulator.close();
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('close() during an upload in flight ends it and returns promptly', async () => {
    const emulator = await start();
    const req = partialUpload(emulator);
    const closed = new Promise((resolve) => req.on('close', resolve));
    await sleep(100);
    const started = performance.now();
    await emulator.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    await closed;
    expect(emulator.stats().submissions).toBe(0);
  });
});

describe('task lifecycle', () => {
  it('goes PENDING, then IN_PROGRESS with rising progress, then FINISHED at 100, on its clock', async () => {
    let now = Date.parse('2026-11-24T08:00:00Z');
    const t0 = now;
    const emulator = await start({ durationMs: 1_000, now: () => now });
    const path = await writeModel('life.glb', new Uint8Array(64).fill(9));
    const taskId = taskIdOf((await submitFile(emulator, path)).json);
    await sleep(20); // let the identity segmenter settle
    const seen: [number, unknown][] = [];
    for (const offset of [0, 199, 200, 300, 600, 999, 1_000, 5_000]) {
      now = t0 + offset;
      const body = (await status(emulator, taskId)).json as { status: string; progress: number };
      seen.push([offset, `${body.status} ${body.progress}`]);
    }
    expect(seen).toEqual([
      [0, 'PENDING 0'],
      [199, 'PENDING 0'],
      [200, 'IN_PROGRESS 1'],
      [300, 'IN_PROGRESS 12'],
      [600, 'IN_PROGRESS 50'],
      [999, 'IN_PROGRESS 99'],
      [1_000, 'FINISHED 100'],
      [5_000, 'FINISHED 100'],
    ]);
  });

  it('reaches FINISHED on the wall clock too', async () => {
    const emulator = await start({ durationMs: 500 });
    const path = await writeModel('wall.glb', new Uint8Array(64).fill(8));
    const taskId = taskIdOf((await submitFile(emulator, path)).json);
    const first = (await status(emulator, taskId)).json as { status: string };
    expect(first.status).not.toBe('FINISHED');
    await waitForStatus(emulator, taskId, 'FINISHED');
  });

  it('fails the task with the segmenter error as failure_reason and refunds the credits', async () => {
    const emulator = await start({
      segment: () => {
        throw new Error('mesh has no triangles');
      },
    });
    const path = await writeModel('fail.glb', new Uint8Array(64).fill(1));
    const taskId = taskIdOf((await submitFile(emulator, path)).json);
    expect(emulator.stats().balance).toBe(70);
    const failed = await waitForStatus(emulator, taskId, 'FAILED');
    expect(failed.json).toMatchObject({
      status: 'FAILED',
      failure_reason: 'mesh has no triangles',
      results: [],
    });
    expect(emulator.stats().balance).toBe(150);
    await status(emulator, taskId);
    expect(emulator.stats().balance).toBe(150);
    const wallet = await call(emulator.url + API_PATHS.wallet, { headers: auth });
    expect(wallet.json).toEqual({ balance: '150.00' });
    expect(emulator.stats().tasks).toEqual({ PENDING: 0, IN_PROGRESS: 0, FINISHED: 0, FAILED: 1 });
  });

  it('serves what the injected segmenter returns, told the filename and task id', async () => {
    const calls: { filename: string; taskId: string; input: string }[] = [];
    const emulator = await start({
      segment: async (input, info) => {
        calls.push({ filename: info.filename, taskId: info.taskId, input: new TextDecoder().decode(input) });
        return new TextEncoder().encode(`segmented:${new TextDecoder().decode(input)}`);
      },
    });
    const path = await writeModel('hook.obj', new TextEncoder().encode('v 0 0 0'));
    const taskId = taskIdOf((await submitFile(emulator, path, 'chair.obj')).json);
    await waitForStatus(emulator, taskId, 'FINISHED');
    expect(calls).toEqual([{ filename: 'chair.obj', taskId, input: 'v 0 0 0' }]);
    const asset = await request(`${emulator.storageUrl}/assets/${taskId}.glb`, {
      dispatcher: emulators.agent,
    });
    expect(await asset.body.text()).toBe('segmented:v 0 0 0');
  });

  it('keeps a task IN_PROGRESS at 99 while a slow segmenter has not finished', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const emulator = await start({
      durationMs: 50,
      segment: async (input) => {
        await gate;
        return input;
      },
    });
    const path = await writeModel('slow.glb', new Uint8Array(8).fill(2));
    const taskId = taskIdOf((await submitFile(emulator, path)).json);
    await sleep(120);
    expect((await status(emulator, taskId)).json).toMatchObject({ status: 'IN_PROGRESS', progress: 99 });
    release();
    await waitForStatus(emulator, taskId, 'FINISHED');
  });

  it('answers 404 NOT_FOUND for an unknown task, 404 for unknown paths and 405 for a wrong method', async () => {
    const emulator = await start();
    const unknown = await status(emulator, '00000000-0000-0000-0000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await call(`${emulator.url}/v1/generation-request/x/status`, { headers: auth })).status).toBe(
      404,
    );
    const wrong = await call(emulator.url + API_PATHS.wallet, { method: 'POST', headers: auth });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET');
    expect(emulator.stats().requests).toMatchObject({ status: 1, wallet: 1, other: 1, total: 3 });
  });
});

describe('status shapes', () => {
  it('uses asset_url and thumbnail in the old shape, and the thumbnail is served', async () => {
    const emulator = await start({ statusShape: 'asset_url' });
    const path = await writeModel('old.glb', new Uint8Array(16).fill(4));
    const taskId = taskIdOf((await submitFile(emulator, path)).json);
    const done = await waitForStatus(emulator, taskId, 'FINISHED');
    expect(done.json).toEqual({
      status: 'FINISHED',
      progress: 100,
      failure_reason: null,
      results: [
        {
          asset_url: `${emulator.storageUrl}/assets/${taskId}.glb`,
          asset_type: '3D_MODEL',
          thumbnail: `${emulator.storageUrl}/thumbnails/${taskId}.png`,
        },
      ],
    });
    const thumb = await request(`${emulator.storageUrl}/thumbnails/${taskId}.png`, {
      dispatcher: emulators.agent,
    });
    expect(thumb.headers['content-type']).toBe('image/png');
    expect(
      Buffer.from(await thumb.body.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });

  it('answers an unknown status string for the first polls of a running task', async () => {
    let now = Date.now();
    const emulator = await start({
      durationMs: 1_000,
      now: () => now,
      unknownStatus: { status: 'QUEUED', polls: 2 },
    });
    const path = await writeModel('queued.glb', new Uint8Array(16).fill(5));
    const taskId = taskIdOf((await submitFile(emulator, path)).json);
    const first = [
      (await status(emulator, taskId)).json,
      (await status(emulator, taskId)).json,
      (await status(emulator, taskId)).json,
    ];
    expect(first.map((b) => (b as { status: string }).status)).toEqual(['QUEUED', 'QUEUED', 'PENDING']);
    await sleep(20);
    now += 1_000;
    expect((await status(emulator, taskId)).json).toMatchObject({ status: 'FINISHED' });
  });
});

describe('options', () => {
  it('refuses options that cannot work, naming the option', async () => {
    await expect(startEmulator({ host: '0.0.0.0' })).rejects.toThrow(/host must be a loopback/);
    await expect(startEmulator({ requestsPerMinute: 0 })).rejects.toThrow(/requestsPerMinute/);
    await expect(startEmulator({ balance: -1 })).rejects.toThrow(/balance/);
    await expect(startEmulator({ apiKey: '' })).rejects.toThrow(/apiKey/);
    await expect(startEmulator({ redirect: 1.5 })).rejects.toThrow(/redirect/);
  });

  it('listens on the ports it is given', async () => {
    const probe = await start();
    const [port, storagePort] = [probe.port, probe.storagePort];
    await probe.close();
    const emulator = await start({ port, storagePort });
    expect(emulator.url).toBe(`http://127.0.0.1:${port}`);
    expect(emulator.storageUrl).toBe(`http://127.0.0.1:${storagePort}`);
    await expect(startEmulator({ port })).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('close()', () => {
  it('leaves no server, socket or timer behind, even with a delayed request and open keep-alive sockets', async () => {
    // Every timer and TCP handle created from here on is recorded; the ones that still hold the
    // event loop open (hasRef) after close() are exactly what would keep a test process alive.
    const created: { type: string; resource: { hasRef?: () => boolean } }[] = [];
    const destroyed = new Set<number>();
    const ids: number[] = [];
    const hook = createHook({
      init(id, type, _trigger, resource) {
        if (type === 'Timeout' || type.startsWith('TCP')) {
          ids.push(id);
          created.push({ type, resource: resource as { hasRef?: () => boolean } });
        }
      },
      destroy(id) {
        destroyed.add(id);
      },
    }).enable();
    const holding = () =>
      created
        .filter((c, i) => !destroyed.has(ids[i] ?? -1) && c.resource.hasRef?.() === true)
        .map((c) => c.type);
    try {
      const emulator = await startEmulator({
        apiKey: KEY,
        requestsPerMinute: 1000,
        faults: [{ kind: 'delay', ms: 60_000 }],
      });
      const local = new Agent();
      const delayed = request(emulator.url + API_PATHS.wallet, { dispatcher: local, headers: auth }).catch(
        (e: Error) => e,
      );
      const ok = await request(emulator.url + API_PATHS.wallet, { dispatcher: local, headers: auth });
      await ok.body.dump();
      for (let i = 0; i < 100 && !holding().includes('Timeout'); i++) await sleep(10);
      expect(holding()).toContain('Timeout'); // the 60 s delay
      expect(holding()).toContain('TCPSERVERWRAP');
      expect(holding()).toContain('TCPWRAP');
      const started = performance.now();
      await emulator.close();
      await emulator.close();
      expect(await delayed).toBeInstanceOf(Error);
      expect(performance.now() - started).toBeLessThan(1_000);
      await local.close();
      // Handles are released on the next turns of the loop: give them a moment, not a fixed sleep.
      for (let i = 0; i < 100 && holding().length > 0; i++) await sleep(10);
      expect(holding()).toEqual([]);
      await expect(
        request(emulator.url + API_PATHS.wallet, { dispatcher: emulators.agent, headers: auth }),
      ).rejects.toThrow();
    } finally {
      hook.disable();
    }
  });

  it('supports await using through Symbol.asyncDispose', async () => {
    const emulator = await startEmulator({ apiKey: KEY });
    await emulator[Symbol.asyncDispose]();
    await expect(
      request(emulator.url + API_PATHS.wallet, { dispatcher: emulators.agent, headers: auth }),
    ).rejects.toThrow();
  });
});
