import { SEGMENTATION_CREDITS } from '@meshparts/client';
import { describe, expect, it } from 'vitest';
import type { ModelRef } from '../src/pipeline/events.js';
import { type JournalEntry, JournalHistory } from '../src/pipeline/journal.js';
import { type PlanInputs, planModel } from '../src/pipeline/plan.js';

const model: ModelRef = { file: 'robot.glb', slug: 'robot', sha256: 'f'.repeat(64) };
const pack = { manifestPath: '/out/robot/manifest.json', parts: 3, taskId: null };

function entry(state: JournalEntry['state'], extra: Partial<JournalEntry> = {}): JournalEntry {
  return { sha256: model.sha256, file: model.file, state, segmenter: 'tripo', at: 'now', ...extra };
}

function plan(overrides: Partial<PlanInputs>) {
  return planModel({
    model,
    segmenter: 'tripo',
    history: new JournalHistory(),
    pack: undefined,
    cached: false,
    splitKey: 'k',
    resubmitUnknown: false,
    resubmitExpired: false,
    ...overrides,
  });
}

describe('planModel', () => {
  it('submits a new model for 80 credits, segments locally for free', () => {
    expect(plan({})).toMatchObject({ action: 'submit', credits: SEGMENTATION_CREDITS });
    expect(plan({ segmenter: 'local' })).toMatchObject({ action: 'segment', credits: 0 });
  });

  it('skips a complete pack made with the same split settings, re-splits a cached one made with others', () => {
    const history = new JournalHistory([entry('packed', { pack: 'robot', splitKey: 'k' })]);
    expect(plan({ pack, history })).toMatchObject({ action: 'skip', credits: 0 });
    expect(plan({ pack, history, splitKey: 'other', cached: true })).toMatchObject({
      action: 'split',
      credits: 0,
    });
    // Not cached: a packed entry without a task id (nothing can give the GLB again) keeps the pack.
    expect(plan({ pack, history, splitKey: 'other', cached: false })).toMatchObject({
      action: 'skip',
      credits: 0,
      reason: expect.stringMatching(/no paid task can give it again/),
    });
    // With its paid task journaled, the GLB is fetched again for free, damaged cache or none.
    const paid = new JournalHistory([entry('packed', { pack: 'robot', splitKey: 'k', taskId: 't-1' })]);
    for (const cacheDamaged of [false, true]) {
      expect(plan({ pack, history: paid, splitKey: 'other', cacheDamaged })).toMatchObject({
        action: 'resume',
        taskId: 't-1',
        credits: 0,
        reason: expect.stringMatching(
          cacheDamaged ? /\(it was damaged\): fetch paid task t-1/ : /fetch paid task t-1/,
        ),
      });
    }
    // A task whose result expired cannot: the pack stays, and nothing is paid.
    const expired = new JournalHistory([
      entry('packed', { pack: 'robot', splitKey: 'k', taskId: 't-1' }),
      entry('failed', { taskId: 't-1', reason: 'expired' }),
    ]);
    expect(plan({ pack, history: expired, splitKey: 'other' })).toMatchObject({ action: 'skip', credits: 0 });
    const local = new JournalHistory([entry('packed', { pack: 'robot', splitKey: 'k', segmenter: 'local' })]);
    expect(plan({ pack, history: local, splitKey: 'other', segmenter: 'local' })).toMatchObject({
      action: 'segment',
    });
  });

  it('splits a cached segmented GLB without paying', () => {
    expect(plan({ cached: true })).toMatchObject({ action: 'split', credits: 0 });
  });

  it('resumes a journaled task instead of paying again', () => {
    for (const state of ['submitted', 'finished', 'downloaded', 'packed'] as const) {
      const history = new JournalHistory([entry(state, { taskId: 't-1' })]);
      expect(plan({ history })).toMatchObject({ action: 'resume', taskId: 't-1', credits: 0 });
    }
  });

  it('blocks an unknown submission unless resubmitUnknown', () => {
    const history = new JournalHistory([entry('unknown')]);
    expect(plan({ history })).toMatchObject({
      action: 'blocked',
      blockedBy: 'submission-unknown',
      credits: 0,
    });
    expect(plan({ history, resubmitUnknown: true })).toMatchObject({ action: 'submit', credits: 80 });
  });

  it('blocks an expired result unless resubmitExpired; resubmits a failed (refunded) task', () => {
    const expired = new JournalHistory([entry('failed', { taskId: 't-2', reason: 'expired' })]);
    expect(plan({ history: expired })).toMatchObject({
      action: 'blocked',
      blockedBy: 'result-expired',
      taskId: 't-2',
    });
    expect(plan({ history: expired, resubmitExpired: true })).toMatchObject({ action: 'submit' });
    const failed = new JournalHistory([entry('failed', { taskId: 't-3', reason: 'task-failed' })]);
    expect(plan({ history: failed })).toMatchObject({ action: 'submit', credits: 80 });
  });

  it('holds a model whose intent record has nothing after it (stopped mid-submission) as outcome unknown', () => {
    const history = new JournalHistory([entry('submitting', { at: '2030-01-01T00:00:00.000Z' })]);
    expect(plan({ history })).toMatchObject({
      action: 'blocked',
      blockedBy: 'submission-unknown',
      credits: 0,
      reason: expect.stringMatching(/being sent at 2030-01-01T00:00:00.000Z.*--resubmit-unknown/),
    });
    expect(plan({ history, resubmitUnknown: true })).toMatchObject({ action: 'submit' });
  });

  it('submits again what created nothing (unpaid), and resumes what the intent was followed by', () => {
    const unpaid = new JournalHistory([entry('submitting'), entry('unpaid', { reason: 'not sent' })]);
    expect(plan({ history: unpaid })).toMatchObject({ action: 'submit', credits: SEGMENTATION_CREDITS });
    const paid = new JournalHistory([entry('submitting'), entry('submitted', { taskId: 't-1' })]);
    expect(plan({ history: paid })).toMatchObject({ action: 'resume', taskId: 't-1', credits: 0 });
  });

  it('blocks a task the API no longer knows until --resubmit-expired', () => {
    const history = new JournalHistory([entry('failed', { taskId: 't-9', reason: 'gone' })]);
    expect(plan({ history })).toMatchObject({
      action: 'blocked',
      blockedBy: 'task-gone',
      taskId: 't-9',
      reason: expect.stringMatching(/no longer knows task t-9.*--resubmit-expired/),
    });
    expect(plan({ history, resubmitExpired: true })).toMatchObject({ action: 'submit' });
  });

  it('says when a damaged cache entry is fetched again', () => {
    const history = new JournalHistory([entry('downloaded', { taskId: 't-2' })]);
    expect(plan({ history, cacheDamaged: true })).toMatchObject({
      action: 'resume',
      reason: 'the cached segmented GLB was damaged: resume paid task t-2',
    });
  });
});
