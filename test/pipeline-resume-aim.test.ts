/**
 * A rerun resumes a running task and aims its polls from the task's own age: the journal's `submitted`
 * line gives its creation time (issue 17, part 3). Default polling, as a user's run has it: before, the
 * poll after the first was aimed from the 3-minute prior, 60 s away.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type RunPipelineOptions, runPipeline } from '../packages/cli/src/index.js';
import type { Emulator } from '../packages/client/src/testing/index.js';
import { startTestEmulator, TEST_KEY } from './helpers/emulator.js';
import { copyModels, tempDir } from './helpers/paths.js';

let emulator: Emulator;
let work: { dir: string; remove: () => Promise<void> };
let model: string;

beforeEach(async () => {
  work = await tempDir('pipeline-resume-aim');
  model = (await copyModels(join(work.dir, 'models'), ['TwoCubes.glb']))[0]!;
});
afterEach(async () => {
  await emulator?.close();
  await work.remove();
});

function tripo(extra: Partial<RunPipelineOptions> = {}): RunPipelineOptions {
  return {
    inputs: [model],
    outDir: join(work.dir, 'out'),
    segmenter: 'tripo',
    client: { apiKey: TEST_KEY, baseUrl: emulator.url, requestsPerMinute: 600 },
    ...extra,
  };
}

it('a 6-second task resumed 2 s after its submission is waited for from its journaled creation time', async () => {
  emulator = await startTestEmulator({ durationMs: 6_000 });
  const controller = new AbortController();
  const first = await runPipeline(
    tripo({
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'submitted') controller.abort(new Error('stop'));
      },
    }),
  );
  const taskId = first.results[0]?.taskId;
  expect(taskId).toMatch(/\S/);
  await sleep(2_000);

  const started = Date.now();
  const resumed = await runPipeline(tripo({ waitTimeoutMs: 20_000 }));
  expect(resumed.results[0]).toMatchObject({ outcome: 'packed', action: 'resume', taskId });
  // The task is done ~4 s after the rerun starts; its pace since creation (the 1.2 s PENDING at 0 %
  // included) projects a little later than that. Without the creation time, 60 s: the timeout.
  expect(Date.now() - started).toBeLessThan(15_000);
  // One poll at once (~35 %), one aimed at the finish the task's pace since its creation projects.
  expect(emulator.stats().requests.status).toBe(2);
  expect(emulator.stats().submissions).toBe(1);
});
