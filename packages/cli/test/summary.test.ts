import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatTable } from '../src/output.js';
import { ModelError } from '../src/pipeline/errors.js';
import type { ModelResult } from '../src/pipeline/events.js';
import type { PipelineRun } from '../src/pipeline/run-pipeline.js';
import { createProgressReporter, describe as describeEvent } from '../src/progress.js';
import { formatDuration, runJson, summaryTable } from '../src/summary.js';

const model = (slug: string) => ({ file: `models/${slug}.glb`, slug, sha256: slug.padEnd(64, '0') });

function run(results: ModelResult[]): PipelineRun {
  return {
    segmenter: 'tripo',
    dryRun: false,
    results,
    plans: [],
    plannedCredits: 160,
    spentCredits: results.reduce((s, r) => s + r.credits, 0),
    catalogPath: '/out/catalog.json',
    outDir: '/out',
  };
}

const ok: ModelResult = {
  model: model('robot'),
  outcome: 'packed',
  segmenter: 'tripo',
  action: 'submit',
  packDir: '/out/robot',
  manifestPath: '/out/robot/manifest.json',
  parts: 7,
  taskId: 'task-1',
  credits: 80,
  durationMs: 125_000,
};
const bad: ModelResult = {
  model: model('chair'),
  outcome: 'failed',
  segmenter: 'tripo',
  action: 'submit',
  taskId: 'task-2',
  credits: 80,
  durationMs: 900,
  error: new ModelError('submission-unknown', 'no task id came back', undefined),
};

describe('summary', () => {
  it('aligns a table and formats durations', () => {
    expect(formatTable(['a', 'bb'], [['xxx', 'y']])).toBe('a    bb\n---  --\nxxx  y');
    expect([formatDuration(900), formatDuration(12_340), formatDuration(125_000)]).toEqual([
      '900ms',
      '12.3s',
      '2m05s',
    ]);
  });

  it('lists model, parts, credits, time and outcome, and counts failures', () => {
    const text = summaryTable(run([ok, bad]));
    expect(text).toMatch(/models\/robot\.glb\s+7\s+80\s+2m05s\s+packed/);
    expect(text).toMatch(/models\/chair\.glb\s+-\s+80\s+900ms\s+failed: submission-unknown/);
    expect(text).toMatch(/1 of 2 model\(s\) ok, 160 credit\(s\) spent, 1 failed/);
  });

  it('serialises results for --json with typed errors and nulls for what is absent', () => {
    const json = runJson(run([ok, bad])) as { ok: boolean; results: Record<string, unknown>[] };
    expect(json.ok).toBe(false);
    expect(json.results[0]).toMatchObject({ slug: 'robot', parts: 7, taskId: 'task-1', error: null });
    expect(json.results[1]).toMatchObject({
      packDir: null,
      error: { code: 'submission-unknown', name: 'ModelError' },
    });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('progress', () => {
  it('writes plain lines off a TTY, at most one per quarter of task progress', () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    let text = '';
    (stream as unknown as PassThrough).on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const reporter = createProgressReporter({ stream, quiet: false });
    const m = model('robot');
    reporter.onEvent({ type: 'submitted', model: m, taskId: 't', resumed: false });
    for (const progress of [0, 5, 10, 30, 31, 60, 99, 100]) {
      reporter.onEvent({ type: 'progress', model: m, taskId: 't', status: 'IN_PROGRESS', progress });
    }
    reporter.onEvent({ type: 'done', model: m, result: ok });
    reporter.stop();
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('robot: submitted task t');
    expect(lines.filter((l) => l.includes('in_progress'))).toHaveLength(5); // 0, 30, 60, 99 (75+), 100
    expect(lines.at(-1)).toMatch(/^robot: 7 part\(s\) -> .*robot\/$/);
  });

  it('draws bars on a TTY and keeps every finished line once the bars are gone', () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream & { isTTY: boolean; columns: number };
    stream.isTTY = true;
    stream.columns = 100;
    let text = '';
    (stream as unknown as PassThrough).on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const reporter = createProgressReporter({ stream, quiet: false });
    const a = model('robot');
    const b = model('chair');
    reporter.onEvent({ type: 'start', model: a, action: 'submit' });
    reporter.onEvent({ type: 'start', model: b, action: 'submit' });
    reporter.onEvent({ type: 'progress', model: a, status: 'IN_PROGRESS', progress: 50 });
    reporter.onEvent({ type: 'done', model: a, result: ok });
    reporter.onEvent({ type: 'failed', model: b, error: new ModelError('api', 'boom'), result: bad });
    reporter.stop();
    expect(text).toContain('robot: 7 part(s) ->');
    expect(text).toContain('chair: FAILED [api] boom');
    expect(text).toContain(String.fromCharCode(27)); // terminal control sequences: bars were drawn
  });

  it('prints nothing when quiet', () => {
    const reporter = createProgressReporter({ stream: process.stderr, quiet: true });
    expect(() =>
      reporter.onEvent({ type: 'failed', model: model('x'), error: new ModelError('api', 'x'), result: bad }),
    ).not.toThrow();
    expect(
      describeEvent({ type: 'failed', model: model('x'), error: new ModelError('api', 'boom'), result: bad }),
    ).toBe('x: FAILED [api] boom');
  });
});
