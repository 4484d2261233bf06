import { createLogUpdate } from 'log-update';
import stringWidth from 'string-width';
import { isBroken, printable, safeWrite } from './output.js';
import type { ModelRef, PipelineEvent, PlannedAction } from './pipeline/events.js';
import { shortPath } from './short-path.js';

/**
 * Shows a run's progress on stderr: on a TTY, a live line per model in flight under the lines that
 * stay (task ids, finished and failed models); plain lines otherwise (CI logs, pipes); nothing with
 * `quiet`. stdout is never touched, so `--json` output stays pure. Every string that comes from
 * outside (file names, task ids, server statuses and messages) goes through {@link printable}, and a
 * stream whose reader went away is left alone (output.ts). The API key never reaches this module.
 */

export interface ProgressReporter {
  onEvent(event: PipelineEvent): void;
  /** A line that stays (above the live lines on a TTY). */
  log(line: string): void;
  /** Removes the live lines; call before printing the summary. */
  stop(): void;
}

export interface ProgressOptions {
  stream: NodeJS.WriteStream;
  quiet: boolean;
  /** Force plain lines even on a TTY. */
  plain?: boolean;
  /** Clock, for tests. Default Date.now. */
  now?: () => number;
  /** How often the live lines are redrawn (countdowns), in ms. Default 1000. */
  refreshMs?: number;
}

export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  if (options.quiet) return { onEvent: () => {}, log: () => {}, stop: () => {} };
  const now = options.now ?? Date.now;
  // Live lines need a terminal that says how big it is: a pseudo-terminal of 0 rows (some CI runners)
  // gets plain lines.
  const { isTTY, rows, columns } = options.stream;
  if (isTTY && !options.plain && (rows ?? 0) > 0 && (columns ?? 0) > 0) {
    return new LiveReporter(options.stream, now, options.refreshMs ?? 1000);
  }
  return new LineReporter(options.stream, now);
}

/** The part count of each model's `segmented` event, for its `done` line. */
class SegmentedCounts {
  private readonly parts = new Map<string, number>();

  /** Records a `segmented` event; returns the count recorded for the event's model (forgotten when it ends). */
  seen(event: PipelineEvent): number | undefined {
    if (!('model' in event)) return undefined;
    const slug = event.model.slug;
    if (event.type === 'segmented') this.parts.set(slug, event.parts);
    const parts = this.parts.get(slug);
    if (event.type === 'done' || event.type === 'failed' || event.type === 'skipped') this.parts.delete(slug);
    return parts;
  }
}

/** A request-slot wait shorter than this is not worth a line or a countdown. */
const WAIT_WORTH_SAYING_MS = 2000;

/** One line per state change (and per 25% of task progress). */
class LineReporter implements ProgressReporter {
  private readonly lastQuarter = new Map<string, number>();
  private readonly segmented = new SegmentedCounts();

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly now: () => number,
  ) {}

  log(line: string): void {
    safeWrite(this.stream, `${line}\n`);
  }

  stop(): void {}

  onEvent(event: PipelineEvent): void {
    if (event.type === 'progress') {
      const quarter = Math.floor(event.progress / 25);
      if (quarter <= (this.lastQuarter.get(event.model.slug) ?? -1)) return;
      this.lastQuarter.set(event.model.slug, quarter);
    }
    if (event.type === 'waiting' && event.nextSlotAt - this.now() < WAIT_WORTH_SAYING_MS) return;
    const line = describe(event, this.now(), this.segmented.seen(event));
    if (line) this.log(line);
  }
}

/** What a live line shows for one model in flight. */
interface Live {
  model: ModelRef;
  stage: string;
  /** A countdown shown after the stage: `next in 14 s`. */
  until?: { at: number; what: string };
}

/**
 * Live lines on a TTY (log-update redraws them in place): one per model in flight, saying what it
 * waits for and until when, redrawn every second so countdowns move; finished models leave their
 * line and print one that stays. Lines that stay are never cut; live lines are cut at the width.
 */
class LiveReporter implements ProgressReporter {
  private readonly live = new Map<string, Live>();
  private readonly segmented = new SegmentedCounts();
  private readonly update: ReturnType<typeof createLogUpdate>;
  private readonly timer: ReturnType<typeof setInterval>;
  private total = 0;
  private finished = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly now: () => number,
    refreshMs: number,
  ) {
    this.update = createLogUpdate(stream, { showCursor: true });
    this.timer = setInterval(() => this.render(), refreshMs);
    this.timer.unref();
  }

  log(line: string): void {
    if (isBroken(this.stream)) return;
    // Written by hand, not through log-update (which wraps and clips to the terminal's height): a
    // line that stays is never cut, whatever the terminal says about its size.
    this.update.clear();
    safeWrite(this.stream, `${line}\n`);
    this.render();
  }

  stop(): void {
    clearInterval(this.timer);
    if (isBroken(this.stream)) return;
    this.update.clear();
    this.update.done();
  }

  onEvent(event: PipelineEvent): void {
    const slug = 'model' in event ? event.model.slug : '';
    const entry = this.live.get(slug);
    const segmented = this.segmented.seen(event);
    switch (event.type) {
      case 'plan':
        this.total = event.plans.filter((plan) => plan.action !== 'skip' && plan.action !== 'blocked').length;
        this.log(describe(event, this.now()) ?? '');
        return;
      case 'start':
        if (event.action === 'skip' || event.action === 'blocked') return;
        this.live.set(slug, { model: event.model, stage: STARTING[event.action] ?? event.action });
        break;
      case 'waiting':
        if (entry) {
          entry.stage = `waiting for a request slot${event.ahead > 0 ? ` (${event.ahead} ahead)` : ''}`;
          entry.until = { at: event.nextSlotAt, what: 'next slot' };
        }
        break;
      case 'sending':
        if (entry) this.set(entry, 'uploading');
        break;
      case 'submitted':
        if (entry)
          this.set(entry, `task ${printable(event.taskId)}: ${event.resumed ? 'resumed' : 'submitted'}`);
        // Task ids stay on screen: they are what a user needs if anything goes wrong later.
        this.log(describe(event, this.now()) ?? '');
        return;
      case 'progress':
        if (entry) {
          const id = event.taskId ? `task ${printable(event.taskId)}: ` : '';
          entry.stage = `${id}${printable(event.status.toLowerCase())} ${Math.round(event.progress)}%`;
        }
        break;
      case 'next-poll':
        if (entry) entry.until = { at: event.at, what: 'next check' };
        break;
      case 'downloaded':
      case 'segmented':
        if (entry) this.set(entry, 'splitting');
        if (event.type === 'segmented') {
          this.log(describe(event, this.now()) ?? '');
          return;
        }
        break;
      case 'split':
        if (entry) this.set(entry, `writing the pack (${event.parts} parts)`);
        break;
      case 'skipped':
      case 'done':
      case 'failed':
        if (this.live.delete(slug)) this.finished++;
        this.log(describe(event, this.now(), segmented) ?? '');
        return;
    }
    this.render();
  }

  private set(entry: Live, stage: string): void {
    entry.stage = stage;
    delete entry.until;
  }

  private render(): void {
    if (isBroken(this.stream)) return;
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    const now = this.now();
    const lines = [...this.live.values()].map((entry) => {
      const left = entry.until ? entry.until.at - now : 0;
      const countdown = entry.until && left >= 1000 ? `, ${entry.until.what} in ${duration(left)}` : '';
      return fit(`  ${printable(entry.model.slug)}  ${entry.stage}${countdown}`, width);
    });
    const queued = this.total - this.finished - this.live.size;
    if (lines.length > 0 || queued > 0) {
      lines.push(
        fit(
          `  ${this.finished} of ${this.total} done, ${this.live.size} in flight${queued > 0 ? `, ${queued} queued` : ''}`,
          width,
        ),
      );
    }
    this.update(lines.join('\n'));
  }
}

const STARTING: Record<string, string> = {
  submit: 'checking the model before paying',
  resume: 'resuming its paid task',
  segment: 'segmenting locally',
  split: 'splitting the cached segmented GLB',
};

/** `14 s`, `2 min 05 s`. */
function duration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** Cut to `width` terminal columns (string-width), with an ellipsis. */
function fit(line: string, width: number): string {
  if (stringWidth(line) <= width) return line;
  let out = '';
  for (const char of line) {
    if (stringWidth(`${out}${char}…`) > width) break;
    out += char;
  }
  return `${out}…`;
}

/** Where each planned action comes in the plan line (a Record: a new action must be placed). */
const ACTION_ORDER: Record<PlannedAction, number> = {
  skip: 0,
  split: 1,
  resume: 2,
  submit: 3,
  segment: 4,
  blocked: 5,
};
const PLANNED_ACTIONS = (Object.keys(ACTION_ORDER) as PlannedAction[]).sort(
  (a, b) => ACTION_ORDER[a] - ACTION_ORDER[b],
);

function label(model: ModelRef): string {
  return printable(model.slug);
}

/**
 * The plain-line text of an event, made printable, or undefined for events not worth a line.
 * `segmented` is the part count of the model's `segmented` event, when there was one (for `done`).
 */
export function describe(
  event: PipelineEvent,
  now: number = Date.now(),
  segmented?: number,
): string | undefined {
  switch (event.type) {
    case 'plan': {
      // In a fixed order (what is free first), not in the order of the models: the same plan always
      // reads the same.
      const summary = PLANNED_ACTIONS.map(
        (action) => [action, event.plans.filter((plan) => plan.action === action).length] as const,
      )
        .filter(([, n]) => n > 0)
        .map(([action, n]) => `${n} ${action}`);
      // Inputs that failed before planning count too: the summary's "k of n" counts them.
      const missing = event.missing ?? 0;
      const unreadable = event.unreadable ?? 0;
      if (missing > 0) summary.push(`${missing} missing`);
      if (unreadable > 0) summary.push(`${unreadable} unreadable`);
      const models = event.plans.length + missing + unreadable;
      return `${models} model(s): ${summary.join(', ')}; up to ${event.credits} credits`;
    }
    case 'waiting':
      return `${label(event.model)}: waiting for a request slot, next in ${duration(event.nextSlotAt - now)}${event.ahead > 0 ? ` (${event.ahead} ahead)` : ''}`;
    case 'submitted':
      return (
        `${label(event.model)}: ${event.resumed ? 'resuming' : 'submitted'} task ${printable(event.taskId)}` +
        (event.journaled ? '' : ' (the journal could not record it: keep this id)')
      );
    case 'progress':
      return `${label(event.model)}: ${printable(event.status.toLowerCase())} ${Math.round(event.progress)}%`;
    case 'downloaded':
      return `${label(event.model)}: downloaded ${event.byteLength} bytes`;
    case 'segmented':
      return `${label(event.model)}: segmented locally into ${event.parts} part(s) (${printable(event.strategy)})`;
    case 'skipped':
      return `${label(event.model)}: skipped (${printable(event.reason)})`;
    case 'done': {
      const where = `-> ${printable(shortPath(event.result.packDir ?? ''))}/`;
      const files = event.result.parts;
      // The segmenter counts every part of the model; a pack holds one file per distinct part (a part
      // repeated in the model, a shared mesh, is one file with several placements): say both when
      // they differ, or the two lines seem to disagree.
      if (segmented === undefined || files === undefined || segmented === files)
        return `${label(event.model)}: ${files} part(s) ${where}`;
      return `${label(event.model)}: ${files} part file(s) for ${segmented} part(s) (repeated parts share one file) ${where}`;
    }
    case 'failed':
      return `${label(event.model)}: FAILED [${event.error.code}] ${printable(event.error.message)}`;
    default:
      // start, sending, next-poll, split: the live lines show them; plain logs need no line each.
      return undefined;
  }
}
