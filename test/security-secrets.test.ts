import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../packages/cli/src/index.js';
import { runPipeline, withLocalSegmenter } from '../packages/cli/src/index.js';
import { StudioClient } from '../packages/client/src/index.js';
import { type Emulator, type FaultRule, startEmulator } from '../packages/client/src/testing/index.js';
import { type CliResult, ensureBuilt, runCli } from './helpers/cli.js';
import { FAST_FLAGS, RPM_FLAGS } from './helpers/emulator.js';
import { startFakeApi } from './helpers/fake-api.js';
import { allFiles } from './helpers/leftovers.js';
import { copyModels, MODELS, tempDir } from './helpers/paths.js';

/**
 * GitHub issue 6, "Secrets": the API key never appears in stdout, stderr (with --debug too), the
 * journal, the cache, the manifests, catalog.json, part files, or error objects (their JSON, their
 * util.inspect with the whole cause chain, their stack). A distinctive key is used for real runs of
 * `run`, `segment` and `balance` against the emulator with faults that make every error path speak,
 * and against a hostile server that echoes the Authorization header back in bodies and headers.
 */

const KEY = 'sk-live-7Qz9-DISTINCTIVE-meshparts-key-5e1f';
/** Pieces of the key a careless redaction might leave (a prefix, the base64 of the header). */
const KEY_FORMS = [KEY, KEY.slice(8, 30), Buffer.from(`Bearer ${KEY}`).toString('base64')];

const FAULTS: FaultRule[] = [
  { kind: 'html', match: { path: '/v1/generation-request/' }, status: 502 },
  { kind: 'status', match: { path: '/v1/generation-request/' }, status: 500 },
  { kind: 'rateLimit', match: { path: '/v1/generation-request/' } },
  { kind: 'fail', reason: 'upstream exploded' },
  { kind: 'expire', after: 1 },
  { kind: 'acceptThenDrop', after: 2 },
  { kind: 'truncate' },
];

let work: { dir: string; remove: () => Promise<void> };
let inputs: string;
beforeAll(async () => {
  work = await tempDir('security-secrets');
  inputs = join(work.dir, 'models');
  await copyModels(inputs);
  await ensureBuilt();
}, 180_000);
afterAll(() => work?.remove());

function startKeyedEmulator(faults: FaultRule[] = []): Promise<Emulator> {
  return startEmulator(
    withLocalSegmenter({ apiKey: KEY, balance: 10_000, durationMs: 200, requestsPerMinute: 10_000, faults }),
  );
}

function expectNoKey(text: string, where: string): void {
  for (const form of KEY_FORMS) expect(text.includes(form), `the key appears in ${where}`).toBe(false);
}

function expectNoKeyInOutput(result: CliResult, what: string): void {
  expectNoKey(result.stdout, `${what} stdout`);
  expectNoKey(result.stderr, `${what} stderr`);
}

async function expectNoKeyInFiles(dir: string): Promise<string[]> {
  const files = await allFiles(dir);
  for (const file of files) expectNoKey((await readFile(file)).toString('latin1'), file);
  return files;
}

/** Every way an error object is printed or logged. */
function expectNoKeyInError(error: unknown, where: string): void {
  expectNoKey(JSON.stringify(error) ?? '', `${where} (JSON)`);
  expectNoKey(inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }), `${where} (inspect)`);
  expectNoKey(String((error as Error | undefined)?.stack), `${where} (stack)`);
  let cause = (error as { cause?: unknown } | undefined)?.cause;
  for (let depth = 0; cause !== undefined && depth < 10; depth++) {
    expectNoKey(
      inspect(cause, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
      `${where} (cause ${depth})`,
    );
    cause = (cause as { cause?: unknown }).cause;
  }
}

/**
 * A hostile "API": every answer is an error that echoes the caller's Authorization header in its JSON
 * body, an HTML page, a header and a redirect Location, as a misconfigured proxy might.
 */
async function startEchoServer(): Promise<{ url: string; close: () => Promise<void> }> {
  let n = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const auth = req.headers.authorization ?? '';
    const variant = n++ % 3;
    res.setHeader('x-echo', auth);
    if (variant === 0) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'INTERNAL', message: `bad header ${auth}` }, detail: auth }));
    } else if (variant === 1) {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end(`<html><body><h1>502</h1><pre>${auth}</pre></body></html>`);
    } else {
      res.writeHead(401, {
        'content-type': 'application/json',
        'www-authenticate': `Bearer error="${auth}"`,
      });
      res.end(JSON.stringify({ detail: `invalid key ${auth.replace('Bearer ', '')}` }));
    }
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

describe('the API key never leaks', () => {
  it('run --debug (tripo, every error path) and run --json: not in output, journal, cache, manifests, catalog', async () => {
    await using emulator = await startKeyedEmulator(FAULTS);
    const env = { THREEDAISTUDIO_API_KEY: KEY, THREEDAISTUDIO_BASE_URL: emulator.url };
    const out = join(work.dir, 'run-out');
    const debug = await runCli(['--debug', 'run', inputs, '-o', out, ...FAST_FLAGS], {
      env,
      timeoutMs: 120_000,
    });
    expectNoKeyInOutput(debug, 'run --debug');
    expect(debug.stderr).toMatch(/meshparts: (debug|info): /); // --debug really logged requests
    expect(debug.code).toBe(1); // the faults made some models fail: their errors were printed
    const json = await runCli(['run', inputs, '-o', out, '--json', ...FAST_FLAGS], {
      env,
      timeoutMs: 120_000,
    });
    expectNoKeyInOutput(json, 'run --json');
    // The grep really covered the journal, the cache, a manifest, a part file and the catalog.
    const names = (await expectNoKeyInFiles(out)).map((file) => file.slice(out.length + 1));
    expect(names).toContain('.meshparts/journal.jsonl');
    expect(names).toContain('catalog.json');
    expect(names.some((name) => name.startsWith('.meshparts/cache/'))).toBe(true);
    expect(names.some((name) => name.endsWith('/manifest.json'))).toBe(true);
    expect(names.some((name) => /\/parts\/.+\.glb$/.test(name))).toBe(true);
  });

  it('with the key from --api-key and from a config file, too', async () => {
    await using emulator = await startKeyedEmulator();
    const out = join(work.dir, 'flag-out');
    const flag = await runCli(
      ['--debug', 'run', inputs, '-o', out, '--api-key', KEY, '--base-url', emulator.url, ...FAST_FLAGS],
      { timeoutMs: 120_000 },
    );
    expect(flag.code, flag.stderr).toBe(0);
    expectNoKeyInOutput(flag, 'run --api-key');
    const config = join(work.dir, 'config.json');
    await writeFile(config, JSON.stringify({ apiKey: KEY, baseUrl: emulator.url }));
    const out2 = join(work.dir, 'config-out');
    const fromFile = await runCli(['--debug', 'run', inputs, '-o', out2, ...FAST_FLAGS], {
      env: { MESHPARTS_CONFIG: config },
      timeoutMs: 120_000,
    });
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expectNoKeyInOutput(fromFile, 'run with a config file');
    await expectNoKeyInFiles(out);
    await expectNoKeyInFiles(out2);
  });

  it('segment --debug and balance --debug/--json, with the right key, a wrong one, and a server that echoes it', async () => {
    await using emulator = await startKeyedEmulator([
      { kind: 'html', status: 502, match: { path: '/account/' } },
    ]);
    const env = { THREEDAISTUDIO_API_KEY: KEY, THREEDAISTUDIO_BASE_URL: emulator.url };
    const segmentOut = join(work.dir, 'segment', 'result.glb');
    await mkdir(join(work.dir, 'segment'), { recursive: true });
    const segment = await runCli(
      ['--debug', 'segment', join(inputs, MODELS[0]), '-o', segmentOut, ...FAST_FLAGS],
      {
        env,
        timeoutMs: 60_000,
      },
    );
    expect(segment.code, segment.stderr).toBe(0);
    expectNoKeyInOutput(segment, 'segment --debug');
    await expectNoKeyInFiles(join(work.dir, 'segment'));
    for (const args of [
      ['--debug', 'balance', ...RPM_FLAGS],
      ['balance', '--json', ...RPM_FLAGS],
    ]) {
      const balance = await runCli(args, { env });
      expectNoKeyInOutput(balance, args.join(' '));
    }
    // A wrong key is a secret too: the 401 must not echo it.
    const wrong = await runCli(['--debug', 'balance', '--api-key', `${KEY}-wrong`, ...RPM_FLAGS], { env });
    expect(wrong.code).toBe(2); // a refused key is bad usage
    expectNoKeyInOutput(wrong, 'balance with a wrong key');

    const echo = await startEchoServer();
    try {
      for (let i = 0; i < 3; i++) {
        // --rpm: the 502 answers are retried, and at the default 3 per minute the retries are 20 s apart.
        const echoed = await runCli(['--debug', 'balance', '--json', ...RPM_FLAGS], {
          env: { THREEDAISTUDIO_API_KEY: KEY, THREEDAISTUDIO_BASE_URL: echo.url },
        });
        expect(echoed.code).not.toBe(0);
        expectNoKeyInOutput(echoed, `balance against an echoing server (${i})`);
      }
    } finally {
      await echo.close();
    }
  }, 90_000);

  it('error objects: thrown by the client and returned by the pipeline, whatever way they are printed', async () => {
    const echo = await startEchoServer();
    try {
      const client = new StudioClient({
        apiKey: KEY,
        baseUrl: echo.url,
        maxRetries: 0,
        requestsPerMinute: 10_000,
      });
      for (let i = 0; i < 3; i++) {
        const error = await client.wallet.balance().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(Error);
        expectNoKeyInError(error, `wallet error ${i}`);
      }
      const upload = await client.segmentation
        .create({ model: join(inputs, MODELS[0]) })
        .catch((e: unknown) => e);
      expectNoKeyInError(upload, 'submission error');
      await client.close();
    } finally {
      await echo.close();
    }

    await using emulator = await startKeyedEmulator(FAULTS);
    const events: PipelineEvent[] = [];
    const run = await runPipeline({
      inputs: [inputs],
      outDir: join(work.dir, 'pipeline-out'),
      segmenter: 'tripo',
      client: {
        apiKey: KEY,
        baseUrl: emulator.url,
        requestsPerMinute: 10_000,
        polling: { maxIntervalMs: 100 },
      },
      onEvent: (event) => events.push(event),
    });
    const failed = run.results.filter((r) => r.error);
    expect(failed.length).toBeGreaterThan(0);
    for (const result of run.results) expectNoKeyInError(result.error, `${result.model.file} error`);
    expectNoKey(inspect(run, { depth: Number.POSITIVE_INFINITY }), 'the run result');
    expectNoKey(inspect(events, { depth: Number.POSITIVE_INFINITY }), 'pipeline events');
  });
});

describe('what a server sends back, and a key no header can carry', () => {
  it('a server that echoes the key in failure reasons and task ids: redacted before it is printed or stored', async () => {
    const failing = await startFakeApi({
      status: { kind: 'failed', reason: (key) => `upstream said: your key ${key} is wrong\nretry later` },
    });
    const echoing = await startFakeApi({ taskId: (key) => `task-${key}`, acceptRedactedIds: true });
    try {
      for (const [name, api, code] of [
        ['failure_reason', failing, 1],
        ['task_id', echoing, 0],
      ] as const) {
        const out = join(work.dir, `echo-${name}`);
        for (const args of [['--json'], []]) {
          const result = await runCli(['run', join(inputs, MODELS[1]), '-o', out, ...args, ...FAST_FLAGS], {
            env: { THREEDAISTUDIO_API_KEY: KEY, THREEDAISTUDIO_BASE_URL: api.url },
          });
          expect(result.code, `${name}: ${result.stderr}`).toBe(code);
          expectNoKeyInOutput(result, `run against a server echoing the key in ${name}`);
        }
        // The journal, the cache, the manifest and the catalog: written, and clean.
        const files = (await expectNoKeyInFiles(out)).map((file) => file.slice(out.length + 1));
        expect(files).toContain('.meshparts/journal.jsonl');
        if (code === 0) expect(files.some((file) => file.endsWith('/manifest.json'))).toBe(true);
      }
      expect(echoing.submissions()).toBe(1);
    } finally {
      await failing.close();
      await echoing.close();
    }
  }, 90_000);

  it('a key with a character HTTP headers forbid: exit 2 before any request, nothing journaled', async () => {
    const api = await startFakeApi();
    try {
      for (const key of ['sk-ключ-123456', 'sk-abc’def-123456']) {
        const env = { THREEDAISTUDIO_API_KEY: key, THREEDAISTUDIO_BASE_URL: api.url };
        const out = join(work.dir, 'bad-key');
        for (const args of [
          ['run', join(inputs, MODELS[1]), '-o', out],
          ['segment', join(inputs, MODELS[1]), '-o', join(out, 'x.glb')],
          ['balance'],
        ]) {
          const result = await runCli(args, { env });
          expect(result.code, `${args[0]}: ${result.stderr}`).toBe(2);
          expect(result.stderr.trim().split('\n').at(-1)).toMatch(/character an HTTP header cannot carry/);
          expect(result.stderr).not.toContain(key);
        }
        await expect(readFile(join(out, '.meshparts', 'journal.jsonl'))).rejects.toThrow(/ENOENT/);
      }
      expect(api.requests).toEqual({ submit: 0, status: 0, wallet: 0, asset: 0, other: 0 });
    } finally {
      await api.close();
    }
  });
});
