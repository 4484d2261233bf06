import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../packages/client/src/testing/index.js';
import { ensureBuilt, runCli } from './helpers/cli.js';
import { cliEnvFor, FAST_FLAGS, startTestEmulator } from './helpers/emulator.js';
import { useWorkspace } from './helpers/workspace.js';

/**
 * `--wait-timeout <minutes>` (adversarial probe, note 8): a task that does not finish holds a slot of
 * `run` for the client's 30 minutes unless the user can say less. The run gives the task up for
 * itself only: it stays journaled, and the next run resumes it without paying.
 */

let emulator: Emulator | undefined;
const ws = useWorkspace('wait-timeout', ['TwoCubes.glb']);

beforeAll(ensureBuilt, 180_000);
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('--wait-timeout', () => {
  it('gives a slow task up after that many minutes; the rerun resumes it without paying', async () => {
    // Tasks of 60 s; the run waits 0.05 min (3 s).
    emulator = await startTestEmulator({ durationMs: 60_000 });
    const env = cliEnvFor(emulator);
    const started = Date.now();
    const run = await runCli(['run', ws.inputs, '-o', ws.out, '--wait-timeout', '0.05', ...FAST_FLAGS], {
      env,
    });
    expect(run.code, run.stderr).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.stderr).toMatch(
      /Gave up waiting for task \S+ after 3000 ms.* \(the wait limit: --wait-timeout\)/,
    );
    // The command line's words, not the library's.
    expect(run.stderr).not.toMatch(/client\.tasks\.wait/);
    expect(run.stderr).toMatch(/is journaled: rerun to resume it without paying again/);
    const journal = await readFile(join(ws.out, '.meshparts', 'journal.jsonl'), 'utf8');
    expect(journal).toMatch(/"state":"submitted"/);

    // `segment --task` takes the flag too.
    const taskId = /Gave up waiting for task (\S+) after/.exec(run.stderr)?.[1];
    const fetch = await runCli(
      [
        'segment',
        '--task',
        taskId!,
        '-o',
        join(ws.dir, 'result.glb'),
        '--wait-timeout',
        '0.02',
        ...FAST_FLAGS,
      ],
      { env },
    );
    expect(fetch.code, fetch.stderr).toBe(1);
    expect(fetch.stderr).toMatch(
      /Gave up waiting for task \S+ after 1200 ms.* \(the wait limit: --wait-timeout\)/,
    );
    expect(fetch.stderr).not.toMatch(/client\.tasks\.wait/);

    const dry = await runCli(['run', ws.inputs, '-o', ws.out, '--dry-run', ...FAST_FLAGS], { env });
    expect(dry.stdout + dry.stderr).toMatch(/1 resume/);
    expect(emulator.stats().submissions).toBe(1);
  }, 90_000);

  it('is refused when it is not a number above 0', async () => {
    const refused = await runCli(['run', ws.inputs, '-o', ws.out, '--wait-timeout', '0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--wait-timeout must be a number above 0/);
  });
});
