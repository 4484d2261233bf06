import { setTimeout as sleep } from 'node:timers/promises';
import { FormData, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { API_PATHS, type Emulator, type EmulatorStats, serveEmulator } from '../src/testing/index.js';
import { useEmulators } from './emulator-harness.js';

const KEY = 'sk-storage-test-42';
const MODEL = new TextEncoder().encode('glTF storage test payload');

const emulators = useEmulators({ apiKey: KEY, requestsPerMinute: 1000, durationMs: 60 });
const start = emulators.start;

/** Submits MODEL; returns what the API answered. */
async function submit(emulator: Emulator): Promise<{ task_id: string; created_at: string }> {
  const form = new FormData();
  form.set('model', new Blob([MODEL]), 'model.glb');
  const created = await request(emulator.url + API_PATHS.submit, {
    dispatcher: emulators.agent,
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}` },
    body: form,
  });
  return (await created.body.json()) as { task_id: string; created_at: string };
}

/** Submits MODEL and waits until the status endpoint says FINISHED; returns the asset URL it gives. */
async function finishedAsset(emulator: Emulator): Promise<string> {
  const { task_id } = await submit(emulator);
  for (let i = 0; i < 100; i++) {
    const res = await request(emulator.url + API_PATHS.status(task_id), {
      dispatcher: emulators.agent,
      headers: { authorization: `Bearer ${KEY}` },
    });
    const body = (await res.body.json()) as { status: string; results: { asset: string }[] };
    if (body.status === 'FINISHED' && body.results[0]) return body.results[0].asset;
    await sleep(15);
  }
  throw new Error('task did not finish');
}

async function fetchRaw(
  url: string,
  init: { method?: 'GET' | 'HEAD'; headers?: Record<string, string> } = {},
) {
  const res = await request(url, {
    dispatcher: emulators.agent,
    method: init.method ?? 'GET',
    headers: init.headers,
  });
  return { status: res.statusCode, headers: res.headers, body: Buffer.from(await res.body.arrayBuffer()) };
}

describe('storage origin', () => {
  it('is a different origin from the API and serves the result without credentials', async () => {
    const emulator = await start();
    expect(new URL(emulator.storageUrl).origin).not.toBe(new URL(emulator.url).origin);
    const asset = await finishedAsset(emulator);
    expect(asset.startsWith(`${emulator.storageUrl}/assets/`)).toBe(true);
    const res = await fetchRaw(asset);
    expect(res.status).toBe(200);
    expect(new Uint8Array(res.body)).toEqual(MODEL);
    const head = await fetchRaw(asset, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(MODEL.byteLength));
    expect(head.body.byteLength).toBe(0);
    expect(emulator.stats()).toMatchObject({ storageRequests: 2, storageAuthHeaders: 0 });
  });

  it('records every storage request that carries an Authorization header', async () => {
    const emulator = await start();
    const asset = await finishedAsset(emulator);
    expect((await fetchRaw(asset, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(200);
    expect((await fetchRaw(asset, { headers: { Authorization: 'Basic xyz' } })).status).toBe(200);
    expect(emulator.stats()).toMatchObject({ storageRequests: 2, storageAuthHeaders: 2 });
    expect(emulator.stats().requests.total).toBeGreaterThan(0);
  });

  it('answers 404 for unknown assets and for tasks not finished yet', async () => {
    const emulator = await start({ durationMs: 5_000 });
    expect((await fetchRaw(`${emulator.storageUrl}/assets/nope.glb`)).status).toBe(404);
    const { task_id } = await submit(emulator);
    expect((await fetchRaw(`${emulator.storageUrl}/assets/${task_id}.glb`)).status).toBe(404);
  });

  it('follows the configured number of 302 hops to the bytes, each one an absolute storage URL', async () => {
    const emulator = await start({ redirect: 2 });
    let url = await finishedAsset(emulator);
    const hops: string[] = [];
    for (;;) {
      const res = await fetchRaw(url);
      if (res.status !== 302) {
        expect(res.status).toBe(200);
        expect(new Uint8Array(res.body)).toEqual(MODEL);
        break;
      }
      url = String(res.headers.location);
      hops.push(url);
      expect(hops.length).toBeLessThanOrEqual(2);
    }
    expect(hops).toHaveLength(2);
    expect(hops.every((hop) => hop.startsWith(emulator.storageUrl))).toBe(true);
  });

  it('answers 403 AccessDenied once a result expires, or 404 NoSuchKey when configured', async () => {
    for (const expiredStatus of [403, 404] as const) {
      let now = Date.now();
      const emulator = await start({ resultTtlMs: 10_000, expiredStatus, now: () => now });
      const { task_id } = await submit(emulator);
      await sleep(20);
      now += 60; // durationMs: finished
      const asset = `${emulator.storageUrl}/assets/${task_id}.glb`;
      expect((await fetchRaw(asset)).status).toBe(200);
      now += 10_000;
      const expired = await fetchRaw(asset);
      expect(expired.status).toBe(expiredStatus);
      expect(expired.headers['content-type']).toBe('application/xml');
      expect(expired.body.toString()).toContain(expiredStatus === 403 ? 'AccessDenied' : 'NoSuchKey');
    }
  });

  it('derives expiry from the injected clock', async () => {
    const start0 = Date.parse('2026-11-24T12:00:00Z');
    let now = start0;
    const emulator = await start({ now: () => now, durationMs: 1_000 });
    const { task_id, created_at } = await submit(emulator);
    expect(created_at).toBe('2026-11-24T12:00:00.000Z');
    const asset = `${emulator.storageUrl}/assets/${task_id}.glb`;
    now += 500;
    expect((await fetchRaw(asset)).status).toBe(404);
    await sleep(20);
    now += 1_000;
    expect((await fetchRaw(asset)).status).toBe(200);
    // Finished at start0 + durationMs; the result lives 24 hours from then.
    now = start0 + 1_000 + 24 * 60 * 60 * 1000 - 1;
    expect((await fetchRaw(asset)).status).toBe(200);
    now += 1;
    expect((await fetchRaw(asset)).status).toBe(403);
  });
});

describe('serveEmulator', () => {
  it('prints the summary, runs until the signal aborts, then closes and returns the final stats', async () => {
    const controller = new AbortController();
    const printed: string[] = [];
    let url = '';
    const done: Promise<EmulatorStats> = serveEmulator(
      { apiKey: KEY, balance: 42 },
      {
        signal: controller.signal,
        print: (text) => printed.push(text),
        onReady: (emulator) => {
          url = emulator.url;
        },
      },
    );
    while (url === '') await sleep(5);
    const res = await request(url + API_PATHS.wallet, {
      dispatcher: emulators.agent,
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(await res.body.json()).toEqual({ balance: '42.00' });
    controller.abort();
    const stats = await done;
    expect(stats.requests.wallet).toBe(1);
    expect(printed.join('\n')).toContain(url);
    expect(printed.join('\n')).not.toContain(KEY);
    await expect(request(url + API_PATHS.wallet, { dispatcher: emulators.agent })).rejects.toThrow();
  });

  it('refuses to start with an already aborted signal', async () => {
    await expect(serveEmulator({}, { signal: AbortSignal.abort() })).rejects.toThrow();
  });
});
