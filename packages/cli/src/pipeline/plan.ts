import { SEGMENTATION_CREDITS } from '@meshparts/client';
import type { ModelPlan, ModelRef, SegmenterName } from './events.js';
import type { JournalHistory } from './journal.js';
import type { CompletePack } from './pack-check.js';

export interface PlanInputs {
  model: ModelRef;
  segmenter: SegmenterName;
  history: JournalHistory;
  /** The pack on disk when it is complete for this input and segmenter. */
  pack: CompletePack | undefined;
  /** Whether the segmented GLB is cached (and its entry checked: see cache.ts). */
  cached: boolean;
  /** The cache entry was damaged (its hash did not match the journal) and is fetched again. */
  cacheDamaged?: boolean;
  /** Fingerprint of this run's split settings. */
  splitKey: string;
  resubmitUnknown: boolean;
  resubmitExpired: boolean;
}

/** Journal states whose task id a rerun resumes (polls, then downloads its result: no credits). */
const RESUMABLE: ReadonlySet<string> = new Set(['submitted', 'finished', 'downloaded', 'packed']);

/**
 * Decides what to do with one model, from what is on disk and in the journal, cheapest first:
 * a complete pack made with the same split settings → skip; a cached segmented GLB → split only;
 * a journaled paid task → resume it; a submission of unknown outcome (an `unknown` line, or an intent
 * record `submitting` with nothing after it), an expired result or a task the API no longer knows →
 * blocked unless allowed; otherwise segment (local, free) or submit (tripo, 80 credits; an `unpaid`
 * submission created nothing and is submitted again). Pure: no I/O, so `--dry-run` and the real run
 * agree. (The checks of the whole run come after: see run-plan.ts.)
 */
export function planModel(inputs: PlanInputs): ModelPlan {
  const { model, segmenter, history, pack, cached } = inputs;
  const base = { model, credits: 0 };
  if (pack) {
    const packedKey = history.packedSplitKey(model.sha256, segmenter, model.slug);
    if (packedKey === undefined || packedKey === inputs.splitKey) {
      return { ...base, action: 'skip', reason: 'pack complete, input unchanged' };
    }
    if (!cached && segmenter === 'tripo') {
      // The new options need the segmented GLB again: its paid task gives it for free. A task that can
      // no longer give it (expired, gone, or none journaled) leaves the pack as it is: paying again
      // for a model that has a complete pack is the user's call.
      const latest = history.latest(model.sha256, 'tripo');
      if (latest?.taskId && RESUMABLE.has(latest.state)) {
        return {
          ...base,
          action: 'resume',
          taskId: latest.taskId,
          reason: `split options changed and the segmented GLB is not cached${inputs.cacheDamaged ? ' (it was damaged)' : ''}: fetch paid task ${latest.taskId} again`,
        };
      }
      return {
        ...base,
        action: 'skip',
        reason:
          'pack complete; split options changed, but the segmented GLB is not cached and no paid task can give it again (delete the pack to pay for a new segmentation)',
      };
    }
  }
  if (cached) return { ...base, action: 'split', reason: 'segmented GLB cached' };
  const damaged = inputs.cacheDamaged ? 'the cached segmented GLB was damaged: ' : '';
  if (segmenter === 'local') {
    return { ...base, action: 'segment', reason: `${damaged}local segmenter (free)` };
  }

  const entry = history.latest(model.sha256, 'tripo');
  const taskId = entry?.taskId;
  if (entry && taskId && RESUMABLE.has(entry.state)) {
    return { ...base, action: 'resume', taskId, reason: `${damaged}resume paid task ${taskId}` };
  }
  switch (entry?.state) {
    case 'submitting':
      if (!inputs.resubmitUnknown) {
        return {
          ...base,
          action: 'blocked',
          blockedBy: 'submission-unknown',
          reason: `a submission was being sent at ${entry.at} when meshparts stopped, and no task id was written down: it may have created a task; not resubmitted without --resubmit-unknown (check the wallet history first: it may pay twice)`,
        };
      }
      break;
    case 'unknown':
      if (!inputs.resubmitUnknown) {
        return {
          ...base,
          action: 'blocked',
          blockedBy: 'submission-unknown',
          reason:
            'an earlier submission may have created a task (no task id came back); not resubmitted without --resubmit-unknown (check the wallet history first: it may pay twice)',
        };
      }
      break;
    case 'failed':
      if (entry.reason === 'expired' && !inputs.resubmitExpired) {
        return {
          ...base,
          action: 'blocked',
          blockedBy: 'result-expired',
          ...(taskId ? { taskId } : {}),
          reason: `the result of task ${taskId ?? '?'} expired before it was downloaded; resubmitting costs ${SEGMENTATION_CREDITS} credits: use --resubmit-expired`,
        };
      }
      if (entry.reason === 'gone' && !inputs.resubmitExpired) {
        return {
          ...base,
          action: 'blocked',
          blockedBy: 'task-gone',
          ...(taskId ? { taskId } : {}),
          reason: `the API no longer knows task ${taskId ?? '?'} (it answered 404), so its result cannot be fetched; resubmitting costs ${SEGMENTATION_CREDITS} credits: use --resubmit-expired`,
        };
      }
      break;
  }
  return {
    ...base,
    action: 'submit',
    credits: SEGMENTATION_CREDITS,
    reason: `${damaged}new submission (${SEGMENTATION_CREDITS} credits)`,
  };
}
