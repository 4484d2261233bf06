import { SEGMENTATION_CREDITS } from '@meshparts/client';
import { printable } from './output.js';
import { type ModelErrorCode, whatTheBalanceCovers } from './pipeline/errors.js';
import type { ModelResult } from './pipeline/events.js';
import type { PipelineRun, UnknownOutcome } from './pipeline/run-pipeline.js';
import { formatTable } from './table.js';

/**
 * The end-of-run summary (stderr) and the `--json` document (stdout). The JSON shape is part of the
 * CLI's contract for build tools: fields are only ever added. The summary prints every failed
 * model's whole reason (never cut at the terminal width) and, per kind of failure, what will fix it:
 * "rerun the same command" only for the failures a rerun resolves.
 */

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

/** What fixes a failure of each kind: the advice the summary gives, grouped. */
const NEXT_STEP: Record<ModelErrorCode, string> = {
  api: 'rerun the same command: it retries them, and resumes their paid tasks without paying again',
  output: 'make room or fix the output folder, then rerun the same command (paid tasks resume)',
  aborted: 'rerun the same command: paid tasks resume, models that were not sent are submitted',
  segment: 'rerun the same command to submit them again (a failed task is refunded)',
  split: 'their segmented GLB is kept: try other split options (--strategy, --max-parts) and rerun',
  input: 'fix or remove these files: a rerun refuses them the same way (nothing is paid for them)',
  'submission-unknown':
    'their submission may have created a task: check the wallet history, then rerun with --resubmit-unknown to submit them again (it may pay twice)',
  'result-expired': 'their results expired: rerun with --resubmit-expired to pay for new segmentations',
  'task-gone':
    'the API no longer knows their tasks: rerun with --resubmit-expired to pay for new segmentations',
  'credit-limit': 'not submitted within --max-credits: rerun with a higher --max-credits to submit them',
};

/** The summary: the table, the totals, every failure in full, and what to do about each kind. */
export function summaryTable(run: PipelineRun): string {
  const rows = run.results.map((r) => [
    r.model.file,
    r.parts === undefined ? '-' : String(r.parts),
    String(r.credits),
    formatDuration(r.durationMs),
    r.error ? `failed: ${r.error.code}` : r.outcome,
  ]);
  const failed = run.results.filter((r) => r.outcome === 'failed');
  const lines = [
    formatTable(['model', 'parts', 'credits', 'time', 'outcome'], rows),
    `${run.results.length - failed.length} of ${run.results.length} model(s) ok, ${run.spentCredits} credit(s) spent` +
      (failed.length > 0 ? `, ${failed.length} failed` : ''),
  ];
  if (run.unknownCredits > 0) {
    const submissions = run.results.filter((r) => (r.unknownCredits ?? 0) > 0).length;
    lines.push(unknownLine(submissions, run.unknownCredits, run.unknownOutcome));
  }
  if (failed.length > 0) {
    lines.push('', 'failed:', ...failureLines(failed), '', 'next:', ...nextSteps(failed));
  }
  return lines.join('\n');
}

/** One line per failed model: its file, code and whole reason (printable, never cut). */
export function failureLines(failed: readonly ModelResult[]): string[] {
  return failed.map(
    (r) =>
      `  ${printable(r.model.file)}: [${r.error?.code ?? 'failed'}] ${printable(r.error?.message ?? '')}`,
  );
}

/** The advice for each kind of failure present, with how many models it concerns. */
export function nextSteps(failed: readonly ModelResult[]): string[] {
  const counts = new Map<ModelErrorCode, number>();
  // A paid task the journal could not record is not resumed by a rerun (it is held as
  // submission-unknown): its own line, whatever failed it.
  const unrecorded = failed.filter((r) => r.error?.taskJournaled === false);
  for (const r of failed)
    if (r.error && r.error.taskJournaled !== false)
      counts.set(r.error.code, (counts.get(r.error.code) ?? 0) + 1);
  // Cancelled offline, nothing was paid or sent: the rerun just does them (no tasks to resume).
  const offline = failed.every((r) => r.segmenter === 'local');
  const steps = [...counts].map(
    ([code, n]) =>
      `  ${n} ${code}: ${code === 'aborted' && offline ? 'rerun the same command: it does them (nothing was paid)' : NEXT_STEP[code]}`,
  );
  if (unrecorded.length > 0) {
    steps.push(
      `  ${unrecorded.length} with a paid task the journal could not record: fetch each result with \`meshparts segment --task <id> -o <file>.glb\` (ids above); a rerun holds them as submission-unknown instead of resuming them`,
    );
  }
  return steps;
}

/** What is known of the credits of submissions whose outcome is unknown. */
function unknownLine(submissions: number, credits: number, outcome: UnknownOutcome | undefined): string {
  const head = `outcome unknown: ${submissions} submission(s) may have cost up to ${credits} more credit(s)`;
  if (!outcome) return `${head} (the wallet could not be read to tell)`;
  const seen = `the wallet went from ${outcome.before} to ${outcome.after}, ${outcome.unexplained} more than the accepted submissions (${outcome.accounted})`;
  if (outcome.unexplained === 0) {
    return `${head}: ${seen}, so they were most likely not charged (another use of the account at the same time would blur this)`;
  }
  return `${head}: ${seen}, so they most likely created tasks: do not resubmit them unless the wallet history says otherwise`;
}

/** The dry-run plan table: model, action, credits, why. */
export function planTable(run: PipelineRun): string {
  const rows = run.plans.map((p) => [p.model.file, p.action, String(p.credits), p.reason]);
  let text = `${formatTable(['model', 'action', 'credits', 'why'], rows)}\nwould spend up to ${run.plannedCredits} credit(s)`;
  if (run.balance !== undefined) {
    text += `; balance ${run.balance} credit(s): ${
      run.balance >= run.plannedCredits
        ? 'enough'
        : `NOT enough (${run.plannedCredits - run.balance} short). ${whatTheBalanceCovers(run.balance, SEGMENTATION_CREDITS)}`
    }`;
  }
  return text;
}

/** Whether a dry run's plan can be paid for (no balance read: nothing to pay, or no key). */
export function balanceCovers(run: PipelineRun): boolean {
  return run.balance === undefined || run.balance >= run.plannedCredits;
}

/** The `--json` document of `meshparts run`. */
export function runJson(run: PipelineRun): Record<string, unknown> {
  const plans = new Map(run.plans.map((plan) => [plan.model.file, plan]));
  return {
    segmenter: run.segmenter,
    dryRun: run.dryRun,
    outDir: run.outDir,
    catalog: run.dryRun || run.catalogError || run.nothingCataloged ? null : run.catalogPath,
    ...(run.catalogError ? { catalogError: run.catalogError } : {}),
    gallery: run.galleryPath ?? null,
    ...(run.galleryError ? { galleryError: run.galleryError } : {}),
    plannedCredits: run.plannedCredits,
    spentCredits: run.spentCredits,
    unknownCredits: run.unknownCredits,
    ...(run.unknownOutcome ? { unknownOutcome: run.unknownOutcome } : {}),
    ...(run.balance !== undefined ? { balance: run.balance } : {}),
    ok: run.results.every((r) => r.outcome !== 'failed') && !run.catalogError,
    results: run.results.map((r) => ({
      file: r.model.file,
      slug: r.model.slug,
      sha256: r.model.sha256,
      outcome: r.outcome,
      action: r.action,
      reason: plans.get(r.model.file)?.reason ?? null,
      segmenter: r.segmenter,
      packDir: r.packDir ?? null,
      manifest: r.manifestPath ?? null,
      parts: r.parts ?? null,
      taskId: r.taskId ?? null,
      credits: r.credits,
      ...(r.unknownCredits ? { unknownCredits: r.unknownCredits } : {}),
      durationMs: r.durationMs,
      error: r.error ? r.error.toJSON() : null,
    })),
  };
}
