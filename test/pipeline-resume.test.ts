import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunPipelineOptions, readJournal, runPipeline } from '../packages/cli/src/index.js';
import type { Emulator } from '../packages/client/src/testing/index.js';
import { clientFor, startTestEmulator } from './helpers/emulator.js';
import { expectValidPack } from './helpers/packs.js';
import { copyModels, tempDir } from './helpers/paths.js';

let emulator: Emulator;
let work: { dir: string; remove: () => Promise<void> };
let model: string;
let outDir: string;

beforeEach(async () => {
  work = await tempDir('pipeline-resume');
  model = (await copyModels(join(work.dir, 'models'), ['TwoCubes.glb']))[0]!;
  outDir = join(work.dir, 'out');
});
afterEach(async () => {
  await emulator?.close();
  await work.remove();
});

function tripo(extra: Partial<RunPipelineOptions> = {}): RunPipelineOptions {
  return {
    inputs: [model!],
    outDir,
    segmenter: 'tripo',
    client: { ...clientFor(emulator), maxRetries: 0 },
    ...extra,
  };
}

const statusPolls = { method: 'GET', path: '/v1/generation-request/' } as const;

describe('runPipeline resume', () => {
  it('resumes the paid task after the network failed while waiting, without paying again', async () => {
    // Four dropped polls in a row exhaust the client's patience: the first run gives up.
    emulator = await startTestEmulator({ faults: [{ kind: 'reset', match: statusPolls, times: 4 }] });
    const lost = await runPipeline(tripo());
    const failed = lost.results[0]!;
    expect(failed).toMatchObject({ outcome: 'failed', credits: 80 });
    expect(failed.error?.code).toBe('api');
    expect(failed.taskId).toMatch(/\S/);
    expect(failed.error?.message).toContain('rerun to resume it without paying again');
    expect((await readJournal(outDir)).latest(failed.model.sha256, 'tripo')).toMatchObject({
      state: 'submitted',
      taskId: failed.taskId,
    });

    const resumed = await runPipeline(tripo());
    expect(resumed.plans[0]).toMatchObject({ action: 'resume', taskId: failed.taskId, credits: 0 });
    expect(resumed.results[0]).toMatchObject({ outcome: 'packed', taskId: failed.taskId, credits: 0 });
    expect(emulator.stats().submissions).toBe(1);
    await expectValidPack(resumed.results[0]!.packDir!);
  });

  it('reports an expired result and pays again only with resubmitExpired', async () => {
    emulator = await startTestEmulator({ faults: [{ kind: 'expire' }] });
    const first = await runPipeline(tripo());
    expect(first.results[0]?.error?.code).toBe('result-expired');
    expect(first.results[0]?.error?.message).toMatch(/--resubmit-expired/);

    const blocked = await runPipeline(tripo());
    expect(blocked.plans[0]?.action).toBe('blocked');
    expect(blocked.results[0]?.error?.code).toBe('result-expired');
    expect(emulator.stats().submissions).toBe(1);

    const paid = await runPipeline(tripo({ resubmitExpired: true }));
    expect(paid.results[0]).toMatchObject({ outcome: 'packed', credits: 80 });
    expect(emulator.stats().submissions).toBe(2);
  });

  it('stops on abort with the task journaled, and the next run resumes it', async () => {
    emulator = await startTestEmulator({ durationMs: 2000 });
    const controller = new AbortController();
    const aborted = runPipeline(
      tripo({
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'submitted') controller.abort(new Error('stop'));
        },
      }),
    );
    const run = await aborted;
    expect(run.results[0]?.error?.code).toBe('aborted');
    const taskId = run.results[0]?.taskId;
    expect(taskId).toMatch(/\S/);

    const resumed = await runPipeline(tripo());
    expect(resumed.results[0]).toMatchObject({ outcome: 'packed', action: 'resume', taskId });
    expect(emulator.stats().submissions).toBe(1);
  });
});
