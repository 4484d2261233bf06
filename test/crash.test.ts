import { cp, mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalPath, parseJournal } from '../packages/cli/src/index.js';
import type { Emulator } from '../packages/client/src/testing/index.js';
import { readModel } from '../packages/split/src/index.js';
import { collect, ensureBuilt, runCli, spawnCli } from './helpers/cli.js';
import { cliEnvFor, FAST_FLAGS, startTestEmulator } from './helpers/emulator.js';
import { tempLeftovers } from './helpers/leftovers.js';
import { expectValidPack } from './helpers/packs.js';
import { FIXTURES, tempDir } from './helpers/paths.js';
import { mulberry32 } from './helpers/prng.js';

/**
 * GitHub issue 6: kill -9 at pseudo-random points of a run (upload, polling, download, split, pack
 * write), repeated with a fixed seed, then a rerun to completion. Every model ends paid once and packed
 * once; the journal and the cache are never corrupt (a torn last journal line is tolerated).
 *
 * Right before each upload leaves, the run journals an intent record (`submitting`). A kill during the
 * upload (or before the answer is written down) leaves an intent with no task id after it: that model's
 * outcome is unknown, and the next run holds it rather than risk paying twice (issue 11, D8). A kill in
 * the window between the server creating a task and the fsync of its id would really leave a paid task
 * behind such an intent, and then `--resubmit-unknown` would pay twice: the API has neither an
 * idempotency key nor a task list to find it again (API-NOTES.md, SECURITY.md). The loop does not aim
 * its kills into that window: when the emulator has created a task the journal does not hold yet, the
 * kill waits until the id is on disk. So here, every model held as unknown was cut before the API took
 * it, and the final `--resubmit-unknown` run pays once for it. Every other point is fair game.
 */

const SEED = 0x6b696c6c; // "kill"
const KILLS = 10;
const INPUTS = [
  'TwoCubes.glb',
  'BoxAnimated.glb',
  'SimpleInstancing.glb',
  'trimesh_nested.glb',
  'generated/nested-mirrored.glb',
];

let work: { dir: string; remove: () => Promise<void> };
let emulator: Emulator | undefined;
beforeAll(async () => {
  work = await tempDir('crash');
  await ensureBuilt();
}, 180_000);
afterAll(async () => {
  await emulator?.close();
  await work?.remove();
});

async function journalText(out: string): Promise<string> {
  try {
    return await readFile(journalPath(out), 'utf8');
  } catch {
    return '';
  }
}

/** Task ids the journal holds as paid (`submitted`). */
async function journaledTasks(out: string): Promise<Set<string>> {
  const ids = parseJournal(await journalText(out))
    .filter((e) => e.state === 'submitted' && e.taskId)
    .map((e) => e.taskId!);
  return new Set(ids);
}

describe('meshparts run killed with SIGKILL again and again', () => {
  it('ends with every model paid once and packed once, and a sound journal and cache', async () => {
    const inputs = join(work.dir, 'models');
    const out = join(work.dir, 'out');
    await mkdir(inputs, { recursive: true });
    for (const name of INPUTS) await cp(join(FIXTURES, name), join(inputs, basename(name)));
    // Every submission is held 500 ms before the API reads it, as a slow upload would be: a kill then
    // lands mid-submission, and the API must not create (or charge) a task for a client that left.
    emulator = await startTestEmulator({
      durationMs: 700,
      faults: [{ kind: 'delay', match: { method: 'POST' }, ms: 500, times: Number.POSITIVE_INFINITY }],
    });
    const env = cliEnvFor(emulator);
    const args = ['run', inputs, '-o', out, '--concurrency', '2', ...FAST_FLAGS];
    // The kills come back to back: each run resubmits what the one before was cut off sending (safe
    // here: see above), so that later kills land in polls, downloads, splits and pack writes too.
    const again = [...args, '--resubmit-unknown'];
    const rng = mulberry32(SEED);
    const killedAt: string[] = [];

    for (let kill = 0; kill < KILLS; kill++) {
      const before = parseJournal(await journalText(out));
      const child = spawnCli(again, { env });
      const done = collect(child, 60_000);
      // A third of the kills come after a seeded delay; the others a few seeded milliseconds after a
      // submission starts or the journal records a new download or pack, so that uploads, downloads,
      // splits and pack writes are all hit.
      // The first kill always lands mid-submission (before any task exists, every model is uploading).
      const trigger =
        kill === 0
          ? 'upload'
          : rng.pick([undefined, undefined, 'upload', 'finished', 'downloaded', 'packed']);
      if (trigger === undefined) {
        await new Promise((resolve) => setTimeout(resolve, 40 + rng.int(1200)));
      } else if (trigger === 'upload') {
        const posts = emulator.stats().requests.submit;
        const until = Date.now() + 10_000;
        while (Date.now() < until && child.exitCode === null && emulator.stats().requests.submit === posts) {
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        await new Promise((resolve) => setTimeout(resolve, rng.int(200)));
      } else {
        const seen = before.filter((e) => e.state === trigger).length;
        const until = Date.now() + 10_000;
        while (Date.now() < until && child.exitCode === null) {
          const count = parseJournal(await journalText(out)).filter((e) => e.state === trigger).length;
          if (count > seen) break;
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        await new Promise((resolve) => setTimeout(resolve, rng.int(40)));
      }
      // Stay out of the one window no client can close (see above): a task created, its id not on disk.
      // The emulator runs on this event loop: read the journal first, then the emulator's count, and
      // kill with no await in between, so no task can be created after the check and before the kill.
      // The id's fsync can take seconds on a disk busy with the other test files' writes (a 5 s wait
      // ran out in two runs of the whole suite on a 2-core machine, the kill landed in the window and
      // --resubmit-unknown paid twice, as it warns it may): wait as long as the child may run.
      const deadline = Date.now() + 45_000;
      for (;;) {
        const journaled = (await journaledTasks(out)).size;
        if (emulator.stats().submissions <= journaled || Date.now() >= deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      child.kill('SIGKILL');
      const result = await done;
      const states = parseJournal(await journalText(out)).map((e) => e.state);
      killedAt.push(
        `${result.signal ?? `exit ${result.code}`} after ${states.at(-1) ?? 'nothing'} (${trigger ?? 'delay'})`,
      );
      // A torn last line is tolerated; every line before it is whole JSON.
      const lines = (await journalText(out)).split('\n').filter(Boolean);
      for (const line of lines.slice(0, -1)) expect(() => JSON.parse(line), line).not.toThrow();
    }

    // A plain rerun completes everything except the models whose intent has no answer: those it holds.
    const heldBack = parseJournal(await journalText(out));
    const latest = new Map(heldBack.map((e) => [e.sha256, e.state]));
    const intents = [...latest].filter(([, state]) => state === 'submitting').map(([sha]) => sha);
    const rerun = await runCli([...args, '--json'], { env, timeoutMs: 120_000 });
    const held = (
      JSON.parse(rerun.stdout) as { results: { sha256: string; error: { code: string } | null }[] }
    ).results
      .filter((r) => r.error)
      .map((r) => [r.sha256, r.error!.code]);
    expect(held.sort(), `${rerun.stderr}\nkills: ${killedAt.join('; ')}`).toEqual(
      intents.map((sha) => [sha, 'submission-unknown']).sort(),
    );
    expect(rerun.code).toBe(intents.length > 0 ? 1 : 0);

    // They were cut before the API took them (the kills stay out of the window), so resubmitting them
    // pays once.
    const final = await runCli([...again, '--json'], { env, timeoutMs: 120_000 });
    expect(final.code, `${final.stderr}\nkills: ${killedAt.join('; ')}`).toBe(0);
    const run = JSON.parse(final.stdout) as { results: { slug: string; outcome: string }[] };
    expect(run.results.map((r) => r.outcome).every((o) => o === 'packed' || o === 'skipped')).toBe(true);

    // Paid once: one submission per input, each journaled; the submissions cut by a kill cost nothing.
    const stats = emulator.stats();
    expect(stats.requests.submit, 'no kill landed mid-submission').toBeGreaterThan(stats.submissions);
    expect(Object.keys(stats.submissionsByHash)).toHaveLength(INPUTS.length);
    for (const [hash, count] of Object.entries(stats.submissionsByHash)) {
      expect(count, `${hash} paid ${count} times; kills: ${killedAt.join('; ')}`).toBe(1);
    }
    expect((await journaledTasks(out)).size).toBe(INPUTS.length);

    // Packed once: exactly one complete, valid pack per model, and nothing else in the output but
    // the journal and the run's page (gallery/).
    const slugs = run.results.map((r) => r.slug).sort();
    const folders = (await readdir(out, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && entry.name !== '.meshparts' && entry.name !== 'gallery')
      .map((entry) => entry.name)
      .sort();
    expect(folders, `kills: ${killedAt.join('; ')}`).toEqual(slugs);
    for (const slug of slugs) await expectValidPack(join(out, slug));
    const catalog = JSON.parse(await readFile(join(out, 'catalog.json'), 'utf8')) as {
      packs: { pack: string }[];
    };
    expect(catalog.packs.map((p) => p.pack).sort()).toEqual(slugs);

    // The cache holds only whole GLBs, and no temporary file survived any kill.
    const cacheDir = join(out, '.meshparts', 'cache');
    for (const name of await readdir(cacheDir)) {
      const bytes = new Uint8Array(await readFile(join(cacheDir, name)));
      expect(new DataView(bytes.buffer).getUint32(8, true), name).toBe(bytes.byteLength);
      await readModel(bytes, { name });
    }
    expect(await tempLeftovers(out)).toEqual([]);
    expect(parseJournal(await journalText(out)).length).toBeGreaterThan(0);
  }, 300_000);
});
