import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SEGMENTATION_CREDITS } from '@meshparts/client';
import { ModelLimitError, ModelReadError, SplitError } from '@meshparts/split/options';
import type { SegmentCache } from './cache.js';
import { assertRoomForResult } from './disk-room.js';
import { ModelError, messageOf, outputErrorCode } from './errors.js';
import type { ModelPlan, ModelRef, ModelResult, PipelineEvent, SegmenterName } from './events.js';
import type { Journal } from './journal.js';
import { readCompletePack } from './pack-check.js';
import {
  downloadResult,
  isInputRejected,
  isResultExpired,
  isTaskFailed,
  type StudioClient,
  submissionSurelyRejected,
  submitSegmentation,
  waitForResult,
} from './segmenters.js';
import { packSegmented, type SplitOptions, segmentFileLocally } from './split-api.js';

/** What every model of a run shares. Built once per run by runPipeline; no module state. */
export interface RunContext {
  outDir: string;
  segmenter: SegmenterName;
  journal: Journal;
  cache: SegmentCache;
  client: StudioClient | undefined;
  settings: SplitOptions;
  splitKey: string;
  waitTimeoutMs: number | undefined;
  signal: AbortSignal | undefined;
  emit: (event: PipelineEvent) => void;
  /** In-flight segmentations by input sha256, so identical inputs are segmented (and paid) once. */
  shared: Map<string, Promise<unknown>>;
}

interface Segmented {
  path: string;
  taskId: string | null;
}

/**
 * What a model has paid for so far in this run: 80 credits once its submission is accepted (0 again if
 * refunded), and the task id, so a failure at any later step still reports the paid task.
 */
interface Spend {
  credits: number;
  taskId?: string;
}

/**
 * Takes one model from its plan to a pack. Never throws: a failure becomes the model's `error`
 * (a ModelError with a stable code, and the task id whenever a paid task exists).
 */
export async function processModel(context: RunContext, plan: ModelPlan): Promise<ModelResult> {
  const { model } = plan;
  const started = Date.now();
  const base = { model, segmenter: context.segmenter, action: plan.action };
  context.emit({ type: 'start', model, action: plan.action });
  const spend: Spend = { credits: 0 };
  let taskId: string | undefined = plan.taskId;
  try {
    const packDir = join(context.outDir, model.slug);
    if (plan.action === 'skip') {
      const pack = await readCompletePack(packDir, model.sha256, context.segmenter);
      if (!pack) throw new ModelError('split', `the pack in ${packDir} changed during the run`);
      const result: ModelResult = {
        ...base,
        outcome: 'skipped',
        packDir,
        manifestPath: pack.manifestPath,
        parts: pack.parts,
        ...(pack.taskId ? { taskId: pack.taskId } : {}),
        credits: 0,
        durationMs: Date.now() - started,
      };
      context.emit({ type: 'skipped', model, reason: plan.reason, result });
      return result;
    }
    if (plan.action === 'blocked') {
      throw new ModelError(plan.blockedBy ?? 'submission-unknown', plan.reason, plan.taskId);
    }
    const segmented = await segmentShared(context, plan, spend);
    taskId = segmented.taskId ?? undefined;
    const packed = await split(context, model, segmented, packDir);
    try {
      await context.journal.append({
        sha256: model.sha256,
        file: model.file,
        state: 'packed',
        segmenter: context.segmenter,
        ...(taskId ? { taskId } : {}),
        pack: model.slug,
        splitKey: context.splitKey,
      });
    } catch (error) {
      // The pack is complete on disk, which is what a rerun checks; the line only records the split
      // settings. A full disk here does not undo a finished model.
      if (!outputErrorCode(error)) throw error;
    }
    const result: ModelResult = {
      ...base,
      outcome: 'packed',
      packDir,
      manifestPath: packed.manifestPath,
      parts: packed.parts,
      ...(taskId ? { taskId } : {}),
      credits: spend.credits,
      durationMs: Date.now() - started,
    };
    context.emit({ type: 'done', model, result });
    return result;
  } catch (error) {
    const modelError = toModelError(error, taskId ?? spend.taskId, context.signal, context.outDir);
    if (modelError.taskId) taskId = modelError.taskId;
    const result: ModelResult = {
      ...base,
      outcome: 'failed',
      ...(taskId ? { taskId } : {}),
      credits: spend.credits,
      durationMs: Date.now() - started,
      error: modelError,
    };
    context.emit({ type: 'failed', model, error: modelError, result });
    return result;
  }
}

/** Segments once per input sha256; a second model with the same content waits for the first. */
async function segmentShared(context: RunContext, plan: ModelPlan, spend: Spend): Promise<Segmented> {
  const key = plan.model.sha256;
  const existing = context.shared.get(key) as Promise<Segmented> | undefined;
  if (existing) return existing;
  const work = segment(context, plan, spend);
  context.shared.set(key, work);
  return work;
}

async function segment(context: RunContext, plan: ModelPlan, spend: Spend): Promise<Segmented> {
  const { model } = plan;
  const { cache, segmenter } = context;
  if (plan.action === 'split') {
    const entry = context.journal.history.latest(model.sha256, segmenter);
    return { path: cache.path(model.sha256), taskId: entry?.taskId ?? null };
  }
  if (plan.action === 'segment') {
    if (!/\.(glb|gltf)$/i.test(model.file)) {
      throw new ModelError(
        'input',
        `the local segmenter reads .glb and .gltf only; ${basename(model.file)} needs the tripo segmenter (an API key)`,
      );
    }
    let local: Awaited<ReturnType<typeof segmentFileLocally>>;
    try {
      local = await segmentFileLocally(
        model.file,
        context.settings.labels,
        context.settings.limits,
        context.settings.granularity,
      );
    } catch (error) {
      const code = isInputError(error) ? 'input' : 'segment';
      throw new ModelError(code, messageOf(error), undefined, { cause: error });
    }
    if (local.parts === 0)
      throw new ModelError('input', `${model.file} has no mesh in its scene: nothing to segment`);
    const path = await cache.put(model.sha256, local.bytes);
    context.emit({ type: 'segmented', model, parts: local.parts, strategy: local.strategy });
    return { path, taskId: null };
  }
  const client = context.client;
  if (!client) throw new ModelError('api', 'no API client for the tripo segmenter');
  if (plan.action === 'resume' && plan.taskId) {
    context.emit({ type: 'submitted', model, taskId: plan.taskId, resumed: true });
    // The journal's `submitted` line is the task's creation time: its age and pace aim the polls.
    const entry = context.journal.history.latest(model.sha256, 'tripo');
    const createdAt = entry?.state === 'submitted' ? entry.at : undefined;
    const path = await waitAndDownload(context, client, model, plan.taskId, spend, createdAt);
    return { path, taskId: plan.taskId };
  }
  const taskId = await submit(context, client, model, spend);
  const path = await waitAndDownload(context, client, model, taskId, spend);
  return { path, taskId };
}

/** The paid step: the task id is journaled (fsync'd) before anything else happens. */
async function submit(
  context: RunContext,
  client: StudioClient,
  model: ModelRef,
  spend: Spend,
): Promise<string> {
  await assertRoomForResult(context.outDir, model.file);
  let taskId: string;
  try {
    taskId = await submitSegmentation(client, model.file, context.signal);
  } catch (error) {
    // Cancelling during the upload is no proof that no task was created: it counts as unknown too.
    if (submissionSurelyRejected(error)) {
      throw new ModelError(isInputRejected(error) ? 'input' : 'api', messageOf(error), undefined, {
        cause: error,
      });
    }
    spend.credits = SEGMENTATION_CREDITS; // possibly spent: count it, never under-report
    await context.journal.append({
      sha256: model.sha256,
      file: model.file,
      state: 'unknown',
      segmenter: 'tripo',
      reason: messageOf(error),
    });
    throw new ModelError(
      'submission-unknown',
      `the submission may have created a task, but no task id came back (${messageOf(error)}); not resubmitted: check your wallet, then rerun with --resubmit-unknown to pay again`,
      undefined,
      { cause: error },
    );
  }
  spend.credits = SEGMENTATION_CREDITS;
  spend.taskId = taskId;
  try {
    await context.journal.append({
      sha256: model.sha256,
      file: model.file,
      state: 'submitted',
      segmenter: 'tripo',
      taskId,
    });
  } catch (error) {
    // The one case where a paid task id is not on disk: say so plainly, with the id.
    throw new ModelError(
      'output',
      `task ${taskId} is paid but could not be journaled (${messageOf(error)}); keep its id: a rerun cannot find it`,
      taskId,
      { cause: error },
    );
  }
  context.emit({ type: 'submitted', model, taskId, resumed: false });
  return taskId;
}

async function waitAndDownload(
  context: RunContext,
  client: StudioClient,
  model: ModelRef,
  taskId: string,
  spend: Spend,
  createdAt?: string,
): Promise<string> {
  const journal = (state: 'finished' | 'downloaded' | 'failed', reason?: string) =>
    context.journal.append({
      sha256: model.sha256,
      file: model.file,
      state,
      segmenter: 'tripo',
      taskId,
      ...(reason ? { reason } : {}),
    });
  let url: string;
  try {
    url = await waitForResult(client, taskId, {
      ...(context.signal ? { signal: context.signal } : {}),
      ...(context.waitTimeoutMs !== undefined ? { timeoutMs: context.waitTimeoutMs } : {}),
      ...(createdAt !== undefined ? { createdAt } : {}),
      onProgress: ({ status, progress }) =>
        context.emit({ type: 'progress', model, taskId, status, progress }),
    });
  } catch (error) {
    if (isTaskFailed(error)) {
      spend.credits = 0; // the provider refunds a failed task
      await journal('failed', 'task-failed');
      throw new ModelError('segment', messageOf(error), taskId, { cause: error });
    }
    throw error;
  }
  await journal('finished');
  try {
    const target = context.cache.path(model.sha256);
    const { byteLength } = await downloadResult(client, url, target, context.signal);
    await journal('downloaded');
    context.emit({ type: 'downloaded', model, taskId, path: target, byteLength });
    return target;
  } catch (error) {
    if (isResultExpired(error)) {
      await journal('failed', 'expired');
      throw new ModelError(
        'result-expired',
        `the result of task ${taskId} expired before it was downloaded; rerun with --resubmit-expired to pay for a new segmentation`,
        taskId,
        { cause: error },
      );
    }
    throw error;
  }
}

async function split(
  context: RunContext,
  model: ModelRef,
  segmented: Segmented,
  packDir: string,
): Promise<{ parts: number; manifestPath: string }> {
  try {
    const { size } = await stat(model.file);
    const packed = await packSegmented({
      segmentedPath: segmented.path,
      packDir,
      source: {
        file: basename(model.file),
        sha256: model.sha256,
        byteLength: size,
        segmenter: context.segmenter,
        taskId: segmented.taskId,
      },
      options: context.settings,
    });
    context.emit({ type: 'split', model, parts: packed.parts, packDir });
    return packed;
  } catch (error) {
    // A limit hit is the input's fault (too big, too many parts), not a failure of splitting.
    if (error instanceof ModelLimitError) {
      throw new ModelError('input', messageOf(error), segmented.taskId ?? undefined, { cause: error });
    }
    // The pack folder is the problem (a user's file in the way, a read-only folder): not the split.
    if (outputErrorCode(error) || (error instanceof SplitError && error.kind === 'output')) {
      throw new ModelError(
        'output',
        `cannot write the pack ${packDir}: ${messageOf(error)}`,
        segmented.taskId ?? undefined,
        {
          cause: error,
        },
      );
    }
    throw new ModelError('split', `split failed: ${messageOf(error)}`, segmented.taskId ?? undefined, {
      cause: error,
    });
  }
}

function toModelError(
  error: unknown,
  taskId: string | undefined,
  signal: AbortSignal | undefined,
  outDir: string,
): ModelError {
  if (error instanceof ModelError) return error;
  const withTask = (error as { taskId?: unknown } | undefined)?.taskId;
  const id = typeof withTask === 'string' ? withTask : taskId;
  if (signal?.aborted) {
    return new ModelError(
      'aborted',
      `cancelled${id ? `; task ${id} is journaled and resumes on the next run` : ''}`,
      id,
      {
        cause: error,
      },
    );
  }
  const suffix = id ? ` (task ${id} is journaled: rerun to resume it without paying again)` : '';
  if (outputErrorCode(error)) {
    return new ModelError('output', `cannot write to ${outDir}: ${messageOf(error)}${suffix}`, id, {
      cause: error,
    });
  }
  return new ModelError('api', `${messageOf(error)}${suffix}`, id, { cause: error });
}

/** Errors of @meshparts/split that mean the model file itself is bad (ModelLimitError is one too). */
function isInputError(error: unknown): boolean {
  return error instanceof ModelReadError;
}
