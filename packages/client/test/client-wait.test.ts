import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { StudioError, type Task, TimeoutError } from '../src/index.js';
import { clientFor, makeGlb, startFastEmulator, tempDir } from './helpers.js';

/** Sockets and timers alive now, by type (to prove a test left nothing running). */
function liveResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) {
    if (type === 'Timeout' || type.startsWith('TCP')) counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

describe('tasks.wait()', () => {
  it('counts unknown statuses as running and accepts the older asset_url shape', async () => {
    await using dir = await tempDir();
    await using emulator = await startFastEmulator({
      durationMs: 400,
      statusShape: 'asset_url',
      unknownStatus: { status: 'QUEUED', polls: 2 },
    });
    await using client = clientFor(emulator, { polling: { expectedDurationMs: 400, maxIntervalMs: 50 } });
    const seen: string[] = [];
    const result = await client.segment(makeGlb(), {
      to: join(dir.path, 'r.glb'),
      onProgress: (task) => seen.push(task.status),
    });
    expect(seen.slice(0, 2)).toEqual(['QUEUED', 'QUEUED']);
    expect(seen.at(-1)).toBe('FINISHED');
    expect(result.task.results[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('polls again when FINISHED briefly has no results, and gives up after a bounded number', async () => {
    await using emulator = await startFastEmulator({ faults: [{ kind: 'emptyResults', times: 2 }] });
    await using client = clientFor(emulator);
    const { taskId } = await client.segmentation.create({ model: makeGlb() });
    const task = await client.tasks.wait(taskId);
    expect(task.results).toHaveLength(1);
    expect(emulator.stats().faults.emptyResults).toBe(2);

    await using never = await startFastEmulator({ faults: [{ kind: 'emptyResults', times: 100 }] });
    await using client2 = clientFor(never, { polling: { emptyResultPolls: 2, expectedDurationMs: 150 } });
    const created = await client2.segmentation.create({ model: makeGlb() });
    const error = await client2.tasks.wait(created.taskId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).code).toBe('EMPTY_RESULTS');
    expect((error as StudioError).taskId).toBe(created.taskId);
    expect(never.stats().faults.emptyResults).toBe(3);
  });

  it('a few failed polls do not end the wait (the task is paid for)', async () => {
    await using emulator = await startFastEmulator({
      faults: [{ kind: 'reset', match: { path: '/v1/generation-request/' }, times: 2 }],
    });
    await using client = clientFor(emulator, { maxRetries: 0 });
    const { taskId } = await client.segmentation.create({ model: makeGlb() });
    const task = await client.tasks.wait(taskId);
    expect(task.status).toBe('FINISHED');
    expect(emulator.stats().faults.reset).toBe(2);

    await using broken = await startFastEmulator({
      faults: [{ kind: 'html', status: 502, match: { path: '/v1/generation-request/' }, times: 100 }],
    });
    await using client2 = clientFor(broken, {
      maxRetries: 0,
      polling: { expectedDurationMs: 150, maxIntervalMs: 100, maxConsecutivePollErrors: 2 },
    });
    const created = await client2.segmentation.create({ model: makeGlb() });
    const error = await client2.tasks.wait(created.taskId).catch((e: unknown) => e);
    expect((error as StudioError).status).toBe(502);
    expect((error as StudioError).taskId).toBe(created.taskId);
    expect(broken.stats().requests.status).toBe(3);
  });

  it('a wait timeout keeps the task id and says how to resume', async () => {
    await using emulator = await startFastEmulator({ durationMs: 60_000 });
    await using client = clientFor(emulator);
    const { taskId } = await client.segmentation.create({ model: makeGlb() });
    const error = await client.tasks.wait(taskId, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).taskId).toBe(taskId);
    expect((error as TimeoutError).code).toBe('WAIT_TIMEOUT');
    expect((error as Error).message).toContain(`client.tasks.wait('${taskId}')`);
  });

  it('a segment() timeout carries the paid task id', async () => {
    await using dir = await tempDir();
    await using emulator = await startFastEmulator({ durationMs: 60_000 });
    await using client = clientFor(emulator);
    let submitted: string | undefined;
    const error = await client
      .segment(makeGlb(), {
        to: join(dir.path, 'x.glb'),
        timeoutMs: 400,
        onSubmitted: (id) => {
          submitted = id;
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(submitted).toBeDefined();
    expect((error as TimeoutError).taskId).toBe(submitted);
    expect(emulator.stats().submissions).toBe(1);
  });

  it('an AbortSignal stops the wait with its reason and leaves no socket or timer behind', async () => {
    const before = liveResources();
    {
      await using emulator = await startFastEmulator({ durationMs: 60_000 });
      await using client = clientFor(emulator);
      const { taskId } = await client.segmentation.create({ model: makeGlb() });
      const controller = new AbortController();
      const reason = new Error('user pressed Ctrl-C');
      const waiting = client.tasks.wait(taskId, { signal: controller.signal });
      await delay(120);
      controller.abort(reason);
      await expect(waiting).rejects.toBe(reason);
      const polls = emulator.stats().requests.status;
      await delay(250);
      expect(emulator.stats().requests.status).toBe(polls);
      // Already aborted: nothing is sent at all, and the submission says so (its cause is the reason).
      const submits = emulator.stats().requests.submit;
      const refused = await client.segmentation
        .create({ model: makeGlb() }, { signal: controller.signal })
        .catch((e: unknown) => e as Error & { notSent?: boolean });
      expect(refused).toMatchObject({ name: 'NotSentError', notSent: true, cause: reason });
      expect(emulator.stats().requests.submit).toBe(submits);
    }
    await delay(20);
    // Nothing new is alive (earlier tests' leftovers may have ended meanwhile, hence "at most").
    for (const [type, count] of Object.entries(liveResources())) {
      expect(count, type).toBeLessThanOrEqual(before[type] ?? 0);
    }
  });

  it('close() ends a wait in flight at once, with the task id', async () => {
    await using emulator = await startFastEmulator({ durationMs: 60_000 });
    const client = clientFor(emulator, { polling: { expectedDurationMs: 60_000, maxIntervalMs: 30_000 } });
    const { taskId } = await client.segmentation.create({ model: makeGlb() });
    const waiting = client.tasks.wait(taskId).catch((e: unknown) => e);
    await delay(100); // first poll done, now sleeping ~30 s until the next
    const started = Date.now();
    await client.close();
    const error = (await waiting) as StudioError;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(StudioError);
    expect(error.code).toBe('CLIENT_CLOSED');
    expect(error.taskId).toBe(taskId);
    await expect(client.wallet.balance()).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
  });

  it('schedules polls from the expected finish, not a fixed short interval', async () => {
    await using emulator = await startFastEmulator({ durationMs: 1500 });
    // The budget would allow a poll every 10 ms; the schedule should need only a handful.
    await using client = clientFor(emulator, {
      polling: { expectedDurationMs: 1500, maxIntervalMs: 10_000 },
    });
    const { taskId } = await client.segmentation.create({ model: makeGlb() });
    const progress: (number | null)[] = [];
    const task = await client.tasks.wait(taskId, { onProgress: (t: Task) => progress.push(t.progress) });
    expect(task.status).toBe('FINISHED');
    expect(emulator.stats().requests.status).toBeLessThanOrEqual(5);
  });

  it('does not poll a task it just submitted at once: one probe finds a fast task finished', async () => {
    await using emulator = await startFastEmulator({ durationMs: 200, balance: 1000 });
    // The prior (16 s) overstates these 200 ms tasks: the first poll is a probe at 1/16 of it (1 s).
    await using client = clientFor(emulator, {
      polling: { expectedDurationMs: 16_000, maxIntervalMs: 60_000 },
    });
    const created = await Promise.all(
      [0, 1, 2, 3].map((i) => client.segmentation.create({ model: makeGlb(i) })),
    );
    const started = Date.now();
    const tasks = await Promise.all(created.map(({ taskId }) => client.tasks.wait(taskId)));
    expect(tasks.map((task) => task.status)).toEqual(['FINISHED', 'FINISHED', 'FINISHED', 'FINISHED']);
    expect(emulator.stats().requests.status).toBe(4);
    // Not the prior's 16 s (nor maxIntervalMs): the probe's second.
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('many concurrent segmentations share one budget without a single 429', async () => {
    await using dir = await tempDir();
    const windowMs = 1500;
    await using emulator = await startFastEmulator({
      durationMs: 500,
      requestsPerMinute: 5,
      rateLimitWindowMs: windowMs,
      balance: 1000,
    });
    await using client = clientFor(emulator, {
      requestsPerMinute: 5,
      rateLimitWindowMs: windowMs,
      polling: { expectedDurationMs: 500, maxIntervalMs: 2000 },
    });
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) => client.segment(makeGlb(i * 4), { to: join(dir.path, `m${i}.glb`) })),
    );
    expect(results.map((r) => r.byteLength)).toEqual([0, 1, 2, 3].map((i) => makeGlb(i * 4).length));
    const stats = emulator.stats();
    expect(stats.rateLimited).toBe(0);
    expect(stats.submissions).toBe(4);
    expect(stats.tasks.FINISHED).toBe(4);
  });
});
