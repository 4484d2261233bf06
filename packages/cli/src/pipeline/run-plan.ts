import { SEGMENTATION_CREDITS } from '@meshparts/client';
import pLimit from 'p-limit';
import type { SegmentCache } from './cache.js';
import type { ModelPlan, ModelRef, SegmenterName } from './events.js';
import type { JournalHistory } from './journal.js';
import type { CompletePack } from './pack-check.js';
import { planModel } from './plan.js';
import type { ModelLimits } from './split-api.js';
import { refusalBeforePaying } from './upload-check.js';

/**
 * The plan of a whole run, from each model's own plan (plan.ts) and what only the run knows: identical
 * inputs are paid once, every planned submission passes the free checks before paying (upload-check.ts)
 * or is blocked as bad input, and `maxCredits` is a budget: submissions beyond it, in input order, are
 * blocked as `credit-limit` and left for a later run. `--dry-run`, the balance check and the run itself
 * all use this one plan, so the credits they report are what the run can spend.
 */

export interface RunPlanInputs {
  models: readonly ModelRef[];
  segmenter: SegmenterName;
  history: JournalHistory;
  cache: SegmentCache;
  splitKey: string;
  resubmitUnknown: boolean;
  resubmitExpired: boolean;
  /** The spend limit of the run, if any. */
  maxCredits: number | undefined;
  limits: Partial<ModelLimits>;
  maxUploadBytes: number;
  /** Whether a damaged cache entry may be removed (not in a dry run, which writes nothing). */
  dropDamaged: boolean;
  /** The pack of a model when it is complete for this input and segmenter. */
  packOf: (model: ModelRef) => Promise<CompletePack | undefined>;
}

export async function planRun(run: RunPlanInputs): Promise<ModelPlan[]> {
  // Disk-bound (packs are hashed, cache entries checked, models read): two models at a time.
  const limit = pLimit(2);
  const plans = await Promise.all(run.models.map((model) => limit(() => planOne(model, run))));
  dedupeSubmissions(plans);
  await Promise.all(
    plans.map((plan) =>
      plan.action === 'submit' && plan.credits > 0 ? limit(() => checkBeforePaying(plan, run)) : undefined,
    ),
  );
  // A copy of a refused input would wait for a segmentation that never starts: refused with it.
  const refused = new Map(
    plans.filter((p) => p.blockedBy === 'input').map((p) => [p.model.sha256, p.reason]),
  );
  for (const plan of plans) {
    const reason = refused.get(plan.model.sha256);
    if (plan.action === 'submit' && reason !== undefined) block(plan, 'input', reason);
  }
  applyBudget(plans, run.maxCredits);
  return plans;
}

function block(plan: ModelPlan, by: NonNullable<ModelPlan['blockedBy']>, reason: string): void {
  plan.action = 'blocked';
  plan.blockedBy = by;
  plan.credits = 0;
  plan.reason = reason;
}

async function planOne(model: ModelRef, run: RunPlanInputs): Promise<ModelPlan> {
  const base = {
    model,
    segmenter: run.segmenter,
    history: run.history,
    splitKey: run.splitKey,
    resubmitUnknown: run.resubmitUnknown,
    resubmitExpired: run.resubmitExpired,
  };
  const pack = await run.packOf(model);
  // The pack alone may settle it (complete, made with these split options): the cache is not needed.
  const first = planModel({ ...base, pack, cached: false });
  if (first.action === 'skip' && first.reason === 'pack complete, input unchanged') return first;
  const recorded = run.history.cacheSha256(run.cache.fileName(model.sha256));
  const state = await run.cache.check(model.sha256, recorded);
  if (state === 'damaged' && run.dropDamaged) await run.cache.drop(model.sha256);
  return planModel({ ...base, pack, cached: state === 'ok', cacheDamaged: state === 'damaged' });
}

/** Identical inputs (same sha256) are segmented once: only the first pays. */
function dedupeSubmissions(plans: ModelPlan[]): void {
  const seen = new Set<string>();
  for (const plan of plans) {
    if (plan.action !== 'submit') continue;
    if (seen.has(plan.model.sha256)) {
      plan.credits = 0;
      plan.reason = 'same content as another input: segmented once';
    }
    seen.add(plan.model.sha256);
  }
}

async function checkBeforePaying(plan: ModelPlan, run: RunPlanInputs): Promise<void> {
  const refusal = await refusalBeforePaying(plan.model.file, run.limits, run.maxUploadBytes);
  if (refusal !== undefined) block(plan, 'input', `refused before paying: ${refusal}`);
}

/** `maxCredits` spent in input order; the submissions beyond it wait for a later run. */
function applyBudget(plans: ModelPlan[], maxCredits: number | undefined): void {
  if (maxCredits === undefined) return;
  let spent = 0;
  const blocked = new Set<string>();
  for (const plan of plans) {
    if (plan.action !== 'submit') continue;
    // A copy of a blocked input would wait for a segmentation that never comes: blocked with it.
    if (plan.credits === 0 && !blocked.has(plan.model.sha256)) continue;
    if (plan.credits > 0 && spent + plan.credits <= maxCredits) {
      spent += plan.credits;
      continue;
    }
    blocked.add(plan.model.sha256);
    block(
      plan,
      'credit-limit',
      `not submitted: --max-credits ${maxCredits} is spent on the models before it (${SEGMENTATION_CREDITS} credits each); a later run submits it`,
    );
  }
}
