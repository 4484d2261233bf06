import cliProgress from 'cli-progress';
import type { ModelRef, PipelineEvent } from './pipeline/events.js';
import { shortPath } from './short-path.js';

/**
 * Shows a run's progress on stderr: one bar per model in flight on a TTY (cli-progress), plain lines
 * otherwise (CI logs, pipes), nothing with `quiet`. stdout is never touched, so `--json` output stays
 * pure. Events carry task ids and paths only; the API key never reaches this module.
 */

export interface ProgressReporter {
  onEvent(event: PipelineEvent): void;
  /** A line above the bars (or a plain line). */
  log(line: string): void;
  /** Removes the bars; call before printing the summary. */
  stop(): void;
}

export interface ProgressOptions {
  stream: NodeJS.WriteStream;
  quiet: boolean;
  /** Force plain lines even on a TTY. */
  plain?: boolean;
}

export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  if (options.quiet) return { onEvent: () => {}, log: () => {}, stop: () => {} };
  if (options.stream.isTTY && !options.plain) return new BarReporter(options.stream);
  return new LineReporter(options.stream);
}

/** One line per state change (and per 25% of task progress). */
class LineReporter implements ProgressReporter {
  private readonly lastQuarter = new Map<string, number>();

  constructor(private readonly stream: NodeJS.WriteStream) {}

  log(line: string): void {
    this.stream.write(`${line}\n`);
  }

  stop(): void {}

  onEvent(event: PipelineEvent): void {
    const line = describe(event);
    if (event.type === 'progress') {
      const quarter = Math.floor(event.progress / 25);
      if (quarter <= (this.lastQuarter.get(event.model.slug) ?? -1)) return;
      this.lastQuarter.set(event.model.slug, quarter);
    }
    if (line) this.log(line);
  }
}

/** A cli-progress MultiBar: a bar per model in flight, finished lines logged above. */
class BarReporter implements ProgressReporter {
  private readonly multibar: cliProgress.MultiBar;
  private readonly bars = new Map<string, cliProgress.SingleBar>();

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.multibar = new cliProgress.MultiBar(
      {
        stream,
        format: ' {bar} {percentage}% | {model} | {stage}',
        hideCursor: true,
        clearOnComplete: true,
        barsize: 24,
        autopadding: true,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  log(line: string): void {
    // cli-progress only flushes its log buffer while bars are drawn: write directly otherwise.
    if (this.multibar.isActive) this.multibar.log(`${line}\n`);
    else this.stream.write(`${line}\n`);
  }

  stop(): void {
    if (this.multibar.isActive) this.multibar.update(); // flush lines logged since the last redraw
    this.multibar.stop();
  }

  onEvent(event: PipelineEvent): void {
    switch (event.type) {
      case 'plan':
        this.log(describe(event) ?? '');
        return;
      case 'start':
        if (event.action !== 'skip') {
          this.bars.set(
            event.model.slug,
            this.multibar.create(100, 0, { model: label(event.model), stage: event.action }),
          );
        }
        return;
      case 'submitted':
        this.update(event.model, 5, event.resumed ? `resumed ${event.taskId}` : `submitted ${event.taskId}`);
        return;
      case 'progress':
        this.update(event.model, 5 + Math.round(event.progress * 0.8), event.status.toLowerCase());
        return;
      case 'downloaded':
      case 'segmented':
        this.update(event.model, 88, 'splitting');
        return;
      case 'split':
        this.update(event.model, 100, `${event.parts} parts`);
        return;
      case 'skipped':
      case 'done':
      case 'failed':
        this.finish(event.model);
        this.log(describe(event) ?? '');
        return;
      default:
        return;
    }
  }

  private update(model: ModelRef, value: number, stage: string): void {
    this.bars.get(model.slug)?.update(value, { stage });
  }

  private finish(model: ModelRef): void {
    const bar = this.bars.get(model.slug);
    if (!bar) return;
    bar.stop();
    this.multibar.remove(bar);
    this.bars.delete(model.slug);
  }
}

function label(model: ModelRef): string {
  return model.slug;
}

/** The plain-line text of an event, or undefined for events that are not worth a line. */
export function describe(event: PipelineEvent): string | undefined {
  switch (event.type) {
    case 'plan': {
      const counts = new Map<string, number>();
      for (const plan of event.plans) counts.set(plan.action, (counts.get(plan.action) ?? 0) + 1);
      const summary = [...counts].map(([action, n]) => `${n} ${action}`).join(', ');
      return `${event.plans.length} model(s): ${summary}; up to ${event.credits} credits`;
    }
    case 'start':
      return undefined; // the plan line already counts the actions
    case 'submitted':
      return `${label(event.model)}: ${event.resumed ? 'resuming' : 'submitted'} task ${event.taskId}`;
    case 'progress':
      return `${label(event.model)}: ${event.status.toLowerCase()} ${Math.round(event.progress)}%`;
    case 'downloaded':
      return `${label(event.model)}: downloaded ${event.byteLength} bytes`;
    case 'segmented':
      return `${label(event.model)}: segmented locally into ${event.parts} part(s) (${event.strategy})`;
    case 'split':
      return undefined; // the done line says it
    case 'skipped':
      return `${label(event.model)}: skipped (${event.reason})`;
    case 'done':
      return `${label(event.model)}: ${event.result.parts} part(s) -> ${shortPath(event.result.packDir ?? '')}/`;
    case 'failed':
      return `${label(event.model)}: FAILED [${event.error.code}] ${event.error.message}`;
  }
}
