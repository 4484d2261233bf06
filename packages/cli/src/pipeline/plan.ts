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
  /** Whether the segmented GLB is cached. */
  cached: boolean;
  /** Fingerprint of this run's split settings. */
  splitKey: string;
  resubmitUnknown: boolean;
  resubmitExpired: boolean;
}

/**
 * Decides what to do with one model, from what is on disk and in the journal, cheapest first:
 * a complete pack made with the same split settings → skip; a cached segmented GLB → split only;
 * a journaled paid task → resume it; an unknown or expired submission → blocked unless allowed;
 * otherwise segment (local, free) or submit (tripo, 80 credits). Pure: no I/O, so `--dry-run`
 * and the real run agree.
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
      return {
        ...base,
        action: 'skip',
        reason:
          'pack complete; split options changed but the segmented GLB is not cached (delete the pack to segment again)',
      };
    }
  }
  if (cached) return { ...base, action: 'split', reason: 'segmented GLB cached' };
  if (segmenter === 'local') return { ...base, action: 'segment', reason: 'local segmenter (free)' };

  const entry = history.latest(model.sha256, 'tripo');
  const taskId = entry?.taskId;
  switch (entry?.state) {
    case 'submitted':
    case 'finished':
    case 'downloaded':
    case 'packed':
      if (taskId) return { ...base, action: 'resume', taskId, reason: `resume paid task ${taskId}` };
      break;
    case 'unknown':
      if (!inputs.resubmitUnknown) {
        return {
          ...base,
          action: 'blocked',
          blockedBy: 'submission-unknown',
          reason:
            'an earlier submission may have created a task (no task id came back); not resubmitted without --resubmit-unknown',
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
      break;
  }
  return {
    ...base,
    action: 'submit',
    credits: SEGMENTATION_CREDITS,
    reason: `new submission (${SEGMENTATION_CREDITS} credits)`,
  };
}
