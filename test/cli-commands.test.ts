import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../packages/client/src/testing/index.js';
import { readModel } from '../packages/split/src/index.js';
import { collect, ensureBuilt, runCli, spawnCli } from './helpers/cli.js';
import { cliEnvFor, FAST_FLAGS, RPM_FLAGS, startTestEmulator, TEST_KEY } from './helpers/emulator.js';
import { FIXTURES, tempDir } from './helpers/paths.js';

let work: { dir: string; remove: () => Promise<void> };
let emulator: Emulator | undefined;

beforeAll(ensureBuilt, 180_000);
beforeEach(async () => {
  work = await tempDir('cli-commands');
});
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  await work.remove();
});

const model = join(FIXTURES, 'TwoCubes.glb');

describe('--help', () => {
  it('documents every command with examples', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['inspect', 'split', 'segment', 'run', 'balance', 'emulate']) {
      expect(top.stdout).toContain(command);
      const help = await runCli([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toMatch(/Examples:\n\s+\$ meshparts /);
    }
    const run = await runCli(['run', '--help']);
    for (const flag of [
      '--api-key',
      '--base-url',
      '--rpm',
      '--concurrency',
      '--segmenter',
      '--strategy',
      '--pivot',
      '--name-template',
      '--rename',
      '--max-credits',
      '--dry-run',
      '--json',
      '--quiet',
    ]) {
      expect(run.stdout).toContain(flag);
    }
  });
});

describe('meshparts segment', () => {
  it('segments through the API, printing the task id, and writes a GLB', async () => {
    emulator = await startTestEmulator();
    const to = join(work.dir, 'seg', 'two.glb');
    const result = await runCli(['segment', model, '-o', to, '--json', ...FAST_FLAGS], {
      env: cliEnvFor(emulator),
    });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ segmenter: 'tripo', path: to });
    expect(result.stderr).toContain(`submitted task ${json.taskId}`);
    const { document } = await readModel(to);
    expect(document.getRoot().listMeshes().length).toBeGreaterThan(0);
    expect(emulator.stats().submissions).toBe(1);
  });

  it('segments locally without a key', async () => {
    const to = join(work.dir, 'local.glb');
    const result = await runCli(['segment', join(FIXTURES, 'generated', 'labels-part-id.glb'), '-o', to]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/segmenter: local/);
    const bytes = await readFile(to);
    expect(bytes.subarray(0, 4).toString()).toBe('glTF');
  });

  it('takes --max-credits and --dry-run, paying nothing beyond the limit or in a dry run', async () => {
    emulator = await startTestEmulator();
    const to = join(work.dir, 'paid', 'two.glb');
    const env = { env: cliEnvFor(emulator) };
    const over = await runCli(['segment', model, '-o', to, '--max-credits', '79', ...FAST_FLAGS], env);
    expect(over.code, over.stderr).toBe(2);
    expect(over.stderr).toContain('--max-credits 79');
    const dry = await runCli(['segment', model, '-o', to, '--dry-run', '--json', ...FAST_FLAGS], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ segmenter: 'tripo', dryRun: true, credits: 80, path: to });
    expect(emulator.stats().submissions).toBe(0);
    await expect(readFile(to)).rejects.toThrow();
    const within = await runCli(['segment', model, '-o', to, '--max-credits', '80', ...FAST_FLAGS], env);
    expect(within.code, within.stderr).toBe(0);
    expect(emulator.stats().submissions).toBe(1);
    const local = join(work.dir, 'local.glb');
    const free = await runCli(['segment', model, '-o', local, '--segmenter', 'local', '--max-credits', '0']);
    expect(free.code, free.stderr).toBe(0);
  });

  it('exits 2 without a model or with both a model and --url', async () => {
    expect((await runCli(['segment', '-o', join(work.dir, 'x.glb')])).code).toBe(2);
    expect(
      (await runCli(['segment', model, '--url', 'https://example.com/a.glb', '-o', join(work.dir, 'x.glb')]))
        .code,
    ).toBe(2);
  });
});

describe('meshparts balance', () => {
  it('prints the wallet balance, as text or JSON', async () => {
    emulator = await startTestEmulator({ balance: 150 });
    const text = await runCli(['balance', ...RPM_FLAGS], { env: cliEnvFor(emulator) });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe('150\n');
    const json = await runCli(['balance', '--json', ...RPM_FLAGS], { env: cliEnvFor(emulator) });
    expect(JSON.parse(json.stdout)).toEqual({ balance: 150, segmentations: 1 });
  });

  it('accepts --quiet on balance and inspect, printing only the result', async () => {
    emulator = await startTestEmulator({ balance: 150 });
    const balance = await runCli(['balance', '--quiet', ...RPM_FLAGS], { env: cliEnvFor(emulator) });
    expect(balance.code, balance.stderr).toBe(0);
    expect(balance.stdout).toBe('150\n');
    const inspect = await runCli(['inspect', model, '--quiet', '--json']);
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(JSON.parse(inspect.stdout).parts).toHaveLength(2);
  });

  it('reads the key and base URL from the config file', async () => {
    emulator = await startTestEmulator({ balance: 240 });
    const config = join(work.dir, 'config.json');
    await writeFile(config, JSON.stringify({ apiKey: TEST_KEY, baseUrl: emulator.url }));
    const result = await runCli(['balance'], { env: { MESHPARTS_CONFIG: config } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('240\n');
    const run = await runCli(['run', model, '-o', join(work.dir, 'out'), '--dry-run'], {
      env: { MESHPARTS_CONFIG: config },
    });
    expect(run.stderr).toContain(`segmenter: tripo (API key from the config file ${config}`);
    expect(run.stderr).not.toContain(TEST_KEY);
  });

  it('exits 2 without a key and with a key the API refuses (bad usage, as in run), never printing it', async () => {
    expect((await runCli(['balance'])).code).toBe(2);
    emulator = await startTestEmulator();
    const wrong = await runCli(['balance', '--api-key', 'sk-not-the-key-77', '--base-url', emulator.url]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr + wrong.stdout).not.toContain('sk-not-the-key-77');
  });
});

describe('meshparts emulate', () => {
  it('serves the API with the local segmenter until SIGINT, and a run against it works', async () => {
    const child = spawnCli(['emulate', '--duration-ms', '200', '--rpm', '10000']);
    const done = collect(child, 60_000);
    let printed = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
        const match = /THREEDAISTUDIO_BASE_URL=(\S+) THREEDAISTUDIO_API_KEY=(\S+)/.exec(printed);
        if (match) resolve(match[1]!);
      });
      child.on('close', () => reject(new Error(`emulate exited early: ${printed}`)));
    });
    const out = join(work.dir, 'emulated');
    const run = await runCli(['run', join(FIXTURES, 'TwoCubes.glb'), '-o', out, '--json', ...FAST_FLAGS], {
      env: { THREEDAISTUDIO_BASE_URL: url, THREEDAISTUDIO_API_KEY: 'emulator-key' },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ segmenter: 'tripo', spentCredits: 80 });
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/emulator stopped: 1 submission/);
    expect(result.stdout + result.stderr).not.toContain(TEST_KEY);
  });
});
