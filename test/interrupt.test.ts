import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { journalPath, parseJournal } from '../packages/cli/src/index.js';
import type { Emulator } from '../packages/client/src/testing/index.js';
import { collect, ensureBuilt, runCli, spawnCli } from './helpers/cli.js';
import { cliEnvFor, FAST_FLAGS, startTestEmulator } from './helpers/emulator.js';
import { FIXTURES } from './helpers/paths.js';
import { useWorkspace } from './helpers/workspace.js';

/**
 * Issue 10, Ctrl-C or SIGTERM during a run: a submission whose request was never sent (waiting for
 * its turn in the request budget, or queued behind the models in flight) is not "outcome unknown".
 * The same command afterwards resumes the known tasks, submits the never-sent models normally, and
 * pays for nothing twice; the summary counts only what the API accepted.
 */

let emulator: Emulator | undefined;
const MODELS = [
  'TwoCubes.glb',
  'BoxAnimated.glb',
  'SimpleInstancing.glb',
  'trimesh_nested.glb',
  'Box_Draco.glb',
];
const ws = useWorkspace('interrupt', MODELS);

beforeAll(ensureBuilt, 180_000);
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe.each(['SIGINT', 'SIGTERM'] as const)('%s during a run', (signal) => {
  it('leaves never-sent models plain "submit" and counts only the credits the API accepted', async () => {
    // Tasks that run for a while, and a request budget of one every 4 s: when the signal comes, one
    // model is paid for and waiting on its task, the others wait for a request slot or a model slot.
    emulator = await startTestEmulator({ durationMs: 30_000 });
    const env = cliEnvFor(emulator);
    const child = spawnCli(['run', ws.inputs, '-o', ws.out, '--json', '--rpm', '15', '--concurrency', '3'], {
      env,
    });
    const done = collect(child, 60_000);
    const until = Date.now() + 30_000;
    while (emulator.stats().submissions < 1 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.kill(signal);
    const result = await done;
    expect(result.code, result.stderr).toBe(1);

    const json = JSON.parse(result.stdout) as {
      spentCredits: number;
      unknownCredits: number;
      results: { outcome: string; credits: number; error: { code: string; message: string } | null }[];
    };
    const paid = emulator.stats().submissions;
    expect(paid).toBe(1);
    // The summary's credits are the wallet's: what the API accepted, nothing for the models never sent.
    expect(json.spentCredits).toBe(80 * paid);
    expect(10_000 - emulator.stats().balance).toBe(json.spentCredits);
    expect(json.unknownCredits).toBe(0);
    const codes = json.results.map((r) => r.error?.code);
    expect(
      codes.every((code) => code === 'aborted'),
      codes.join(),
    ).toBe(true);
    expect(
      json.results.filter((r) =>
        /cancelled before (its upload began|it started): nothing was/.test(r.error?.message ?? ''),
      ),
    ).toHaveLength(MODELS.length - paid);
    // Nothing is recorded as unknown, and no intent is left without its answer.
    const entries = parseJournal(await readFile(journalPath(ws.out), 'utf8'));
    expect(entries.filter((e) => e.state === 'unknown')).toEqual([]);
    const intents = entries.filter((e) => e.state === 'submitting').length;
    expect(intents).toBe(entries.filter((e) => e.state === 'submitted' || e.state === 'unpaid').length);

    // The same command, planned: the paid task resumes, every other model is a plain submission.
    const plan = await runCli(['run', ws.inputs, '-o', ws.out, '--dry-run', ...FAST_FLAGS], { env });
    expect(plan.stderr).toMatch(
      new RegExp(`${MODELS.length} model\\(s\\): 1 resume, ${MODELS.length - 1} submit`),
    );
  }, 90_000);
});

describe('a rerun after a signal', () => {
  it('resumes the paid task, submits the never-sent ones, and nothing is paid twice', async () => {
    emulator = await startTestEmulator({ durationMs: 6000 });
    const env = cliEnvFor(emulator);
    await cp(join(FIXTURES, 'TwoCubes.glb'), join(ws.inputs, 'copy-of-TwoCubes.glb'));
    const child = spawnCli(['run', ws.inputs, '-o', ws.out, '--rpm', '15', '--concurrency', '2'], { env });
    const done = collect(child, 60_000);
    const until = Date.now() + 30_000;
    while (emulator.stats().submissions < 1 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    const first = await done;
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toMatch(/80 credit\(s\) spent/);
    expect(first.stderr).not.toMatch(/submission-unknown/);

    const rerun = await runCli(['run', ws.inputs, '-o', ws.out, '--json', ...FAST_FLAGS], {
      env,
      timeoutMs: 90_000,
    });
    expect(rerun.code, rerun.stderr).toBe(0);
    const json = JSON.parse(rerun.stdout) as { results: { action: string; outcome: string }[] };
    expect(json.results.filter((r) => r.action === 'resume')).toHaveLength(1);
    expect(json.results.every((r) => r.outcome === 'packed')).toBe(true);
    // One payment per distinct model (the copy of TwoCubes is the same content: paid once).
    for (const count of Object.values(emulator.stats().submissionsByHash)) expect(count).toBe(1);
    expect(emulator.stats().submissions).toBe(MODELS.length);
  }, 120_000);
});
