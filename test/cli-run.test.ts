import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../packages/client/src/testing/index.js';
import { ensureBuilt, runCli } from './helpers/cli.js';
import { cliEnvFor, FAST_FLAGS, startTestEmulator, TEST_KEY } from './helpers/emulator.js';
import { expectValidPack } from './helpers/packs.js';
import { FIXTURES, MODELS } from './helpers/paths.js';
import { useWorkspace } from './helpers/workspace.js';

let emulator: Emulator | undefined;
const ws = useWorkspace('cli-run');

beforeAll(ensureBuilt, 180_000);
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

interface RunJson {
  segmenter: string;
  ok: boolean;
  spentCredits: number;
  plannedCredits: number;
  balance?: number;
  catalog: string | null;
  results: {
    file: string;
    outcome: string;
    parts: number | null;
    taskId: string | null;
    packDir: string | null;
    error: { code: string } | null;
  }[];
}

describe('meshparts run (end to end, built bin)', () => {
  it('runs offline with the local segmenter when no key is set, and says so', async () => {
    const result = await runCli(['run', ws.inputs, '-o', ws.out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/segmenter: local \(no API key set/);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/model\s+parts\s+credits\s+time\s+outcome/);
    const catalog = JSON.parse(await readFile(join(ws.out, 'catalog.json'), 'utf8'));
    expect(catalog.packs).toHaveLength(MODELS.length);
    for (const entry of catalog.packs) await expectValidPack(join(ws.out, entry.pack));
    // The page over every pack (drawn in Chromium by test/gallery-browser.test.ts).
    expect(await readFile(join(ws.out, 'index.html'), 'utf8')).toContain('gallery/js/run-page.js');
    expect(await readFile(join(ws.out, 'gallery', 'js', 'run-page.js'), 'utf8')).toContain('catalog.json');
    expect(result.stderr).toMatch(/gallery: meshparts view /);
  });

  it("leaves an index.html of the user's in the output folder alone: the page goes beside it, exit 0", async () => {
    await mkdir(ws.out, { recursive: true });
    const mine = '<!doctype html><title>my site</title>\n';
    await writeFile(join(ws.out, 'index.html'), mine);
    const result = await runCli(['run', ws.inputs, '-o', ws.out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as RunJson & { gallery: string | null; galleryError?: string };
    expect(json.ok).toBe(true);
    expect(json.gallery).toBe(join(ws.out, 'meshparts-gallery.html'));
    expect(json.galleryError).toBeUndefined();
    expect(result.stderr).not.toMatch(/warning/);
    expect(await readFile(join(ws.out, 'index.html'), 'utf8')).toBe(mine);
    expect(await readFile(join(ws.out, 'meshparts-gallery.html'), 'utf8')).toContain(
      'gallery/js/run-page.js',
    );
    expect(JSON.parse(await readFile(join(ws.out, 'catalog.json'), 'utf8')).packs).toHaveLength(
      MODELS.length,
    );
  });

  it('prints only JSON on stdout with --json, against the emulator, and a rerun pays nothing', async () => {
    emulator = await startTestEmulator();
    const env = cliEnvFor(emulator);
    const first = await runCli(['run', ws.inputs, '-o', ws.out, '--json', ...FAST_FLAGS], { env });
    expect(first.code, first.stderr).toBe(0);
    const json = JSON.parse(first.stdout) as RunJson;
    expect(json.segmenter).toBe('tripo');
    expect(json.ok).toBe(true);
    expect(json.spentCredits).toBe(80 * MODELS.length);
    expect(json.results.every((r) => r.outcome === 'packed' && r.taskId && r.parts && r.parts > 0)).toBe(
      true,
    );
    expect(first.stderr).toMatch(/segmenter: tripo \(API key from THREEDAISTUDIO_API_KEY/);

    const second = await runCli(['run', ws.inputs, '-o', ws.out, '--json', ...FAST_FLAGS], { env });
    expect(second.code).toBe(0);
    const again = JSON.parse(second.stdout) as RunJson;
    expect(again.spentCredits).toBe(0);
    expect(again.results.map((r) => r.outcome)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(emulator.stats().submissions).toBe(MODELS.length);
    for (const hash of Object.values(emulator.stats().submissionsByHash)) expect(hash).toBe(1);
  });

  it('gets a fused figure cut by shape from the emulator, which segments with the local segmenter', async () => {
    emulator = await startTestEmulator();
    const model = join(FIXTURES, 'generated', 'fused-figure.glb');
    const result = await runCli(['run', model, '-o', ws.out, '--json', ...FAST_FLAGS], {
      env: cliEnvFor(emulator),
    });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as RunJson;
    expect(json.segmenter).toBe('tripo');
    expect(json.results.map((r) => [r.outcome, r.parts])).toEqual([['packed', 6]]);
    const manifest = await expectValidPack(json.results[0]!.packDir!);
    expect(manifest.parts.map((part) => part.name).sort()).toEqual([
      'bottom_left',
      'bottom_right',
      'center',
      'top',
      'top_left',
      'top_right',
    ]);
  });

  it('gives an explicit label strategy to the local segmenter and splits its parts as they are', async () => {
    const figure = join(FIXTURES, 'generated', 'fused-figure.glb');
    const shape = await runCli(['run', figure, '-o', ws.out, '--strategy', 'shape', '--json']);
    expect(shape.code, shape.stderr).toBe(0);
    // Six parts, as auto finds: the split does not cut the segmenter's parts by shape again.
    expect((JSON.parse(shape.stdout) as RunJson).results.map((r) => r.parts)).toEqual([6]);
    // A strategy the model cannot take is bad input, as in `meshparts split`: exit 2, nothing packed.
    const colors = await runCli([
      'run',
      figure,
      '-o',
      join(ws.out, 'colors'),
      '--strategy',
      'colors',
      '--json',
    ]);
    expect(colors.code, colors.stderr).toBe(2);
    const failed = (JSON.parse(colors.stdout) as RunJson).results[0]!;
    expect(failed.error?.code).toBe('input');
    expect(colors.stderr).toMatch(/the colors strategy needs vertex colours/);
  });

  it('exits 1 when a task fails among good ones, with a summary that names it', async () => {
    emulator = await startTestEmulator({ faults: [{ kind: 'fail', after: 1 }] });
    const result = await runCli(['run', ws.inputs, '-o', ws.out, '--concurrency', '1', ...FAST_FLAGS], {
      env: cliEnvFor(emulator),
    });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/failed: segment/);
    expect(result.stderr).toMatch(/2 of 3 model\(s\) ok/);
    const catalog = JSON.parse(await readFile(join(ws.out, 'catalog.json'), 'utf8'));
    expect(catalog.packs).toHaveLength(2);
  });

  it('reports a submission whose answer was lost, and resubmits it only with --resubmit-unknown', async () => {
    emulator = await startTestEmulator({ faults: [{ kind: 'acceptThenDrop', match: { method: 'POST' } }] });
    const model = join(ws.inputs, 'TwoCubes.glb');
    const env = cliEnvFor(emulator);
    const first = await runCli(['run', model, '-o', ws.out, ...FAST_FLAGS], { env });
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/may have created a task.*--resubmit-unknown/);
    const second = await runCli(['run', model, '-o', ws.out, '--dry-run', ...FAST_FLAGS], { env });
    expect(second.stderr).toMatch(/TwoCubes\.glb\s+blocked\s+0/);
    const third = await runCli(['run', model, '-o', ws.out, '--resubmit-unknown', ...FAST_FLAGS], { env });
    expect(third.code, third.stderr).toBe(0);
    expect(emulator.stats().submissions).toBe(2);
  });

  it('--dry-run prints the plan and the credits, checks the balance, and submits nothing', async () => {
    emulator = await startTestEmulator({ balance: 100 });
    const result = await runCli(['run', ws.inputs, '-o', ws.out, '--dry-run', ...FAST_FLAGS], {
      env: cliEnvFor(emulator),
    });
    // Not enough: the real run would refuse this plan, so the dry run exits 2 as well.
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(
      /would spend up to 240 credit\(s\); balance 100 credit\(s\): NOT enough \(140 short\)\. Add credits, or run the part the balance covers now with --max-credits 80 \(1 submission\(s\)/,
    );
    expect(emulator.stats().submissions).toBe(0);
    const json = await runCli(['run', ws.inputs, '-o', ws.out, '--dry-run', '--json', ...FAST_FLAGS], {
      env: cliEnvFor(emulator),
    });
    expect(JSON.parse(json.stdout)).toMatchObject({
      dryRun: true,
      plannedCredits: 240,
      balance: 100,
      catalog: null,
    });
    const planned = JSON.parse(json.stdout).results as { action: string; reason: string; credits: number }[];
    expect(planned.map((r) => [r.action, r.credits])).toEqual([
      ['submit', 80],
      ['submit', 80],
      ['submit', 80],
    ]);
    expect(planned[0]?.reason).toMatch(/new submission/);
  });

  it('refuses a plan the balance cannot pay for (exit 2, nothing submitted), and --max-credits runs part of it', async () => {
    emulator = await startTestEmulator({ balance: 100 });
    const env = cliEnvFor(emulator);
    const refused = await runCli(['run', ws.inputs, '-o', ws.out, ...FAST_FLAGS], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n').at(-1)).toMatch(
      /needs up to 240 credits .* balance is 100: 140 short; nothing was submitted\. Add credits, or run the part the balance covers now with --max-credits 80/,
    );
    expect(emulator.stats().requests.submit).toBe(0);
    // As the message says: one submission now, the others wait (exit 1: they are not done).
    const part = await runCli(['run', ws.inputs, '-o', ws.out, '--max-credits', '80', ...FAST_FLAGS], {
      env,
    });
    expect(part.code, part.stderr).toBe(1);
    expect(part.stderr).toMatch(/2 credit-limit: not submitted within --max-credits/);
    expect(part.stderr).toMatch(/1 of 3 model\(s\) ok, 80 credit\(s\) spent/);
    expect(emulator.stats().submissions).toBe(1);
    expect(emulator.stats().balance).toBe(20);
  });

  it('never prints the API key, even with --debug', async () => {
    emulator = await startTestEmulator();
    const result = await runCli(['--debug', 'run', ws.inputs, '-o', ws.out, '--json', ...FAST_FLAGS], {
      env: cliEnvFor(emulator),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(TEST_KEY);
    const journal = await readFile(join(ws.out, '.meshparts', 'journal.jsonl'), 'utf8');
    expect(journal).not.toContain(TEST_KEY);
    const bad = await runCli(
      [
        '--debug',
        'run',
        ws.inputs,
        '-o',
        join(ws.dir, 'out2'),
        '--api-key',
        'sk-wrong-key-42',
        ...FAST_FLAGS,
      ],
      {
        env: { THREEDAISTUDIO_BASE_URL: emulator.url },
      },
    );
    // The balance read before the first submission finds the wrong key: exit 2, nothing submitted.
    expect(bad.code).toBe(2);
    expect(bad.stdout + bad.stderr).not.toContain('sk-wrong-key-42');
    expect(bad.stderr).toMatch(/the API refused the key: .*; nothing was submitted/);
  });

  it('exits 2 on bad usage and bad input, writing nothing', async () => {
    const file = join(ws.dir, 'a-file');
    await writeFile(file, 'x');
    const cases: string[][] = [
      ['run', join(ws.dir, 'missing.glb'), '-o', ws.out],
      ['run', ws.inputs, '-o', file],
      ['run', ws.inputs],
      ['run', ws.inputs, '-o', ws.out, '--concurrency', '0'],
      ['run', ws.inputs, '-o', ws.out, '--pivot', 'sideways'],
      ['run', ws.inputs, '-o', ws.out, '--segmenter', 'tripo'],
      ['run', join(ws.dir, 'empty'), '-o', ws.out],
    ];
    await mkdir(join(ws.dir, 'empty'));
    for (const args of cases) {
      const result = await runCli(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr.trim().split('\n').length, result.stderr).toBeLessThanOrEqual(3);
    }
    await expect(readFile(join(ws.out, 'catalog.json'))).rejects.toThrow(/ENOENT/);
    // With --json, even a usage error answers in JSON on stdout.
    const json = await runCli(['run', join(ws.dir, 'missing.glb'), '-o', ws.out, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      error: { kind: 'usage', message: expect.stringMatching(/input not found/) },
    });
  });
});
