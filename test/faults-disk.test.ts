import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { journalPath, parseJournal } from '../packages/cli/src/index.js';
import type { Emulator } from '../packages/client/src/testing/index.js';
import { verifyPack } from '../packages/split/src/index.js';
import { ensureBuilt, runCli } from './helpers/cli.js';
import { cliEnvFor, FAST_FLAGS, startTestEmulator } from './helpers/emulator.js';
import { tempLeftovers } from './helpers/leftovers.js';
import { expectValidPack } from './helpers/packs.js';
import { copyModels, MODELS, tempDir } from './helpers/paths.js';
import { canMountTmpfs, mountTmpfs, remount, unmount } from './helpers/tmpfs.js';

/**
 * GitHub issue 6, "Faults": a full disk, a read-only output folder, a missing input among good ones.
 * Each gives a clear error, leaves the other models unaffected and nothing half-written, and a paid
 * task is never paid for again once the problem is fixed.
 *
 * Full and read-only disks are real tmpfs mounts: chmod 0555 does not stop root (CI runs as root), a
 * read-only mount does (EROFS), and a tiny tmpfs really fills up (ENOSPC). Where mount is impossible
 * (an unprivileged container) those tests are skipped, saying why; an output path under a file
 * (ENOTDIR) needs no mount.
 */

interface RunJson {
  ok: boolean;
  results: {
    file: string;
    slug: string;
    outcome: string;
    action: string;
    packDir: string | null;
    credits: number;
    error: { code: string; message: string } | null;
  }[];
}

const MOUNTABLE = canMountTmpfs();
let work: { dir: string; remove: () => Promise<void> };
let inputs: string;
let emulator: Emulator | undefined;
const mounts: string[] = [];

beforeAll(ensureBuilt, 180_000);
beforeEach(async () => {
  work = await tempDir('faults-disk');
  inputs = join(work.dir, 'models');
  await copyModels(inputs);
});
afterEach(async () => {
  for (const dir of mounts.splice(0)) unmount(dir);
  await emulator?.close();
  emulator = undefined;
  await work.remove();
});
afterAll(() => {
  for (const dir of mounts.splice(0)) unmount(dir);
});

async function mounted(name: string, size: string, readOnly = false): Promise<string> {
  const dir = join(work.dir, name);
  await mkdir(dir, { recursive: true });
  mountTmpfs(dir, size, readOnly);
  mounts.push(dir);
  return dir;
}

function parse(stdout: string): RunJson {
  return JSON.parse(stdout) as RunJson;
}

describe.skipIf(!MOUNTABLE)(
  'disk full and read-only output (tmpfs mounts; skipped where mount is impossible)',
  () => {
    it('disk full: clear per-model errors, nothing half-written, and after freeing space a rerun pays nothing again', async () => {
      emulator = await startTestEmulator();
      const env = cliEnvFor(emulator);
      // Room for the journal and about one model's files: the disk fills up in the middle of the run.
      const disk = await mounted('disk', '36k');
      const out = join(disk, 'out');
      const args = ['run', inputs, '-o', out, '--json', '--concurrency', '1', ...FAST_FLAGS];

      const full = await runCli(args, { env, timeoutMs: 120_000 });
      expect(full.stderr).not.toMatch(/^\s{4}at /m);
      expect(full.code, full.stderr).toBe(1);
      // The run still reports every model (the JSON is whole even though the disk is full).
      const run = parse(full.stdout);
      expect(run.results).toHaveLength(MODELS.length);
      const failed = run.results.filter((r) => r.outcome === 'failed');
      expect(failed.length).toBeGreaterThan(0);
      for (const r of failed) {
        expect(r.error?.code, JSON.stringify(r)).toBe('output');
        expect(r.error?.message).toMatch(/no space left/i);
        expect(r.error?.message).not.toContain('\n');
        expect((await verifyPack(join(out, r.slug))).complete).toBe(false);
      }
      for (const r of run.results.filter((r) => r.outcome === 'packed')) await expectValidPack(r.packDir!);
      expect(await tempLeftovers(disk)).toEqual([]);
      // Whatever reached the journal parses (a torn last line is tolerated by the parser).
      parseJournal(await readFile(journalPath(out), 'utf8').catch(() => ''));

      // Space freed: the rerun completes every model, and no model was ever paid for twice.
      remount(disk, 'size=20m');
      const rerun = await runCli(args, { env, timeoutMs: 120_000 });
      expect(rerun.code, rerun.stderr).toBe(0);
      for (const r of parse(rerun.stdout).results) await expectValidPack(join(out, r.slug));
      for (const [hash, count] of Object.entries(emulator.stats().submissionsByHash))
        expect(count, hash).toBe(1);
      expect(await tempLeftovers(disk)).toEqual([]);
    }, 240_000);

    it('disk full mid-write (local segmenter): every write path fails cleanly, the run still reports, a rerun completes', async () => {
      // Sizes that fill the disk at different points: a cache write, a pack write, the catalog.
      for (const size of ['20k', '36k', '48k', '64k']) {
        const disk = await mounted(`local-${size}`, size);
        const out = join(disk, 'out');
        const args = ['run', inputs, '-o', out, '--json', '--concurrency', '1', '--segmenter', 'local'];
        const full = await runCli(args, { timeoutMs: 120_000 });
        const what = `${size}: ${full.stderr}`;
        expect(full.stderr, what).not.toMatch(/^\s{4}at /m);
        expect(full.code, what).toBe(1);
        const run = parse(full.stdout);
        expect(run.results, what).toHaveLength(MODELS.length);
        for (const r of run.results.filter((r) => r.outcome === 'failed')) {
          expect(r.error?.code, `${size}: ${JSON.stringify(r)}`).toBe('output');
          expect(r.error?.message).toMatch(/no space left/i);
          expect((await verifyPack(join(out, r.slug))).complete).toBe(false);
        }
        for (const r of run.results.filter((r) => r.outcome === 'packed')) await expectValidPack(r.packDir!);
        expect(await tempLeftovers(disk), size).toEqual([]);
        remount(disk, 'size=20m');
        const rerun = await runCli(args, { timeoutMs: 120_000 });
        expect(rerun.code, `${size} rerun: ${rerun.stderr}`).toBe(0);
        for (const r of parse(rerun.stdout).results) await expectValidPack(join(out, r.slug));
        expect(await tempLeftovers(disk), size).toEqual([]);
      }
    }, 240_000);

    it('a read-only output folder: exit 2, one line that says so, and nothing paid', async () => {
      emulator = await startTestEmulator();
      const readOnly = await mounted('ro', '1m', true);
      const result = await runCli(['run', inputs, '-o', join(readOnly, 'out'), ...FAST_FLAGS], {
        env: cliEnvFor(emulator),
      });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trimEnd().split('\n').at(-1)).toMatch(/^meshparts: .*read-only/i);
      expect(result.stderr).toContain(join(readOnly, 'out'));
      expect(result.stderr).not.toMatch(/^\s{4}at /m);
      expect(emulator.stats().submissions).toBe(0);
    });

    it('one pack folder on a read-only mount: that model fails clearly, the others are packed, a rerun resumes it for free', async () => {
      emulator = await startTestEmulator();
      const env = cliEnvFor(emulator);
      const out = join(work.dir, 'out');
      const args = ['run', inputs, '-o', out, '--json', '--concurrency', '1', ...FAST_FLAGS];
      // TwoCubes.glb's pack folder is a read-only mount inside a writable output folder.
      const stuck = await mounted(join('out', 'TwoCubes'), '1m', true);

      const first = await runCli(args, { env, timeoutMs: 120_000 });
      expect(first.code, first.stderr).toBe(1);
      const run = parse(first.stdout);
      for (const r of run.results) {
        if (r.slug === 'TwoCubes') {
          expect(r.outcome).toBe('failed');
          expect(r.error?.code).toBe('output');
          expect(r.error?.message).toMatch(/read-only|busy|cannot replace/i);
          expect(r.error?.message).toContain('TwoCubes');
        } else {
          expect(r.outcome, JSON.stringify(r)).toBe('packed');
          await expectValidPack(r.packDir!);
        }
      }
      expect(await tempLeftovers(out)).toEqual([]);

      unmount(stuck);
      await rm(stuck, { recursive: true, force: true });
      const second = await runCli(args, { env, timeoutMs: 120_000 });
      expect(second.code, second.stderr).toBe(0);
      const rerun = parse(second.stdout);
      const twoCubes = rerun.results.find((r) => r.slug === 'TwoCubes')!;
      expect(twoCubes.outcome).toBe('packed');
      expect(twoCubes.credits).toBe(0); // split again from the cache: the segmentation was paid once
      await expectValidPack(twoCubes.packDir!);
      for (const [hash, count] of Object.entries(emulator.stats().submissionsByHash))
        expect(count, hash).toBe(1);
    }, 240_000);
  },
);

describe('output and input problems that need no mount', () => {
  it('an output path under a file (ENOTDIR): exit 2 and one line naming it', async () => {
    const file = join(work.dir, 'a-file');
    await writeFile(file, 'not a folder');
    const result = await runCli(['run', inputs, '-o', join(file, 'out'), '--segmenter', 'local']);
    expect(result.code, result.stderr).toBe(2);
    const last = result.stderr.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(/^meshparts: /);
    expect(last).toContain(file);
    expect(result.stderr).not.toMatch(/^\s{4}at /m);
  });

  it('a missing input among good ones: the good ones are packed, the missing one is one clear error, exit 1', async () => {
    const out = join(work.dir, 'out');
    const missing = join(work.dir, 'models', 'gone.glb');
    const good = MODELS.map((name) => join(inputs, name));
    const result = await runCli([
      'run',
      good[0]!,
      missing,
      ...good.slice(1),
      '-o',
      out,
      '--segmenter',
      'local',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).not.toMatch(/^\s{4}at /m);
    const run = parse(result.stdout);
    expect(run.results).toHaveLength(MODELS.length + 1);
    for (const r of run.results) {
      if (r.file === missing) {
        expect(r.outcome).toBe('failed');
        expect(r.error?.code).toBe('input');
        expect(r.error?.message).toMatch(/not found|no such file/i);
        expect(r.error?.message).toContain('gone.glb');
      } else {
        expect(r.outcome, JSON.stringify(r)).toBe('packed');
        await expectValidPack(r.packDir!);
      }
    }
    expect(await tempLeftovers(out)).toEqual([]);
  });
});
