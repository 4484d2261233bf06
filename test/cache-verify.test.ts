import { copyFile, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../packages/client/src/testing/index.js';
import { ensureBuilt, runCli } from './helpers/cli.js';
import { cliEnvFor, FAST_FLAGS, startTestEmulator } from './helpers/emulator.js';
import { expectValidPack } from './helpers/packs.js';
import { useWorkspace } from './helpers/workspace.js';

/**
 * Issue 11, D16: a cache entry is checked against the sha256 the journal recorded when it was
 * written. A damaged entry (truncated) or one swapped for another model's result is dropped and
 * fetched again: a journaled task is downloaded again for nothing, a local result segmented again.
 * It never fails every rerun, and never makes a pack of the wrong model.
 */

let emulator: Emulator | undefined;
const ws = useWorkspace('cache-verify', ['TwoCubes.glb', 'BoxAnimated.glb']);

beforeAll(ensureBuilt, 180_000);
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

interface RunJson {
  spentCredits: number;
  results: { file: string; slug: string; action: string; outcome: string; reason: string; packDir: string }[];
}

const cacheDir = () => join(ws.out, '.meshparts', 'cache');
const partNames = async (packDir: string) => (await expectValidPack(packDir)).parts.map((p) => p.name).sort();

describe('cache entries are verified before use', () => {
  it('tripo: a truncated entry and a swapped one are downloaded again from their tasks, for nothing', async () => {
    emulator = await startTestEmulator();
    const env = cliEnvFor(emulator);
    const first = JSON.parse(
      (await runCli(['run', ws.inputs, '-o', ws.out, '--json', ...FAST_FLAGS], { env })).stdout,
    ) as RunJson;
    const [box, cubes] = first.results;
    const boxParts = await partNames(box!.packDir);
    const cubesParts = await partNames(cubes!.packDir);
    // The cache entry of each model, by the input sha256 its manifest records.
    const entries = await readdir(cacheDir());
    const entryOf = async (packDir: string) => {
      const manifest = JSON.parse(await readFile(join(packDir, 'manifest.json'), 'utf8')) as {
        source: { sha256: string };
      };
      return join(cacheDir(), entries.find((name) => name.startsWith(manifest.source.sha256))!);
    };
    const boxEntry = await entryOf(box!.packDir);
    const cubesEntry = await entryOf(cubes!.packDir);
    // TwoCubes' entry swapped for BoxAnimated's (a valid GLB of the wrong model), then BoxAnimated's
    // truncated; both packs dropped, so that the run needs the cache.
    await copyFile(boxEntry, cubesEntry);
    await truncate(boxEntry, 100);
    for (const result of first.results) await rm(result.packDir, { recursive: true });

    const again = await runCli(['run', ws.inputs, '-o', ws.out, '--json', ...FAST_FLAGS], { env });
    expect(again.code, again.stderr).toBe(0);
    const json = JSON.parse(again.stdout) as RunJson;
    expect(json.spentCredits).toBe(0);
    expect(json.results.map((r) => [r.action, r.reason])).toEqual([
      ['resume', expect.stringMatching(/^the cached segmented GLB was damaged: resume paid task /)],
      ['resume', expect.stringMatching(/^the cached segmented GLB was damaged: resume paid task /)],
    ]);
    // The packs are those of the right models again.
    expect(await partNames(json.results[0]!.packDir)).toEqual(boxParts);
    expect(await partNames(json.results[1]!.packDir)).toEqual(cubesParts);
    expect(emulator.stats().submissions).toBe(2);
  });

  it('tripo: new split options over a complete pack whose entry is damaged fetch its task again, for nothing', async () => {
    emulator = await startTestEmulator();
    const env = cliEnvFor(emulator);
    const first = await runCli(['run', ws.inputs, '-o', ws.out, '--json', ...FAST_FLAGS], { env });
    expect(first.code, first.stderr).toBe(0);
    for (const entry of await readdir(cacheDir())) await truncate(join(cacheDir(), entry), 100);
    // The packs stay complete; only the split options change.
    const again = await runCli(
      ['run', ws.inputs, '-o', ws.out, '--json', '--pivot', 'bottom', ...FAST_FLAGS],
      {
        env,
      },
    );
    expect(again.code, again.stderr).toBe(0);
    const json = JSON.parse(again.stdout) as RunJson;
    expect(json.spentCredits).toBe(0);
    expect(json.results.map((r) => [r.action, r.outcome])).toEqual([
      ['resume', 'packed'],
      ['resume', 'packed'],
    ]);
    expect(json.results[0]!.reason).toMatch(/split options changed .*\(it was damaged\): fetch paid task /);
    for (const result of json.results) {
      const manifest = JSON.parse(await readFile(join(result.packDir, 'manifest.json'), 'utf8')) as {
        parts: { pivot: string }[];
      };
      expect(manifest.parts.map((part) => part.pivot)).toEqual(manifest.parts.map(() => 'bottom'));
    }
    expect(emulator.stats().submissions).toBe(2);
  });

  it('local: a truncated entry is segmented again (free) instead of failing every rerun', async () => {
    const first = await runCli(['run', ws.inputs, '-o', ws.out, '--json', '--segmenter', 'local']);
    expect(first.code, first.stderr).toBe(0);
    const json = JSON.parse(first.stdout) as RunJson;
    for (const entry of await readdir(cacheDir())) await truncate(join(cacheDir(), entry), 64);
    await rm(json.results[1]!.packDir, { recursive: true });
    const again = await runCli(['run', ws.inputs, '-o', ws.out, '--json', '--segmenter', 'local']);
    expect(again.code, again.stderr).toBe(0);
    const rerun = JSON.parse(again.stdout) as RunJson;
    expect(rerun.results.map((r) => [r.action, r.outcome])).toEqual([
      ['skip', 'skipped'],
      ['segment', 'packed'],
    ]);
    expect(rerun.results[1]!.reason).toMatch(/^the cached segmented GLB was damaged: local segmenter/);
    await expectValidPack(rerun.results[1]!.packDir);
  });
});
