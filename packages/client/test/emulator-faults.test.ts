import { setTimeout as sleep } from 'node:timers/promises';
import { FormData, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { API_PATHS, type Emulator, type FaultRule, startEmulator } from '../src/testing/index.js';
import { useEmulators } from './emulator-harness.js';

const KEY = 'sk-faults-test-abcdef';
const auth = { authorization: `Bearer ${KEY}` };
const MODEL = new Uint8Array(4000).map((_, i) => i % 256);

const emulators = useEmulators({ apiKey: KEY, requestsPerMinute: 1000, durationMs: 100 });
const start = emulators.start;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

async function get(url: string, headers: Record<string, string> = auth): Promise<Reply> {
  const response = await request(url, { dispatcher: emulators.agent, headers });
  const text = await response.body.text();
  const json = response.headers['content-type'] === 'application/json' ? JSON.parse(text) : undefined;
  return { status: response.statusCode, headers: response.headers, text, json };
}

/** POSTs `form` to the submit route with the test key; the raw undici response. */
function postSubmit(emulator: Emulator, form: FormData, options: { signal?: AbortSignal } = {}) {
  return request(emulator.url + API_PATHS.submit, {
    dispatcher: emulators.agent,
    method: 'POST',
    headers: auth,
    body: form,
    ...options,
  });
}

async function submit(emulator: Emulator): Promise<Reply> {
  const form = new FormData();
  form.set('model', new Blob([MODEL]), 'model.glb');
  const response = await postSubmit(emulator, form);
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: JSON.parse(text) };
}

async function finishedTask(emulator: Emulator): Promise<string> {
  const taskId = (await submit(emulator)).json as { task_id: string };
  for (let i = 0; i < 100; i++) {
    const body = (await get(emulator.url + API_PATHS.status(taskId.task_id))).json as { status: string };
    if (body.status === 'FINISHED') return taskId.task_id;
    await sleep(20);
  }
  throw new Error('task did not finish');
}

const wallet = (emulator: Emulator) => get(emulator.url + API_PATHS.wallet);

describe('error shapes', () => {
  const cases = [
    ['nested', 'upper', { error: { code: 'UNAUTHORIZED', message: expect.any(String) } }],
    ['nested', 'lower', { error: { code: 'unauthorized', message: expect.any(String) } }],
    ['flat', 'upper', { code: 'UNAUTHORIZED', message: expect.any(String) }],
    ['flat', 'lower', { code: 'unauthorized', message: expect.any(String) }],
    ['error_code', 'upper', { error_code: 'UNAUTHORIZED', message: expect.any(String) }],
    ['error_code', 'lower', { error_code: 'unauthorized', message: expect.any(String) }],
    ['detail', 'upper', { detail: expect.stringMatching(/API key/) }],
    ['detail_list', 'lower', { detail: [{ loc: ['body'], msg: expect.any(String), type: 'unauthorized' }] }],
    ['error_string', 'upper', { error: expect.stringMatching(/API key/) }],
  ] as const;
  it.each(cases)('renders %s with %s-case codes', async (errorShape, errorCodeCase, expected) => {
    const emulator = await start({ errorShape, errorCodeCase });
    const denied = await get(emulator.url + API_PATHS.wallet, {});
    expect(denied.status).toBe(401);
    expect(denied.json).toEqual(expected);
  });

  it('names the field in the detail list of a validation error', async () => {
    const emulator = await start({ errorShape: 'detail_list' });
    const form = new FormData();
    form.set('model_url', 'not a url');
    const response = await postSubmit(emulator, form);
    expect(response.statusCode).toBe(400);
    expect(await response.body.json()).toEqual({
      detail: [{ loc: ['body', 'model_url'], msg: expect.any(String), type: 'VALIDATION_FAILED' }],
    });
  });
});

describe('rate limiting', () => {
  it('answers 429 RATE_LIMITED past the budget with Retry-After in seconds, counting status polls', async () => {
    const emulator = await start({ requestsPerMinute: 3 });
    const taskId = ((await submit(emulator)).json as { task_id: string }).task_id;
    expect((await get(emulator.url + API_PATHS.status(taskId))).status).toBe(200);
    expect((await wallet(emulator)).status).toBe(200);
    const limited = await get(emulator.url + API_PATHS.status(taskId));
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    const seconds = Number(limited.headers['retry-after']);
    expect(seconds).toBeGreaterThanOrEqual(59);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(emulator.stats().rateLimited).toBe(1);
    expect(emulator.stats().requests.total).toBe(4);
  });

  it('gives Retry-After as an HTTP date, or leaves it out, as configured', async () => {
    const dated = await start({ requestsPerMinute: 1, rateLimitRetryAfter: 'http-date' });
    await wallet(dated);
    const before = Date.now();
    const limited = await wallet(dated);
    expect(limited.status).toBe(429);
    const header = String(limited.headers['retry-after']);
    expect(header).toMatch(/GMT$/);
    const at = Date.parse(header);
    expect(at).toBeGreaterThanOrEqual(before + 59_000);
    expect(at).toBeLessThanOrEqual(before + 62_000);

    const bare = await start({ requestsPerMinute: 1, rateLimitRetryAfter: 'none' });
    await wallet(bare);
    const noHeader = await wallet(bare);
    expect(noHeader.status).toBe(429);
    expect(noHeader.headers['retry-after']).toBeUndefined();
  });

  it('lets requests through again once the window slides, not counting the rejected ones', async () => {
    const emulator = await start({ requestsPerMinute: 2, rateLimitWindowMs: 1_000 });
    expect((await wallet(emulator)).status).toBe(200);
    expect((await wallet(emulator)).status).toBe(200);
    const limited = await wallet(emulator);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect((await wallet(emulator)).status).toBe(429);
    await sleep(1_050);
    expect((await wallet(emulator)).status).toBe(200);
    expect(emulator.stats().rateLimited).toBe(2);
  });

  it('does not count unauthenticated requests against the key', async () => {
    const emulator = await start({ requestsPerMinute: 1 });
    for (let i = 0; i < 3; i++) expect((await get(emulator.url + API_PATHS.wallet, {})).status).toBe(401);
    expect((await wallet(emulator)).status).toBe(200);
  });
});

describe('faults', () => {
  it('reset destroys the socket without an answer, once', async () => {
    const emulator = await start({ faults: [{ kind: 'reset' }] });
    await expect(wallet(emulator)).rejects.toThrow();
    expect((await wallet(emulator)).status).toBe(200);
    expect(emulator.stats().faults).toEqual({ reset: 1 });
    expect(emulator.pendingFaults()).toEqual([]);
  });

  it('reset on the POST creates no task', async () => {
    const emulator = await start({ faults: [{ kind: 'reset', match: { method: 'POST' } }] });
    expect((await wallet(emulator)).status).toBe(200);
    await expect(submit(emulator)).rejects.toThrow();
    expect(emulator.stats()).toMatchObject({ submissions: 0, balance: 150 });
  });

  it.each([413, 500, 502, 504] as const)('html answers %i with an HTML page', async (status) => {
    const emulator = await start({ faults: [{ kind: 'html', status }] });
    const reply = await wallet(emulator);
    expect(reply.status).toBe(status);
    expect(reply.headers['content-type']).toBe('text/html');
    expect(reply.text).toMatch(new RegExp(`<title>${status} `));
    expect((await wallet(emulator)).status).toBe(200);
  });

  it('html on the POST drains the upload and charges nothing', async () => {
    const emulator = await start({ faults: [{ kind: 'html', status: 413, match: { method: 'POST' } }] });
    const form = new FormData();
    form.set('model', new Blob([new Uint8Array(2_000_000)]), 'big.glb');
    const response = await postSubmit(emulator, form);
    expect(response.statusCode).toBe(413);
    expect(await response.body.text()).toContain('Request Entity Too Large');
    expect(emulator.stats().submissions).toBe(0);
  });

  it('status answers any status with a JSON body in the configured shape and an optional Retry-After', async () => {
    const emulator = await start({
      errorShape: 'flat',
      faults: [
        { kind: 'status', status: 503, retryAfter: 'seconds', retryAfterSeconds: 7 },
        { kind: 'status', status: 400, code: 'BAD_THING', message: 'nope' },
      ],
    });
    const first = await wallet(emulator);
    expect(first.status).toBe(503);
    expect(first.headers['retry-after']).toBe('7');
    expect(first.json).toEqual({ code: 'INTERNAL_ERROR', message: expect.any(String) });
    const second = await wallet(emulator);
    expect(second).toMatchObject({ status: 400, json: { code: 'BAD_THING', message: 'nope' } });
    expect(second.headers['retry-after']).toBeUndefined();
  });

  it('rateLimit answers 429 with each Retry-After form and counts it', async () => {
    const emulator = await start({
      faults: [
        { kind: 'rateLimit', retryAfter: 'seconds', retryAfterSeconds: 2 },
        { kind: 'rateLimit', retryAfter: 'http-date', retryAfterSeconds: 3 },
        { kind: 'rateLimit', retryAfter: 'none' },
      ],
    });
    const replies = [await wallet(emulator), await wallet(emulator), await wallet(emulator)];
    expect(replies.map((r) => r.status)).toEqual([429, 429, 429]);
    expect(replies[0]?.headers['retry-after']).toBe('2');
    const date = Date.parse(String(replies[1]?.headers['retry-after']));
    expect(date - Date.now()).toBeGreaterThan(1_500);
    expect(date - Date.now()).toBeLessThanOrEqual(4_000);
    expect(replies[2]?.headers['retry-after']).toBeUndefined();
    expect(emulator.stats().rateLimited).toBe(3);
    expect((await wallet(emulator)).status).toBe(200);
  });

  it('emptyResults answers FINISHED with results [] only on finished polls, for as many times as asked', async () => {
    let now = Date.now();
    const emulator = await start({ now: () => now, faults: [{ kind: 'emptyResults', times: 2 }] });
    const taskId = ((await submit(emulator)).json as { task_id: string }).task_id;
    const early = (await get(emulator.url + API_PATHS.status(taskId))).json as { status: string };
    expect(early.status).not.toBe('FINISHED');
    await sleep(20);
    now += 1_000;
    const polls = [];
    for (let i = 0; i < 3; i++) polls.push((await get(emulator.url + API_PATHS.status(taskId))).json);
    expect(polls).toEqual([
      { status: 'FINISHED', progress: 100, failure_reason: null, results: [] },
      { status: 'FINISHED', progress: 100, failure_reason: null, results: [] },
      expect.objectContaining({
        status: 'FINISHED',
        results: [expect.objectContaining({ asset_type: '3D_MODEL' })],
      }),
    ]);
  });

  it('truncate sends the full Content-Length but half the bytes, then closes', async () => {
    const emulator = await start({ faults: [{ kind: 'truncate' }] });
    const taskId = await finishedTask(emulator);
    const url = `${emulator.storageUrl}/assets/${taskId}.glb`;
    const cut = await request(url, { dispatcher: emulators.agent });
    expect(cut.headers['content-length']).toBe(String(MODEL.byteLength));
    const received: Buffer[] = [];
    await expect(
      (async () => {
        for await (const chunk of cut.body) received.push(chunk as Buffer);
      })(),
    ).rejects.toThrow();
    expect(Buffer.concat(received).byteLength).toBe(MODEL.byteLength / 2);
    const whole = await request(url, { dispatcher: emulators.agent });
    expect(new Uint8Array(await whole.body.arrayBuffer())).toEqual(MODEL);
  });

  it('truncateNoLength ends a chunked body early and cleanly, or abruptly when asked', async () => {
    const emulator = await start({
      faults: [
        { kind: 'truncateNoLength', fraction: 0.25 },
        { kind: 'truncateNoLength', abrupt: true },
      ],
    });
    const taskId = await finishedTask(emulator);
    const url = `${emulator.storageUrl}/assets/${taskId}.glb`;
    const clean = await request(url, { dispatcher: emulators.agent });
    expect(clean.headers['content-length']).toBeUndefined();
    expect(clean.headers['transfer-encoding']).toBe('chunked');
    const bytes = new Uint8Array(await clean.body.arrayBuffer());
    expect(bytes).toEqual(MODEL.subarray(0, MODEL.byteLength / 4));
    const abrupt = await request(url, { dispatcher: emulators.agent });
    await expect(abrupt.body.arrayBuffer()).rejects.toThrow();
    expect(emulator.stats().faults).toEqual({ truncateNoLength: 2 });
  });

  it('acceptThenDrop creates the task and takes the credits, then drops the connection', async () => {
    const emulator = await start({ balance: 160, faults: [{ kind: 'acceptThenDrop' }] });
    await expect(submit(emulator)).rejects.toThrow();
    const stats = emulator.stats();
    expect(stats.submissions).toBe(1);
    expect(stats.balance).toBe(80);
    expect(Object.values(stats.submissionsByHash)).toEqual([1]);
    expect(stats.tasks.PENDING + stats.tasks.IN_PROGRESS).toBe(1);
    expect((await submit(emulator)).status).toBe(200);
    expect(emulator.stats()).toMatchObject({ submissions: 2, balance: 0 });
  });

  it('fail makes the next task FAILED with the reason and refunds it; the one after finishes', async () => {
    const emulator = await start({ balance: 160, faults: [{ kind: 'fail', reason: 'upstream exploded' }] });
    const failing = ((await submit(emulator)).json as { task_id: string }).task_id;
    const fine = await finishedTask(emulator);
    expect(fine).not.toBe(failing);
    expect((await get(emulator.url + API_PATHS.status(failing))).json).toEqual({
      status: 'FAILED',
      progress: 99,
      failure_reason: 'upstream exploded',
      results: [],
    });
    expect(emulator.stats()).toMatchObject({ balance: 80, tasks: { FAILED: 1, FINISHED: 1 } });
  });

  it('expire makes the next task finish with results storage already refuses', async () => {
    const emulator = await start({ faults: [{ kind: 'expire' }] });
    const taskId = await finishedTask(emulator);
    const asset = await get(`${emulator.storageUrl}/assets/${taskId}.glb`, {});
    expect(asset.status).toBe(403);
    expect(asset.text).toContain('<Code>AccessDenied</Code>');
  });

  it('delay holds a request, then answers it normally', async () => {
    const emulator = await start({ faults: [{ kind: 'delay', ms: 200 }] });
    const started = performance.now();
    const reply = await wallet(emulator);
    expect(reply.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('a delayed submission whose client gave up is dropped, not charged, and close() still ends', async () => {
    const emulator = await startEmulator({
      apiKey: KEY,
      requestsPerMinute: 1000,
      faults: [{ kind: 'delay', ms: 300, match: { method: 'POST' } }],
    });
    const form = new FormData();
    form.set('model', new Blob([MODEL]), 'model.glb');
    const gaveUp = postSubmit(emulator, form, { signal: AbortSignal.timeout(50) });
    await expect(gaveUp).rejects.toThrow();
    await sleep(400); // the delay ends with the client long gone
    expect(emulator.stats().submissions).toBe(0);
    const closed = await Promise.race([emulator.close().then(() => 'closed'), sleep(2000, 'hung')]);
    expect(closed).toBe('closed');
  });

  it('applies generic faults to the storage origin when matched there', async () => {
    const emulator = await start({ faults: [{ kind: 'status', status: 503, match: { origin: 'storage' } }] });
    const taskId = await finishedTask(emulator);
    expect((await get(`${emulator.storageUrl}/assets/${taskId}.glb`, {})).status).toBe(503);
    expect((await get(`${emulator.storageUrl}/assets/${taskId}.glb`, {})).status).toBe(200);
  });
});

describe('fault rules', () => {
  it('match by method, path prefix and RegExp; skip `after` matches; fire `times` times; in list order', async () => {
    const faults: FaultRule[] = [
      { kind: 'html', status: 504, match: { path: /\/status\/$/ }, after: 1 },
      { kind: 'status', status: 500, match: { method: 'get', path: '/account/' }, times: 2 },
      { kind: 'rateLimit', times: Number.POSITIVE_INFINITY, after: 3, match: { path: '/account/' } },
    ];
    const emulator = await start({ faults });
    const statusUrl = emulator.url + API_PATHS.status('00000000-0000-0000-0000-000000000000');
    expect((await get(statusUrl)).status).toBe(404);
    expect((await get(statusUrl)).status).toBe(504);
    expect((await get(statusUrl)).status).toBe(404);
    const walletStatuses = [];
    for (let i = 0; i < 6; i++) walletStatuses.push((await wallet(emulator)).status);
    expect(walletStatuses).toEqual([500, 500, 200, 429, 429, 429]);
    expect(emulator.pendingFaults()).toEqual([faults[2]]);
    expect(emulator.stats().faults).toEqual({ html: 1, status: 2, rateLimit: 3 });
  });

  it('refuses rules that cannot work, naming the problem', async () => {
    await expect(startEmulator({ faults: [{ kind: 'truncate', fraction: 1.5 }] })).rejects.toThrow(
      /fraction/,
    );
    await expect(startEmulator({ faults: [{ kind: 'delay', ms: -1 }] })).rejects.toThrow(/ms/);
    const bogus = [{ kind: 'explode' }] as unknown as FaultRule[];
    await expect(startEmulator({ faults: bogus })).rejects.toThrow(/unknown fault kind/);
  });
});
