import { readFile } from 'node:fs/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { journalPath, parseJournal } from '../packages/cli/src/index.js';
import type { Emulator } from '../packages/client/src/testing/index.js';
import { collect, ensureBuilt, runCli, spawnCli } from './helpers/cli.js';
import { cliEnvFor, FAST_FLAGS, startTestEmulator } from './helpers/emulator.js';
import { expectValidPack } from './helpers/packs.js';
import { MODELS } from './helpers/paths.js';
import { useWorkspace } from './helpers/workspace.js';

let emulator: Emulator;
const ws = useWorkspace('cli-resume');

beforeAll(ensureBuilt, 180_000);
afterEach(async () => {
  await emulator?.close();
});

/** Journal states so far (an absent journal reads as none). */
async function journalStates(): Promise<string[]> {
  try {
    return parseJournal(await readFile(journalPath(ws.out), 'utf8')).map((e) => e.state);
  } catch {
    return [];
  }
}

/** Starts `meshparts run` and SIGKILLs it as soon as the journal holds `count` entries in `state`. */
async function runAndKillAt(state: string, count: number): Promise<void> {
  const child = spawnCli(['run', ws.inputs, '-o', ws.out, '--concurrency', '1', ...FAST_FLAGS], {
    env: cliEnvFor(emulator),
  });
  const done = collect(child, 60_000);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if ((await journalStates()).filter((s) => s === state).length >= count) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  child.kill('SIGKILL');
  const result = await done;
  expect(result.signal, `the run ended before the journal showed ${count} × ${state}: ${result.stderr}`).toBe(
    'SIGKILL',
  );
}

describe('meshparts run after kill -9', () => {
  it('resumes paid tasks instead of paying again, and completes every pack', async () => {
    emulator = await startTestEmulator({ durationMs: 1500 });

    // Killed while the first task is being waited for, then while the second is.
    await runAndKillAt('submitted', 1);
    expect(emulator.stats().submissions).toBe(1);
    await runAndKillAt('submitted', 2);
    expect(emulator.stats().submissions).toBe(2);

    const final = await runCli(['run', ws.inputs, '-o', ws.out, '--json', ...FAST_FLAGS], {
      env: cliEnvFor(emulator),
    });
    expect(final.code, final.stderr).toBe(0);
    const json = JSON.parse(final.stdout) as {
      spentCredits: number;
      results: { outcome: string; action: string; packDir: string }[];
    };
    // The first model may have been finished by the second run: packed now or skipped as complete.
    expect(json.results.every((r) => r.outcome === 'packed' || r.outcome === 'skipped')).toBe(true);
    expect(json.spentCredits).toBe(80); // only the third model was never submitted before
    expect(json.results.filter((r) => r.action === 'resume').length).toBeGreaterThanOrEqual(1);

    const stats = emulator.stats();
    expect(Object.keys(stats.submissionsByHash)).toHaveLength(MODELS.length);
    for (const count of Object.values(stats.submissionsByHash)) expect(count).toBe(1);
    expect(stats.requests.submit).toBe(MODELS.length);
    for (const result of json.results) await expectValidPack(result.packDir);

    // And one more run costs nothing at all.
    const again = await runCli(['run', ws.inputs, '-o', ws.out, '--json', ...FAST_FLAGS], {
      env: cliEnvFor(emulator),
    });
    expect(JSON.parse(again.stdout).spentCredits).toBe(0);
    expect(emulator.stats().requests.submit).toBe(MODELS.length);
  }, 120_000);

  it('refuses a second run on the same output folder while the first is running', async () => {
    emulator = await startTestEmulator({ durationMs: 5000 });
    const first = spawnCli(['run', ws.inputs, '-o', ws.out, ...FAST_FLAGS], { env: cliEnvFor(emulator) });
    const firstDone = collect(first, 60_000);
    while ((await journalStates()).length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const second = await runCli(['run', ws.inputs, '-o', ws.out, ...FAST_FLAGS], {
      env: cliEnvFor(emulator),
    });
    expect(second.code, second.stderr + second.stdout).toBe(2);
    expect(second.stderr).toMatch(/another meshparts run \(pid \d+/);
    expect((await firstDone).code).toBe(0);
    expect(emulator.stats().submissions).toBe(MODELS.length);
  }, 60_000);
});
