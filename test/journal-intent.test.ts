import { appendFile, mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { journalPath, parseJournal } from '../packages/cli/src/index.js';
import { readModel } from '../packages/split/src/index.js';
import { collect, ensureBuilt, runCli, spawnCli } from './helpers/cli.js';
import { FAST_FLAGS } from './helpers/emulator.js';
import { type FakeApi, startFakeApi } from './helpers/fake-api.js';
import { copyModels, tempDir } from './helpers/paths.js';
import { canMountTmpfs, mountTmpfs, unmount } from './helpers/tmpfs.js';

/**
 * Issue 11, D8: the intent record. Right before the paid upload leaves, `submitting` (the model's
 * hash, the time) is journaled and fsync'd. A model with an intent and no task id after it is
 * "outcome unknown": held, never paid again without --resubmit-unknown. So a `kill -9` after the
 * upload reached the API and before its answer, or a disk that fills between the answer and the
 * journal line, no longer pays twice; and if the journal cannot be written, nothing is submitted.
 *
 * The fake API (helpers/fake-api.ts) records a task as soon as the upload is complete and holds its
 * answer: the window these cases fall into. Disks are real tmpfs mounts (root, as in CI).
 */

const KEY = 'sk-test-intent-0123456789';
const MOUNTABLE = canMountTmpfs();
let work: { dir: string; remove: () => Promise<void> };
let model: string;
let api: FakeApi | undefined;
const mounts: string[] = [];

beforeAll(ensureBuilt, 180_000);
beforeEach(async () => {
  work = await tempDir('journal-intent');
  model = (await copyModels(join(work.dir, 'models'), ['TwoCubes.glb']))[0]!;
});
afterEach(async () => {
  for (const dir of mounts.splice(0)) unmount(dir);
  await api?.close();
  api = undefined;
  await work.remove();
});
afterAll(() => {
  for (const dir of mounts.splice(0)) unmount(dir);
});

function envFor(fake: FakeApi): NodeJS.ProcessEnv {
  return { THREEDAISTUDIO_API_KEY: KEY, THREEDAISTUDIO_BASE_URL: fake.url };
}

async function until(condition: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function states(out: string): Promise<string[]> {
  return parseJournal(await readFile(journalPath(out), 'utf8')).map((e) => e.state);
}

describe('the intent record', () => {
  it('kill -9 after the upload reached the API, before its answer: the rerun holds the model, it does not pay again', async () => {
    api = await startFakeApi({ answerDelayMs: 3000 });
    const out = join(work.dir, 'out');
    const child = spawnCli(['run', model, '-o', out, ...FAST_FLAGS], { env: envFor(api) });
    const done = collect(child, 30_000);
    await until(() => api!.submissions() === 1);
    child.kill('SIGKILL');
    await done;
    expect(await states(out)).toEqual(['submitting']);

    const rerun = await runCli(['run', model, '-o', out, '--json', ...FAST_FLAGS], { env: envFor(api) });
    expect(rerun.code, rerun.stderr).toBe(1);
    const result = (JSON.parse(rerun.stdout) as { results: { error: { code: string; message: string } }[] })
      .results[0]!;
    expect(result.error.code).toBe('submission-unknown');
    expect(result.error.message).toMatch(/was being sent at .* when meshparts stopped.*--resubmit-unknown/);
    expect(api.requests.submit).toBe(1);

    // The way out is explicit, and says it may pay twice.
    const forced = await runCli(['run', model, '-o', out, '--resubmit-unknown', ...FAST_FLAGS], {
      env: envFor(api),
    });
    expect(forced.code, forced.stderr).toBe(0);
    expect(api.requests.submit).toBe(2);
  }, 60_000);
});

/**
 * Fills the disk of `journal`: first the journal's last page (a line the journal's reader skips: not
 * an entry), so that its next line needs a block, then every block left.
 */
async function fillDisk(disk: string, journal: string): Promise<void> {
  // The journal is created by its first line: a run that has written none yet has no file.
  const size = await stat(journal).then(
    (info) => info.size,
    () => 0,
  );
  await appendFile(
    journal,
    `${JSON.stringify({ pad: 'x'.repeat(Math.max(0, 4096 - (size % 4096) - 12)) })}\n`,
  );
  const filler = await open(join(disk, 'filler'), 'w');
  try {
    for (;;) await filler.write(Buffer.alloc(64 * 1024));
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
  } finally {
    await filler.close();
  }
}

describe.skipIf(!MOUNTABLE)(
  'the journal on a disk that fills up (tmpfs mounts; skipped where mount is impossible)',
  () => {
    async function mounted(size: string): Promise<string> {
      const dir = join(work.dir, 'disk');
      await mkdir(dir, { recursive: true });
      mountTmpfs(dir, size);
      mounts.push(dir);
      return dir;
    }

    it('a disk that fills between the answer and the journal line: the id is reported, the rerun does not pay again', async () => {
      api = await startFakeApi({ answerDelayMs: 2500 });
      // Room for the disk-room check before paying (8 MiB and three times the model).
      const disk = await mounted('12m');
      const out = join(disk, 'out');
      const child = spawnCli(['run', model, '-o', out, '--json', ...FAST_FLAGS], { env: envFor(api) });
      const done = collect(child, 30_000);
      await until(() => api!.submissions() === 1);
      // The intent is on disk: now the disk fills up.
      await fillDisk(disk, journalPath(out));
      const result = await done;
      expect(result.code, result.stderr).toBe(1);
      const failure = (
        JSON.parse(result.stdout) as {
          results: { taskId: string; error: { code: string; message: string } }[];
        }
      ).results[0]!;
      const taskId = api.tasks()[0]!;
      // The paid task id is in the result and in a message that says how to fetch it.
      expect(failure.taskId).toBe(taskId);
      expect(failure.error.message).toMatch(
        new RegExp(
          `task ${taskId} is paid but the journal could not record it \\(ENOSPC.*meshparts segment --task ${taskId}`,
        ),
      );
      expect(await states(out)).toEqual(['submitting']);

      await rm(join(disk, 'filler'));
      const rerun = await runCli(['run', model, '-o', out, ...FAST_FLAGS], { env: envFor(api) });
      expect(rerun.code).toBe(1);
      expect(rerun.stderr).toMatch(/\[submission-unknown\]/);
      expect(api.requests.submit).toBe(1);

      // The id the run printed fetches the paid result, for nothing.
      const fetched = join(work.dir, 'fetched.glb');
      const segment = await runCli(['segment', '--task', taskId, '-o', fetched, ...FAST_FLAGS], {
        env: envFor(api),
      });
      expect(segment.code, segment.stderr).toBe(0);
      expect(segment.stderr).toMatch(/nothing paid/);
      expect((await readModel(fetched)).document.getRoot().listMeshes()).toHaveLength(2);
      expect(api.requests.submit).toBe(1);
    }, 60_000);

    it('a journal that cannot be written: nothing is submitted, and once it can, the rerun submits normally', async () => {
      api = await startFakeApi();
      const disk = await mounted('12m');
      const out = join(disk, 'out');
      // One request every 5 s: after the balance read, the submission waits for its turn, past the
      // disk-room check; the disk fills up then, before the intent can be written.
      const child = spawnCli(['run', model, '-o', out, '--json', '--rpm', '12', '--poll-interval', '100'], {
        env: envFor(api),
      });
      const done = collect(child, 30_000);
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      await until(() => stderr.includes('waiting for a request slot'));
      await fillDisk(disk, journalPath(out));
      const result = await done;
      expect(result.code, result.stderr).toBe(1);
      const failure = (
        JSON.parse(result.stdout) as { results: { error: { code: string; message: string } }[] }
      ).results[0]!;
      expect(failure.error.code).toBe('output');
      expect(failure.error.message).toMatch(
        /cannot write the journal .*ENOSPC.*nothing was submitted or paid/,
      );
      expect(api.requests.submit).toBe(0);
      expect(await states(out)).toEqual([]);

      await rm(join(disk, 'filler'));
      const rerun = await runCli(['run', model, '-o', out, ...FAST_FLAGS], { env: envFor(api) });
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(api.requests.submit).toBe(1);
    }, 60_000);
  },
);
