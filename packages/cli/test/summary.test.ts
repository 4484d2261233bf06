import { PassThrough } from 'node:stream';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { ModelError } from '../src/pipeline/errors.js';
import type { ModelResult, PipelineEvent } from '../src/pipeline/events.js';
import type { PipelineRun } from '../src/pipeline/run-pipeline.js';
import { createProgressReporter, describe as describeEvent } from '../src/progress.js';
import { formatDuration, runJson, summaryTable } from '../src/summary.js';
import { formatTable } from '../src/table.js';

const model = (slug: string, file = `models/${slug}.glb`) => ({ file, slug, sha256: slug.padEnd(64, '0') });

function run(results: ModelResult[], extra: Partial<PipelineRun> = {}): PipelineRun {
  return {
    segmenter: 'tripo',
    dryRun: false,
    results,
    plans: [],
    plannedCredits: 160,
    spentCredits: results.reduce((s, r) => s + r.credits, 0),
    unknownCredits: results.reduce((s, r) => s + (r.unknownCredits ?? 0), 0),
    catalogPath: '/out/catalog.json',
    outDir: '/out',
    ...extra,
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
const LONG_REASON = `POST http://127.0.0.1:8787/v1/3d-models/tripo/mesh-segmentation/ failed with HTTP 402 Payment Required [INSUFFICIENT_CREDITS]: ${'the wallet holds 40 credits and a segmentation costs 80. '.repeat(4)}END`;
const bad: ModelResult = {
  model: model('chair'),
  outcome: 'failed',
  segmenter: 'tripo',
  action: 'submit',
  credits: 0,
  unknownCredits: 80,
  durationMs: 900,
  error: new ModelError('submission-unknown', 'no task id came back', undefined),
};
const poor: ModelResult = {
  model: model('lamp'),
  outcome: 'failed',
  segmenter: 'tripo',
  action: 'submit',
  credits: 0,
  durationMs: 10,
  error: new ModelError('api', LONG_REASON),
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

  it('lists model, parts, credits, time and outcome; counts only accepted credits as spent', () => {
    const text = summaryTable(run([ok, bad]));
    expect(text).toMatch(/models\/robot\.glb\s+7\s+80\s+2m05s\s+packed/);
    expect(text).toMatch(/models\/chair\.glb\s+-\s+0\s+900ms\s+failed: submission-unknown/);
    expect(text).toMatch(/1 of 2 model\(s\) ok, 80 credit\(s\) spent, 1 failed/);
    expect(text).toMatch(/outcome unknown: 1 submission\(s\) may have cost up to 80 more credit\(s\)/);
  });

  it('prints every failure reason in full, and advice that fits each kind (rerun only where it helps)', () => {
    const text = summaryTable(run([ok, bad, poor]));
    expect(text).toContain(`models/lamp.glb: [api] ${LONG_REASON}`);
    expect(text).toMatch(/1 submission-unknown: .*--resubmit-unknown/);
    expect(text).toMatch(/1 api: rerun the same command/);
    // The one blanket line of old is gone: a rerun does not resolve an unknown submission.
    expect(text).not.toMatch(/failed \(rerun the same command to retry; paid tasks resume\)/);
  });

  it('advises a cancelled offline run without tasks to resume, and a cancelled paid one with them', () => {
    const cancelled = (segmenter: 'tripo' | 'local'): ModelResult => ({
      ...ok,
      segmenter,
      outcome: 'failed',
      credits: 0,
      error: new ModelError('aborted', 'cancelled'),
    });
    expect(summaryTable(run([cancelled('local')], { segmenter: 'local' }))).toMatch(
      /1 aborted: rerun the same command: it does them \(nothing was paid\)$/m,
    );
    expect(summaryTable(run([cancelled('tripo')]))).toMatch(
      /1 aborted: rerun the same command: paid tasks resume/,
    );
  });

  it('sends a paid task the journal could not record to `segment --task`, not to a rerun', () => {
    const unrecorded: ModelResult = {
      ...ok,
      outcome: 'failed',
      error: new ModelError('output', 'cannot write to /out: ENOSPC; task task-1 is paid but ...', 'task-1', {
        taskJournaled: false,
      }),
    };
    const text = summaryTable(run([unrecorded, { ...poor, model: model('full') }]));
    expect(text).toMatch(
      /^ {2}1 with a paid task the journal could not record: .*meshparts segment --task <id>/m,
    );
    // Only the other model gets the rerun advice of its kind; none says its task resumes.
    expect(text).not.toMatch(/output: .*paid tasks resume/);
    expect(text).toMatch(/1 api: rerun the same command/);
    expect(JSON.parse(JSON.stringify(unrecorded.error))).toMatchObject({
      taskId: 'task-1',
      taskJournaled: false,
    });
  });

  it('tells from the wallet what the unknown submissions most likely cost', () => {
    const charged = summaryTable(
      run([ok, bad], {
        unknownOutcome: { before: 1000, after: 840, accounted: 80, unexplained: 80, submissions: 1 },
      }),
    );
    expect(charged).toMatch(
      /from 1000 to 840, 80 more than the accepted submissions \(80\).*most likely created tasks/,
    );
    const free = summaryTable(
      run([ok, bad], {
        unknownOutcome: { before: 1000, after: 920, accounted: 80, unexplained: 0, submissions: 1 },
      }),
    );
    expect(free).toMatch(/most likely not charged/);
  });

  it('aligns CJK and emoji names by display width, and never prints control characters', () => {
    const cjk: ModelResult = { ...ok, model: model('robot-cjk', 'models/ロボット🤖.glb') };
    const hostile: ModelResult = { ...ok, model: model('hostile', 'models/\u001b[2J\u001b[31mFAKE\nx.glb') };
    const text = summaryTable(run([cjk, ok, hostile]));
    const rows = text.split('\n').slice(0, 5);
    const partsColumn = rows.map((row) => stringWidth(row.slice(0, row.search(/ (parts|-----|7) /) + 1)));
    expect(new Set(partsColumn).size, rows.join('\n')).toBe(1);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('\\u{1b}[2J');
    expect(text.split('\n').filter((line) => line.includes('FAKE'))).toHaveLength(1);
  });

  it('serialises results for --json with typed errors and nulls for what is absent', () => {
    const json = runJson(run([ok, bad])) as {
      ok: boolean;
      unknownCredits: number;
      results: Record<string, unknown>[];
    };
    expect(json.ok).toBe(false);
    expect(json.unknownCredits).toBe(80);
    expect(json.results[0]).toMatchObject({ slug: 'robot', parts: 7, taskId: 'task-1', error: null });
    expect(json.results[1]).toMatchObject({
      packDir: null,
      unknownCredits: 80,
      error: { code: 'submission-unknown', name: 'ModelError' },
    });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

/** A stream that records what is written to it, optionally a TTY of `columns` columns. */
function recorder(tty?: { columns: number }) {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & { isTTY?: boolean; columns?: number };
  if (tty) {
    stream.isTTY = true;
    stream.columns = tty.columns;
    (stream as { rows?: number }).rows = 40;
  }
  const out = { text: '' };
  (stream as unknown as PassThrough).on('data', (chunk: Buffer) => {
    out.text += chunk.toString();
  });
  return { stream, out };
}

/** The screen a TTY would show: control sequences are applied line by line (erase, cursor up). */
function screen(text: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal sequences are what is parsed.
  const tokens = text.split(/(\u001b\[[0-9;?]*[A-Za-z]|\n)/);
  for (const token of tokens) {
    if (token === '\n') {
      row++;
      lines[row] ??= '';
    } else if (token.startsWith('\u001b[')) {
      const param = token.slice(2, -1);
      const n = Number(param) || 1;
      const op = token.at(-1);
      if (op === 'A') row = Math.max(0, row - n);
      else if (op === 'B') {
        row += n;
        lines[row] ??= '';
      } else if (op === 'K' && param === '2') lines[row] = '';
      else if (op === 'J') lines.length = row + 1;
      // `ESC[K` erases from the cursor, which is at the end of what was written: nothing to do.
    } else {
      lines[row] = (lines[row] ?? '') + token;
    }
  }
  return lines.filter((line) => line !== '');
}

describe('progress', () => {
  it('counts the plan by action in a fixed order, whatever the order of the models', () => {
    const plans = (['submit', 'resume', 'submit', 'skip'] as const).map((action, i) => ({
      model: model(`m${i}`),
      action,
      credits: action === 'submit' ? 80 : 0,
      reason: '',
    }));
    for (const order of [plans, [...plans].reverse()]) {
      const line = describeEvent({ type: 'plan', plans: order, credits: 160 } as never);
      expect(line).toBe('4 model(s): 1 skip, 1 resume, 2 submit; up to 160 credits');
    }
  });

  it('counts inputs that failed before planning in the plan line (the summary counts them too)', () => {
    const plans = [{ model: model('a'), action: 'segment' as const, credits: 0, reason: '' }];
    const plan = { type: 'plan', segmenter: 'local', plans, credits: 0 } as const;
    expect(describeEvent({ ...plan, missing: 1, unreadable: 2 })).toBe(
      '4 model(s): 1 segment, 1 missing, 2 unreadable; up to 0 credits',
    );
    expect(describeEvent({ ...plan, missing: 0, unreadable: 0 })).toBe(
      '1 model(s): 1 segment; up to 0 credits',
    );
  });

  it("gives a pack's part files and the segmented parts when they differ, plain lines and live", () => {
    const m = model('pins');
    const result: ModelResult = { ...ok, model: m, segmenter: 'local', parts: 2, packDir: '/out/pins' };
    for (const tty of [undefined, { columns: 200 }]) {
      const { stream, out } = recorder(tty);
      const reporter = createProgressReporter({ stream, quiet: false, refreshMs: 60_000 });
      reporter.onEvent({ type: 'start', model: m, action: 'segment' });
      reporter.onEvent({ type: 'segmented', model: m, parts: 7, strategy: 'nodes' });
      reporter.onEvent({ type: 'done', model: m, result });
      // The same slug again, without a segmented event (a cached split): one count, nothing remembered.
      reporter.onEvent({ type: 'done', model: m, result });
      reporter.stop();
      const text = screen(out.text).join('\n');
      expect(text).toContain(
        'pins: 2 part file(s) for 7 part(s) (repeated parts share one file) -> /out/pins/',
      );
      expect(text).toContain('pins: 2 part(s) -> /out/pins/');
    }
  });

  it('writes plain lines off a TTY, at most one per quarter of task progress', () => {
    const { stream, out } = recorder();
    const reporter = createProgressReporter({ stream, quiet: false });
    const m = model('robot');
    reporter.onEvent({ type: 'submitted', model: m, taskId: 't', resumed: false, journaled: true });
    for (const progress of [0, 5, 10, 30, 31, 60, 99, 100]) {
      reporter.onEvent({ type: 'progress', model: m, taskId: 't', status: 'IN_PROGRESS', progress });
    }
    reporter.onEvent({ type: 'done', model: m, result: ok });
    reporter.stop();
    const lines = out.text.trim().split('\n');
    expect(lines[0]).toBe('robot: submitted task t');
    expect(lines.filter((l) => l.includes('in_progress'))).toHaveLength(5); // 0, 30, 60, 99 (75+), 100
    expect(lines.at(-1)).toMatch(/^robot: 7 part\(s\) -> .*robot\/$/);
  });

  it('says when a model waits for a request slot and when the next one comes (plain lines)', () => {
    const { stream, out } = recorder();
    const now = 1_000_000;
    const reporter = createProgressReporter({ stream, quiet: false, now: () => now });
    reporter.onEvent({ type: 'waiting', model: model('robot'), nextSlotAt: now + 14_000, ahead: 2 });
    // A wait of a few milliseconds (a fast account) is not worth a line.
    reporter.onEvent({ type: 'waiting', model: model('chair'), nextSlotAt: now + 5, ahead: 0 });
    expect(out.text).toBe('robot: waiting for a request slot, next in 14 s (2 ahead)\n');
  });

  it('on a TTY: a live line per model in flight with its countdown; finished ones leave', () => {
    const { stream, out } = recorder({ columns: 100 });
    let now = 1_000_000;
    const reporter = createProgressReporter({ stream, quiet: false, now: () => now, refreshMs: 60_000 });
    const a = model('robot');
    const b = model('chair');
    const plan: PipelineEvent = {
      type: 'plan',
      segmenter: 'tripo',
      credits: 160,
      plans: [
        { model: a, action: 'submit', credits: 80, reason: '' },
        { model: b, action: 'submit', credits: 80, reason: '' },
      ],
    };
    reporter.onEvent(plan);
    reporter.onEvent({ type: 'start', model: a, action: 'submit' });
    reporter.onEvent({ type: 'start', model: b, action: 'submit' });
    reporter.onEvent({ type: 'sending', model: a });
    reporter.onEvent({ type: 'waiting', model: b, nextSlotAt: now + 14_000, ahead: 0 });
    let shown = screen(out.text);
    expect(shown).toContain('  robot  uploading');
    expect(shown).toContain('  chair  waiting for a request slot, next slot in 14 s');
    expect(shown.at(-1)).toBe('  0 of 2 done, 2 in flight');

    reporter.onEvent({ type: 'submitted', model: a, taskId: 'task-1', resumed: false, journaled: true });
    reporter.onEvent({ type: 'progress', model: a, taskId: 'task-1', status: 'IN_PROGRESS', progress: 40 });
    now += 4000;
    reporter.onEvent({ type: 'next-poll', model: a, taskId: 'task-1', at: now + 20_000 });
    shown = screen(out.text);
    expect(shown).toContain('robot: submitted task task-1'); // task ids stay on screen
    expect(shown).toContain('  robot  task task-1: in_progress 40%, next check in 20 s');
    expect(shown).toContain('  chair  waiting for a request slot, next slot in 10 s');

    reporter.onEvent({ type: 'done', model: a, result: ok });
    shown = screen(out.text);
    expect(shown.some((line) => line.startsWith('  robot'))).toBe(false);
    expect(shown).toContain('robot: 7 part(s) -> /out/robot/');
    expect(shown.at(-1)).toBe('  1 of 2 done, 1 in flight');

    const failure = new ModelError('api', LONG_REASON);
    reporter.onEvent({ type: 'failed', model: b, error: failure, result: { ...poor, error: failure } });
    reporter.stop();
    shown = screen(out.text);
    expect(shown.some((line) => line.startsWith('  chair'))).toBe(false);
    // A failure line that stays is wrapped at the width, never cut.
    expect(shown.join('')).toContain(`chair: FAILED [api] ${LONG_REASON}`);
  });

  it('cuts live lines at the terminal width and makes hostile strings printable', () => {
    const { stream, out } = recorder({ columns: 40 });
    const reporter = createProgressReporter({ stream, quiet: false, refreshMs: 60_000 });
    const m = model('robot');
    reporter.onEvent({ type: 'start', model: m, action: 'resume' });
    reporter.onEvent({
      type: 'progress',
      model: m,
      taskId: 'abc\ndef\u001b[2J',
      status: 'IN_PROGRESS\u001b[31m',
      progress: 50,
    });
    const live = screen(out.text).filter((line) => line.startsWith('  robot'));
    expect(live).toHaveLength(1);
    expect(stringWidth(live[0]!)).toBeLessThanOrEqual(39);
    expect(out.text).not.toContain('\u001b[2J');
    expect(out.text).not.toContain('\u001b[31m');
    reporter.stop();
  });

  it('a terminal that gives no size (0 rows) gets plain lines, none of them lost', () => {
    const { stream, out } = recorder({ columns: 100 });
    (stream as { rows?: number }).rows = 0;
    const reporter = createProgressReporter({ stream, quiet: false });
    reporter.onEvent({
      type: 'submitted',
      model: model('robot'),
      taskId: 't-1',
      resumed: false,
      journaled: true,
    });
    reporter.stop();
    expect(out.text).toBe('robot: submitted task t-1\n');
  });

  it('prints nothing when quiet', () => {
    const reporter = createProgressReporter({ stream: process.stderr, quiet: true });
    expect(() =>
      reporter.onEvent({
        type: 'failed',
        model: model('x'),
        error: new ModelError('api', 'x'),
        result: poor,
      }),
    ).not.toThrow();
    expect(
      describeEvent({
        type: 'failed',
        model: model('x'),
        error: new ModelError('api', 'boom'),
        result: poor,
      }),
    ).toBe('x: FAILED [api] boom');
  });
});
