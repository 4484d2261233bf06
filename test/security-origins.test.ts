import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioClient } from '../packages/client/src/index.js';
import { ensureBuilt, runCli } from './helpers/cli.js';
import { cliEnvFor, FAST_FLAGS, startTestEmulator, TEST_KEY } from './helpers/emulator.js';
import { copyModels, FIXTURES, MODELS, tempDir } from './helpers/paths.js';

/**
 * GitHub issue 6, "Secrets and origins": the Authorization header goes to the API's origin only: not to
 * the storage origin, not to wherever a redirect points (from the API or from storage), not to a result
 * URL on another origin; and plain http is refused for any host that is not loopback, before a single
 * byte is sent.
 */

interface Recorder {
  url: string;
  requests: { method: string; path: string; authorization: string | undefined }[];
  close: () => Promise<void>;
}

/** A client with the test key for `baseUrl`: no retries, and a request budget the tests never reach. */
function clientWithoutRetries(baseUrl: string): StudioClient {
  return new StudioClient({ apiKey: TEST_KEY, baseUrl, maxRetries: 0, requestsPerMinute: 10_000 });
}

/** A loopback server that records every request and answers with `handler`. */
async function recorder(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Recorder> {
  const requests: Recorder['requests'] = [];
  const server = createServer((req, res) => {
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
    });
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let work: { dir: string; remove: () => Promise<void> };
let glb: Uint8Array;
beforeAll(async () => {
  work = await tempDir('security-origins');
  await copyModels(join(work.dir, 'models'));
  glb = new Uint8Array(await readFile(join(FIXTURES, 'TwoCubes.glb')));
  await ensureBuilt();
}, 180_000);
afterAll(() => work?.remove());

describe('Authorization goes to the API origin only', () => {
  it('a whole run downloads from storage (through redirect hops) without ever sending the key there', async () => {
    await using emulator = await startTestEmulator({ redirect: 3 });
    const result = await runCli(
      ['run', join(work.dir, 'models'), '-o', join(work.dir, 'out'), ...FAST_FLAGS],
      {
        env: cliEnvFor(emulator),
        timeoutMs: 120_000,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const stats = emulator.stats();
    expect(stats.storageRequests).toBeGreaterThanOrEqual(MODELS.length * 4); // each asset: 3 hops + bytes
    expect(stats.storageAuthHeaders).toBe(0);
    expect(stats.unauthorized).toBe(0); // while every API request did carry it
  });

  it('redirects from the API to another origin never carry the key, whatever the status', async () => {
    const elsewhere = await recorder((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ balance: '1.00', task_id: 'x', created_at: new Date().toISOString() }));
    });
    const statuses = [301, 302, 303, 307, 308];
    let n = 0;
    const api = await recorder((req, res) => {
      res.writeHead(statuses[n++ % statuses.length]!, { location: `${elsewhere.url}${req.url}` });
      res.end();
    });
    const client = clientWithoutRetries(api.url);
    try {
      for (let i = 0; i < statuses.length; i++) {
        await client.wallet.balance().catch(() => undefined);
        await client.tasks.retrieve('00000000-0000-4000-8000-000000000000').catch(() => undefined);
        await client.segmentation.create({ model: glb }).catch(() => undefined);
      }
      expect(api.requests.length).toBeGreaterThanOrEqual(3 * statuses.length);
      expect(api.requests.every((r) => r.authorization === `Bearer ${TEST_KEY}`)).toBe(true);
      expect(elsewhere.requests.filter((r) => r.authorization !== undefined)).toEqual([]);
    } finally {
      await client.close();
      await api.close();
      await elsewhere.close();
    }
  });

  it('a result URL on another origin, or on the API origin but redirected away, gets no key', async () => {
    const storage = await recorder((_req, res) => {
      res.writeHead(200, { 'content-type': 'model/gltf-binary', 'content-length': glb.byteLength });
      res.end(glb);
    });
    const api = await recorder((req, res) => {
      res.writeHead(302, { location: `${storage.url}${req.url}` });
      res.end();
    });
    const client = clientWithoutRetries(api.url);
    try {
      await client.download(`${storage.url}/assets/a.glb`, { to: join(work.dir, 'dl', 'a.glb') });
      await client.download(`${api.url}/assets/b.glb`, { to: join(work.dir, 'dl', 'b.glb') });
      expect(storage.requests.map((r) => r.path)).toEqual(['/assets/a.glb', '/assets/b.glb']);
      expect(storage.requests.filter((r) => r.authorization !== undefined)).toEqual([]);
      expect(new Uint8Array(await readFile(join(work.dir, 'dl', 'b.glb')))).toEqual(glb);
    } finally {
      await client.close();
      await api.close();
      await storage.close();
    }
  });
});

describe('plain http is refused for non-loopback hosts', () => {
  const refused = [
    'http://api.3daistudio.com',
    'http://10.1.2.3:8080',
    'http://localhost.evil.example',
    // RFC 6761 reserves *.localhost, but resolving it goes through the system resolver (mDNS, DNS):
    // only literal loopback addresses and `localhost` itself get the key over plain http.
    'http://foo.localhost:9',
    'http://api.localhost',
    'http://127.0.0.1.nip.io',
    'http://evil.example#@127.0.0.1',
    'http://[::ffff:10.0.0.1]',
  ];
  const accepted = [
    'https://api.3daistudio.com',
    'http://127.0.0.1:9',
    'http://[::1]:9',
    'http://localhost:9',
  ];

  it('by the client, for the base URL', () => {
    for (const baseUrl of refused) {
      expect(() => new StudioClient({ apiKey: TEST_KEY, baseUrl }), baseUrl).toThrow(/https/);
    }
    for (const baseUrl of accepted) {
      const client = new StudioClient({ apiKey: TEST_KEY, baseUrl });
      void client.close();
    }
  });

  it('by the client, for a download and for any redirect hop, before connecting', async () => {
    const hop = await recorder((_req, res) => {
      res.writeHead(302, { location: 'http://storage.evil.example/asset.glb' });
      res.end();
    });
    const client = clientWithoutRetries(hop.url);
    try {
      const direct = await client
        .download('http://storage.evil.example/asset.glb', { to: join(work.dir, 'dl', 'x.glb') })
        .catch((e: unknown) => e as Error & { code?: string });
      expect(direct).toMatchObject({ code: 'INSECURE_URL' });
      const redirected = await client
        .download(`${hop.url}/asset.glb`, { to: join(work.dir, 'dl', 'y.glb') })
        .catch((e: unknown) => e as Error & { code?: string });
      expect(redirected).toMatchObject({ code: 'INSECURE_URL' });
      expect(hop.requests).toHaveLength(1);
    } finally {
      await client.close();
      await hop.close();
    }
  });

  it('by the CLI: exit 2 (bad usage) with one line, from --base-url or the environment, before any work', async () => {
    for (const baseUrl of ['http://api.3daistudio.com', 'http://10.1.2.3:8080']) {
      const flag = await runCli(['balance', '--api-key', TEST_KEY, '--base-url', baseUrl]);
      expect(flag.code, flag.stderr).toBe(2);
      expect(flag.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(flag.stderr).toMatch(/https/);
      const env = await runCli(['run', join(work.dir, 'models'), '-o', join(work.dir, 'never')], {
        env: { THREEDAISTUDIO_API_KEY: TEST_KEY, THREEDAISTUDIO_BASE_URL: baseUrl },
      });
      expect(env.code, env.stderr).toBe(2);
      expect(env.stderr.trimEnd().split('\n').at(-1)).toMatch(/^meshparts: .*https/);
      await expect(readFile(join(work.dir, 'never', '.meshparts', 'journal.jsonl'))).rejects.toThrow(
        /ENOENT/,
      );
    }
  });
});
