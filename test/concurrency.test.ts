import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, journalPath, lockPath, parseJournal } from '../packages/cli/src/index.js';
import type { Emulator } from '../packages/client/src/testing/index.js';
import { collect, ensureBuilt, spawnCli } from './helpers/cli.js';
import { cliEnvFor, FAST_FLAGS, startTestEmulator } from './helpers/emulator.js';
import { tempLeftovers } from './helpers/leftovers.js';
import { expectValidPack } from './helpers/packs.js';
import { copyModels, MODELS, tempDir } from './helpers/paths.js';

/**
 * GitHub issue 6: two `meshparts run` processes on the same output folder. The second refuses
 * clearly (exit 2, one line naming the holder and the lock file) and writes nothing; the first runs to
 * the end; nothing interleaves: every journal line is whole, each model is paid once. Also the lock's
 * own race: two processes taking over the same stale lock at once must not both win.
 */

let work: { dir: string; remove: () => Promise<void> };
let inputs: string;
let out: string;
let emulator: Emulator | undefined;

beforeAll(ensureBuilt, 180_000);
beforeEach(async () => {
  work = await tempDir('concurrency');
  inputs = join(work.dir, 'models');
  out = join(work.dir, 'out');
  await copyModels(inputs);
});
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  await work.remove();
});

/** A pid that is certainly not running: a child that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('two runs on one output folder', () => {
  it('started at the same moment: one runs, the other refuses with one clear line, nothing interleaves', async () => {
    emulator = await startTestEmulator({ durationMs: 1500 });
    const env = cliEnvFor(emulator);
    const args = ['run', inputs, '-o', out, '--json', ...FAST_FLAGS];
    const [a, b] = await Promise.all([
      collect(spawnCli(args, { env }), 90_000),
      collect(spawnCli(args, { env }), 90_000),
    ]);
    const codes = [a.code, b.code].sort();
    expect(codes, `${a.stderr}\n---\n${b.stderr}`).toEqual([0, 2]);
    const refused = a.code === 2 ? a : b;
    const last = refused.stderr.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(/^meshparts: another meshparts run \(pid \d+ on .+\) is using /);
    expect(last).toContain(lockPath(out));
    expect(refused.stderr).not.toMatch(/^\s{4}at /m);
    // With --json the refusal is JSON too, and says it is a usage error.
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, error: { kind: 'usage' } });

    for (const [hash, count] of Object.entries(emulator.stats().submissionsByHash))
      expect(count, hash).toBe(1);
    expect(emulator.stats().submissions).toBe(MODELS.length);
    const lines = (await readFile(journalPath(out), 'utf8')).split('\n').filter(Boolean);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    // One story per model: submitted once, packed once.
    const entries = parseJournal(lines.join('\n'));
    for (const state of ['submitted', 'packed']) {
      expect(entries.filter((e) => e.state === state)).toHaveLength(MODELS.length);
    }
    const winner = JSON.parse((a.code === 0 ? a : b).stdout) as { results: { packDir: string }[] };
    for (const r of winner.results) await expectValidPack(r.packDir);
    expect(await tempLeftovers(out)).toEqual([]);
    // The lock is gone once the winner is done: a third run may start (and skips everything).
    const third = await collect(spawnCli(args, { env }), 60_000);
    expect(third.code, third.stderr).toBe(0);
    expect(emulator.stats().submissions).toBe(MODELS.length);
  }, 120_000);

  it('a second run while the first is mid-way: refused at once, and it touches no file of the first', async () => {
    emulator = await startTestEmulator({ durationMs: 2000 });
    const env = cliEnvFor(emulator);
    const first = spawnCli(['run', inputs, '-o', out, ...FAST_FLAGS], { env });
    const firstDone = collect(first, 90_000);
    // Wait until the first run has paid for something and holds the lock.
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      const text = await readFile(journalPath(out), 'utf8').catch(() => '');
      if (text.includes('"submitted"')) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const journalBefore = await readFile(journalPath(out), 'utf8');
    const second = await collect(spawnCli(['run', inputs, '-o', out, ...FAST_FLAGS], { env }), 30_000);
    expect(second.code, second.stderr).toBe(2);
    expect(second.stderr).toMatch(/another meshparts run \(pid \d+/);
    // The refused run wrote no journal line (the first may have added its own meanwhile).
    const journalAfter = await readFile(journalPath(out), 'utf8');
    expect(journalAfter.startsWith(journalBefore)).toBe(true);
    expect(parseJournal(journalAfter).every((e) => e.state !== 'unknown')).toBe(true);
    expect((await firstDone).code).toBe(0);
    for (const [hash, count] of Object.entries(emulator.stats().submissionsByHash))
      expect(count, hash).toBe(1);
  }, 120_000);
});

describe('the output lock', () => {
  it('lets exactly one of several racing takers take over a stale lock', async () => {
    for (let round = 0; round < 30; round++) {
      const dir = join(work.dir, `stale-${round}`);
      await mkdir(join(dir, '.meshparts'), { recursive: true });
      const stale = { pid: await deadPid(), hostname: hostname(), startedAt: new Date(0).toISOString() };
      await writeFile(lockPath(dir), JSON.stringify(stale));
      // Staggered by a round-dependent number of event-loop turns: the takers meet at different
      // steps of the takeover (read, remove, create), as separate processes would.
      const start = async (turns: number) => {
        for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
        return acquireLock(dir);
      };
      const results = await Promise.allSettled([start(0), start(round % 5), start(round % 7)]);
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won, `round ${round}`).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect((r.reason as Error).name).toBe('OutputLockedError');
      }
      const holder = JSON.parse(await readFile(lockPath(dir), 'utf8')) as { pid: number };
      expect(holder.pid).toBe(process.pid);
      await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
    }
  });
});
