import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../packages/cli/src/index.js';
import type { Emulator } from '../packages/client/src/testing/index.js';
import { ensureBuilt, runCli } from './helpers/cli.js';
import { cliEnvFor, clientFor, FAST_FLAGS, startTestEmulator } from './helpers/emulator.js';
import { expectValidPack } from './helpers/packs.js';
import { useWorkspace } from './helpers/workspace.js';

/**
 * Issue 11, D10: a journaled task the API answers 404 for (purged upstream, or `meshparts emulate`
 * restarted: it keeps its tasks in memory) is gone. The run says so, the model is held until
 * `--resubmit-expired` (a new segmentation costs credits again), and that flag gets it out.
 */

const emulators: Emulator[] = [];
const ws = useWorkspace('task-gone', ['TwoCubes.glb']);

beforeAll(ensureBuilt, 180_000);
afterEach(async () => {
  for (const emulator of emulators.splice(0)) await emulator.close();
});

describe('a journaled task the API no longer knows', () => {
  it('is reported as gone, held without a request, and resubmitted with --resubmit-expired', async () => {
    // A first API takes the task, and the run is cancelled while it waits: the task id is journaled.
    const first = await startTestEmulator({ durationMs: 60_000 });
    emulators.push(first);
    const controller = new AbortController();
    const cancelled = await runPipeline({
      inputs: [ws.inputs],
      outDir: ws.out,
      segmenter: 'tripo',
      client: clientFor(first),
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'submitted') controller.abort(new Error('stop'));
      },
    });
    expect(cancelled.results[0]?.error?.code).toBe('aborted');
    const taskId = cancelled.results[0]?.taskId;
    expect(taskId).toMatch(/\S/);

    // The API that answers now never heard of it.
    const second = await startTestEmulator();
    emulators.push(second);
    const env = cliEnvFor(second);
    const gone = await runCli(['run', ws.inputs, '-o', ws.out, ...FAST_FLAGS], { env });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`[task-gone] the API no longer knows task ${taskId} (it answered 404`);
    expect(gone.stderr).toMatch(/1 task-gone: .*--resubmit-expired/);
    expect(gone.stderr).not.toMatch(/rerun to resume/);

    const before = second.stats().requests.total;
    const held = await runCli(['run', ws.inputs, '-o', ws.out, '--json', ...FAST_FLAGS], { env });
    expect(held.code).toBe(1);
    const result = (JSON.parse(held.stdout) as { results: { action: string; error: { code: string } }[] })
      .results[0]!;
    expect(result).toMatchObject({ action: 'blocked', error: { code: 'task-gone' } });
    expect(second.stats().requests.total).toBe(before);
    // The journal holds the task: no advice to keep an id the journal "could not record".
    expect(held.stderr).not.toMatch(/could not record/);
    expect(JSON.stringify(result)).not.toMatch(/could not record|keep its id/);

    const resubmitted = await runCli(['run', ws.inputs, '-o', ws.out, '--resubmit-expired', ...FAST_FLAGS], {
      env,
    });
    expect(resubmitted.code, resubmitted.stderr).toBe(0);
    expect(second.stats().submissions).toBe(1);
    await expectValidPack(join(ws.out, 'TwoCubes'));
  }, 90_000);
});
