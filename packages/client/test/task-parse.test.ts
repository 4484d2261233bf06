import { describe, expect, it } from 'vitest';
import { DurationStats, firstPollDelay, nextPollDelay } from '../src/poll-schedule.js';
import { parseBalance } from '../src/resources/wallet.js';
import { isTerminal, parseCreated, parseTask } from '../src/task.js';

describe('status parsing', () => {
  it('parses the documented finished shape', () => {
    const task = parseTask('t1', {
      status: 'FINISHED',
      progress: 100,
      failure_reason: null,
      results: [{ asset: 'https://storage.example/assets/t1.glb', asset_type: '3D_MODEL', metadata: null }],
    });
    expect(task).toEqual({
      id: 't1',
      status: 'FINISHED',
      progress: 100,
      failureReason: null,
      results: [{ url: 'https://storage.example/assets/t1.glb', type: '3D_MODEL', metadata: null }],
    });
  });

  it('parses the older asset_url + thumbnail shape and missing optional fields', () => {
    const task = parseTask('t2', {
      status: 'finished',
      results: [{ asset_url: 'https://s/a.glb', thumbnail: 'https://s/a.png' }],
    });
    expect(task).toMatchObject({ status: 'FINISHED', progress: null, failureReason: null });
    expect(task?.results).toEqual([
      { url: 'https://s/a.glb', type: null, metadata: null, thumbnailUrl: 'https://s/a.png' },
    ]);
  });

  it('keeps unknown statuses (running, not terminal) and numeric-string progress', () => {
    const task = parseTask('t3', { status: 'queued', progress: '42' })!;
    expect(task.status).toBe('QUEUED');
    expect(task.progress).toBe(42);
    expect(isTerminal(task.status)).toBe(false);
    expect(isTerminal('FAILED')).toBe(true);
  });

  it('keeps the failure reason and drops results without a URL', () => {
    const task = parseTask('t4', {
      status: 'FAILED',
      failure_reason: 'bad mesh',
      results: [{ asset: '' }, 7],
    })!;
    expect(task.failureReason).toBe('bad mesh');
    expect(task.results).toEqual([]);
    expect(parseTask('t5', { progress: 3 })).toBeUndefined();
    expect(parseTask('t5', 'FINISHED')).toBeUndefined();
  });

  it('parses submissions and balances', () => {
    expect(parseCreated({ task_id: 'abc', created_at: '2026-11-24T00:00:00Z' }, () => 0)).toEqual({
      taskId: 'abc',
      createdAt: '2026-11-24T00:00:00Z',
    });
    expect(parseCreated({ created_at: 'x' }, () => 0)).toBeUndefined();
    expect(parseBalance({ balance: '150.00' })).toBe(150);
    expect(parseBalance({ balance: '12.5' })).toBe(12.5);
    expect(parseBalance({ balance: 'lots' })).toBeUndefined();
  });
});

describe('poll schedule', () => {
  const base = { expectedDurationMs: 180_000, minIntervalMs: 20_000, maxIntervalMs: 60_000 };

  it('aims at the expected finish from the task own progress', () => {
    // 30 s for 50 %: 30 s left, a hair later.
    expect(nextPollDelay({ ...base, elapsedMs: 30_000, progress: 50 })).toBe(31_500);
    // Near the end the budget floor applies.
    expect(nextPollDelay({ ...base, elapsedMs: 95_000, progress: 95 })).toBe(20_000);
  });

  it('measures the pace of a resumed task from its progress at the first poll', () => {
    // Found at 50 %, at 60 % ten seconds later: 40 % to go at 1 % per second.
    expect(nextPollDelay({ ...base, elapsedMs: 10_000, progress: 60, baselineProgress: 50 })).toBe(42_000);
    // No progress since the baseline: fall back to the expected duration.
    expect(nextPollDelay({ ...base, elapsedMs: 10_000, progress: 50, baselineProgress: 50 })).toBe(60_000);
  });

  it('uses the expected duration without progress, capped by maxIntervalMs', () => {
    expect(nextPollDelay({ ...base, elapsedMs: 0, progress: null })).toBe(60_000);
    expect(nextPollDelay({ ...base, elapsedMs: 150_000, progress: 0 })).toBe(31_500);
  });

  it('polls an overdue task at a pace proportional to its age, never faster than the budget', () => {
    expect(nextPollDelay({ ...base, elapsedMs: 240_000, progress: null })).toBe(30_000);
    expect(nextPollDelay({ ...base, elapsedMs: 100_000, progress: 100 })).toBe(20_000);
    expect(nextPollDelay({ ...base, minIntervalMs: 90_000, elapsedMs: 0, progress: null })).toBe(90_000);
  });

  it('probes a task submitted here before any observation, then aims at the observed duration', () => {
    const first = { expectedDurationMs: 180_000, minIntervalMs: 1_000, maxIntervalMs: 60_000 };
    // Nothing observed yet: a probe at 1/16 of the 3-minute prior measures the pace.
    expect(firstPollDelay({ ...first, elapsedMs: 0, observed: false })).toBe(11_250);
    // 3-second tasks observed, 0.5 s since the submission: a hair after the expected finish.
    expect(firstPollDelay({ ...first, expectedDurationMs: 3_000, elapsedMs: 500, observed: true })).toBe(
      2_650,
    );
    // Never under the fair share of the budget, never over maxIntervalMs.
    expect(firstPollDelay({ ...first, minIntervalMs: 20_000, elapsedMs: 0, observed: false })).toBe(20_000);
    expect(firstPollDelay({ ...first, expectedDurationMs: 600_000, elapsedMs: 0, observed: true })).toBe(
      60_000,
    );
  });

  it('lets the pace of running tasks stand in until one finishes', () => {
    const stats = new DurationStats();
    expect(stats.observed).toBe(false);
    expect(stats.expected(180_000)).toBe(180_000);
    stats.project(4_000);
    stats.project(Number.NaN);
    expect(stats.observed).toBe(true);
    expect(stats.expected(180_000)).toBe(4_000);
    stats.record(3_000);
    expect(stats.expected(180_000)).toBe(3_000);
  });

  it('learns the median duration of finished tasks', () => {
    const stats = new DurationStats(3);
    expect(stats.expected(180_000)).toBe(180_000);
    stats.record(100);
    stats.record(300);
    expect(stats.expected(0)).toBe(200);
    stats.record(200);
    stats.record(1000); // drops 100
    expect(stats.expected(0)).toBe(300);
    stats.record(Number.NaN);
    expect(stats.expected(0)).toBe(300);
  });
});
