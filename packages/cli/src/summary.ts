import { formatTable } from './output.js';
import type { PipelineRun } from './pipeline/run-pipeline.js';

/**
 * The end-of-run summary table (stderr) and the `--json` document (stdout). The JSON shape is part
 * of the CLI's contract for build tools: fields are only ever added.
 */

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

/** The summary table: model, parts, credits, time, outcome. */
export function summaryTable(run: PipelineRun): string {
  const rows = run.results.map((r) => [
    r.model.file,
    r.parts === undefined ? '-' : String(r.parts),
    String(r.credits),
    formatDuration(r.durationMs),
    r.error ? `failed: ${r.error.code}` : r.outcome,
  ]);
  const failed = run.results.filter((r) => r.outcome === 'failed').length;
  const footer =
    `${run.results.length - failed} of ${run.results.length} model(s) ok, ${run.spentCredits} credit(s) spent` +
    (failed > 0 ? `, ${failed} failed (rerun the same command to retry; paid tasks resume)` : '');
  return `${formatTable(['model', 'parts', 'credits', 'time', 'outcome'], rows)}\n${footer}`;
}

/** The dry-run plan table: model, action, credits, why. */
export function planTable(run: PipelineRun): string {
  const rows = run.plans.map((p) => [p.model.file, p.action, String(p.credits), p.reason]);
  let text = `${formatTable(['model', 'action', 'credits', 'why'], rows)}\nwould spend up to ${run.plannedCredits} credit(s)`;
  if (run.balance !== undefined) {
    text += `; balance ${run.balance} credit(s): ${run.balance >= run.plannedCredits ? 'enough' : 'NOT enough'}`;
  }
  return text;
}

/** The `--json` document of `meshparts run`. */
export function runJson(run: PipelineRun): Record<string, unknown> {
  return {
    segmenter: run.segmenter,
    dryRun: run.dryRun,
    outDir: run.outDir,
    catalog: run.dryRun || run.catalogError ? null : run.catalogPath,
    ...(run.catalogError ? { catalogError: run.catalogError } : {}),
    plannedCredits: run.plannedCredits,
    spentCredits: run.spentCredits,
    ...(run.balance !== undefined ? { balance: run.balance } : {}),
    ok: run.results.every((r) => r.outcome !== 'failed') && !run.catalogError,
    results: run.results.map((r, i) => ({
      file: r.model.file,
      slug: r.model.slug,
      sha256: r.model.sha256,
      outcome: r.outcome,
      action: r.action,
      reason: run.plans[i]?.reason ?? null,
      segmenter: r.segmenter,
      packDir: r.packDir ?? null,
      manifest: r.manifestPath ?? null,
      parts: r.parts ?? null,
      taskId: r.taskId ?? null,
      credits: r.credits,
      durationMs: r.durationMs,
      error: r.error ? r.error.toJSON() : null,
    })),
  };
}
