/**
 * Waiting for a task this client did not submit (a rerun resuming a journaled task): with its creation
 * time, its own age and pace aim the polls instead of the 3-minute prior. Real HTTP; the emulator's
 * clock is moved 5 s ahead after the submission, so the task is 5 s old when the "rerun" starts.
 */
import { describe, expect, it } from 'vitest';
import { StudioClient, TimeoutError } from '../src/index.js';
import { API_KEY, makeGlb, recordingLogger, startFastEmulator } from './helpers.js';

const TASK_MS = 6_000;
const AGE_MS = 5_000;

/** An emulator with 6-second tasks, one task submitted on it, and its clock then moved 5 s ahead. */
async function taskFiveSecondsOld() {
  let shift = 0;
  const emulator = await startFastEmulator({ durationMs: TASK_MS, now: () => Date.now() + shift });
  const first = new StudioClient({ apiKey: API_KEY, baseUrl: emulator.url });
  const { taskId } = await first.segmentation.create({ model: makeGlb() });
  await first.close();
  const submittedAt = Date.now();
  shift = AGE_MS;
  // As the journal has it: when the task id was written down, on this machine's clock.
  const createdAt = new Date(submittedAt - AGE_MS).toISOString();
  return { emulator, taskId, createdAt };
}

/** The rerun's client: nothing observed yet, default polling (3-minute prior, 60 s at most between polls). */
function rerunClient(url: string, logger = recordingLogger()) {
  return new StudioClient({ apiKey: API_KEY, baseUrl: url, requestsPerMinute: 60, logger });
}

describe('tasks.wait() of a resumed task', () => {
  it('resumed 5 s after creation, a 6-second task is found finished within a few seconds, not 60', async () => {
    const { emulator, taskId, createdAt } = await taskFiveSecondsOld();
    await using _ = emulator;
    await using client = rerunClient(emulator.url);
    const started = Date.now();
    // Before, the second poll was aimed from the 3-minute prior (60 s away): this timeout would end it.
    const task = await client.tasks.wait(taskId, { createdAt, timeoutMs: 15_000 });
    const waited = Date.now() - started;
    expect(task.status).toBe('FINISHED');
    expect(waited).toBeLessThan(4_000);
    // One poll at once (the task exists, ~79 %), one aimed at the finish its pace projects.
    expect(emulator.stats().requests.status).toBe(2);
  });

  it('without the creation time, the poll after the first falls back to the 3-minute prior', async () => {
    const { emulator, taskId } = await taskFiveSecondsOld();
    await using _ = emulator;
    const logger = recordingLogger();
    await using client = rerunClient(emulator.url, logger);
    const error = await client.tasks.wait(taskId, { timeoutMs: 1_500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    const polled = logger.lines.filter((line) => line.includes('studio task polled'));
    expect(polled).toHaveLength(1);
    expect(polled[0]).toContain('"nextPollMs":60000');
  });

  it('with the last progress seen as well, the first poll is already aimed at the finish', async () => {
    const { emulator, taskId, createdAt } = await taskFiveSecondsOld();
    await using _ = emulator;
    await using client = rerunClient(emulator.url);
    const started = Date.now();
    const task = await client.tasks.wait(taskId, { createdAt, lastProgress: 79, timeoutMs: 15_000 });
    expect(task.status).toBe('FINISHED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000); // not at once: aimed ~1.4 s ahead
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(emulator.stats().requests.status).toBe(1);
  });

  it('accepts a Date or epoch ms, and treats a creation time ahead of this clock as now', async () => {
    const { emulator, taskId, createdAt } = await taskFiveSecondsOld();
    await using _ = emulator;
    await using client = rerunClient(emulator.url);
    const asMs = await client.tasks.wait(taskId, { createdAt: Date.parse(createdAt), timeoutMs: 15_000 });
    expect(asMs.status).toBe('FINISHED');
    const future = await client.tasks.wait(taskId, { createdAt: new Date(Date.now() + 3_600_000) });
    expect(future.status).toBe('FINISHED');
  });
});
