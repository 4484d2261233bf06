import { stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { SEGMENTATION_CREDITS } from '@meshparts/client';
import { MODEL_FILE_EXTENSIONS, ModelLimitError, ModelReadError, SplitError } from '@meshparts/split/options';
import type { SegmentCache } from './cache.js';
import { assertRoomForResult } from './disk-room.js';
import { ModelError, messageOf, outputErrorCode } from './errors.js';
import type { ModelPlan, ModelRef, ModelResult, PipelineEvent, SegmenterName } from './events.js';
import { SEGMENTER_ONLY_EXTENSIONS } from './inputs.js';
import type { Journal, JournalEntry } from './journal.js';
import { readCompletePack } from './pack-check.js';
import {
  downloadResult,
  isInputRejected,
  isNotSent,
  isResultExpired,
  isTaskFailed,
  isTaskGone,
  type StudioClient,
  submissionSurelyRejected,
  submitSegmentation,
  type UploadSource,
  waitForResult,
} from './segmenters.js';
import {
  localStrategyOf,
  packSegmented,
  recordedSegmentation,
  type SourceSegmentation,
  type SplitOptions,
  segmentFileLocally,
  splitOptionsFor,
} from './split-api.js';
import { uploadSourceOf } from './upload-check.js';

/** What every model of a run shares. Built once per run by runPipeline; no module state. */
export interface RunContext {
  outDir: string;
  segmenter: SegmenterName;
  journal: Journal;
  cache: SegmentCache;
  client: StudioClient | undefined;
  settings: SplitOptions;
  /** Whether packs get their page (`index.html`, `gallery/`): RunPipelineOptions.gallery. */
  gallery: boolean;
  splitKey: string;
  waitTimeoutMs: number | undefined;
  signal: AbortSignal | undefined;
  emit: (event: PipelineEvent) => void;
  /** In-flight segmentations by input sha256, so identical inputs are segmented (and paid) once. */
  shared: Map<string, Promise<unknown>>;
  /** The API's upload limit (the free check before paying). */
  maxUploadBytes: number;
}

export interface Segmented {
  path: string;
  taskId: string | null;
  /** How the local segmenter cut the model (this run's, or journaled with the cache entry); the pack records it. */
  segmentation?: SourceSegmentation;
}

/**
 * What a model has paid for so far in this run, and whether its task id is on disk: 80 credits once
 * its submission is accepted (0 again if refunded), 80 "unknown" when the outcome of its submission is
 * unknown, and the task id, so a failure at any later step still reports the paid task.
 */
export interface Spend {
  credits: number;
  unknownCredits: number;
  taskId?: string;
  /** The journal holds a line with the task id (a rerun resumes the task). */
  journaled: boolean;
  /** Why the journal could not take the task id, while it could not. */
  journalError?: string;
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
  // A plan's task id comes from the journal (resume, and blocked when its task is known).
  const spend: Spend = { credits: 0, unknownCredits: 0, journaled: plan.taskId !== undefined };
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
    if (context.signal?.aborted) {
      // Queued behind the models in flight when the run was cancelled: nothing of it was done.
      throw new ModelError(
        'aborted',
        'cancelled before it started: nothing was done or paid; the next run does it',
      );
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
    const modelError = toModelError(error, taskId ?? spend.taskId, spend, context);
    if (modelError.taskId) taskId = modelError.taskId;
    const result: ModelResult = {
      ...base,
      outcome: 'failed',
      ...(taskId ? { taskId } : {}),
      credits: spend.credits,
      ...(spend.unknownCredits > 0 ? { unknownCredits: spend.unknownCredits } : {}),
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

/**
 * The segmented GLB of a model, from the cache, the local segmenter, a journaled task or a new paid
 * submission (the plan says which). Used by runPipeline (then split) and by segmentModel (then copied).
 */
export async function segment(context: RunContext, plan: ModelPlan, spend: Spend): Promise<Segmented> {
  const { model } = plan;
  const { cache, segmenter } = context;
  if (plan.action === 'split') {
    const { history } = context.journal;
    const entry = history.latest(model.sha256, segmenter);
    const segmentation = recordedSegmentation(history.segmentation(cache.fileName(model.sha256)));
    return {
      path: cache.path(model.sha256),
      taskId: entry?.taskId ?? null,
      ...(segmentation ? { segmentation } : {}),
    };
  }
  if (plan.action === 'segment') return segmentLocally(context, model);
  const client = context.client;
  if (!client) throw new ModelError('api', 'no API client for the tripo segmenter');
  if (plan.action === 'resume' && plan.taskId) {
    spend.taskId = plan.taskId;
    context.emit({ type: 'submitted', model, taskId: plan.taskId, resumed: true, journaled: true });
    // The journal's `submitted` line is the task's creation time: its age and pace aim the polls.
    const entry = context.journal.history.latest(model.sha256, 'tripo');
    const createdAt = entry?.state === 'submitted' ? entry.at : undefined;
    const path = await waitAndDownload(context, client, model, plan.taskId, spend, createdAt);
    return { path, taskId: plan.taskId };
  }
  // The free checks ran when the run was planned; this reads the file again as it is now, and packs
  // a .gltf and its resources into the one GLB the API takes.
  const source = await uploadSourceOf(model.file, context.settings.limits ?? {}, context.maxUploadBytes);
  await assertRoomForResult(context.outDir, model.file);
  const taskId = await submit(context, client, model, source, spend);
  const path = await waitAndDownload(context, client, model, taskId, spend);
  return { path, taskId };
}

async function segmentLocally(context: RunContext, model: ModelRef): Promise<Segmented> {
  const extension = extname(model.file).toLowerCase();
  if (!(MODEL_FILE_EXTENSIONS as readonly string[]).includes(extension)) {
    const name = basename(model.file);
    const readable = MODEL_FILE_EXTENSIONS.join(', ');
    throw new ModelError(
      'input',
      SEGMENTER_ONLY_EXTENSIONS.includes(extension)
        ? `the local segmenter reads ${readable}; ${name} needs the tripo segmenter (an API key)`
        : `${name} is not a model file meshparts reads (${readable}; with an API key also ${SEGMENTER_ONLY_EXTENSIONS.join(', ')})`,
    );
  }
  let local: Awaited<ReturnType<typeof segmentFileLocally>>;
  try {
    const { labels, limits, granularity } = context.settings;
    local = await segmentFileLocally(model.file, {
      labels,
      limits,
      granularity,
      strategy: localStrategyOf(context.settings),
    });
  } catch (error) {
    // A model the segmenter cannot take as asked (no colours for `--strategy colors`) is bad input.
    const input = error instanceof ModelReadError || (error instanceof SplitError && error.kind === 'input');
    const code = input ? 'input' : 'segment';
    throw new ModelError(code, messageOf(error), undefined, { cause: error });
  }
  if (local.parts === 0)
    throw new ModelError('input', `${model.file} has no mesh in its scene: nothing to segment`);
  const { cache } = context;
  const entry = await cache.put(model.sha256, local.bytes);
  try {
    await context.journal.append({
      sha256: model.sha256,
      file: model.file,
      state: 'segmented',
      segmenter: 'local',
      cacheFile: cache.fileName(model.sha256),
      cacheSha256: entry.sha256,
      // What a pack split from this entry records, on this run and the ones that reuse it.
      strategy: local.strategy,
      reason: local.reason,
    });
  } catch (error) {
    // The entry is whole (written atomically); without its hash a rerun checks its GLB header.
    if (!outputErrorCode(error)) throw error;
  }
  context.emit({ type: 'segmented', model, parts: local.parts, strategy: local.strategy });
  const { strategy } = local;
  // `none` (no mesh) was refused above.
  return {
    path: entry.path,
    taskId: null,
    ...(strategy !== 'none' ? { segmentation: { strategy, reason: local.reason } } : {}),
  };
}

/**
 * The paid step. The intent record (`submitting`) is journaled and fsync'd right before the upload
 * leaves, the task id right after the API answers and before anything else happens. A submission
 * that never left (cancelled in the rate limiter's queue, a journal that cannot be written) or that
 * the API refused created nothing: it is recorded `unpaid` and costs nothing. Anything else may have
 * created a task: `unknown`, never resubmitted without `--resubmit-unknown`.
 */
async function submit(
  context: RunContext,
  client: StudioClient,
  model: ModelRef,
  source: UploadSource,
  spend: Spend,
): Promise<string> {
  const line = (state: JournalEntry['state'], extra: Partial<JournalEntry> = {}) =>
    context.journal.append({ sha256: model.sha256, file: model.file, state, segmenter: 'tripo', ...extra });
  let intent = false;
  let journalFailure: unknown;
  let taskId: string;
  try {
    taskId = await submitSegmentation(client, source, {
      signal: context.signal,
      beforeSend: async () => {
        if (!intent) {
          try {
            await line('submitting');
          } catch (error) {
            journalFailure = error;
            throw error;
          }
          intent = true;
        }
        context.emit({ type: 'sending', model });
      },
      onQueued: ({ nextFreeAt, ahead }) =>
        context.emit({ type: 'waiting', model, nextSlotAt: nextFreeAt, ahead }),
    });
  } catch (error) {
    const notSent = isNotSent(error);
    if (notSent || submissionSurelyRejected(error)) {
      let note = '';
      if (intent) {
        try {
          await line('unpaid', { reason: notSent ? 'not sent' : messageOf(error) });
        } catch (journalError) {
          note = `; the journal could not record that nothing was paid (${messageOf(journalError)}), so the next run holds this model as outcome unknown: pass --resubmit-unknown for it`;
        }
      }
      if (journalFailure !== undefined) {
        throw new ModelError(
          'output',
          `cannot write the journal ${context.journal.path} (${messageOf(journalFailure)}): nothing was submitted or paid`,
          undefined,
          { cause: journalFailure },
        );
      }
      if (notSent && context.signal?.aborted) {
        throw new ModelError(
          'aborted',
          `cancelled before its upload began: nothing was sent or paid; the next run submits it${note}`,
          undefined,
          { cause: error },
        );
      }
      const code = !notSent && isInputRejected(error) ? 'input' : 'api';
      throw new ModelError(code, `${messageOf(error)}${note}`, undefined, { cause: error });
    }
    spend.unknownCredits = SEGMENTATION_CREDITS; // may have been spent: reported apart, never hidden
    try {
      await line('unknown', { reason: messageOf(error) });
    } catch {
      // The intent record on disk already makes the next run treat this model as outcome unknown.
    }
    throw new ModelError(
      'submission-unknown',
      `the submission may have created a task, but no task id came back (${messageOf(error)}); not resubmitted: check your wallet, then rerun with --resubmit-unknown to pay again`,
      undefined,
      { cause: error },
    );
  }
  spend.credits = SEGMENTATION_CREDITS;
  spend.taskId = taskId;
  await journalTask(context, model, spend, 'submitted');
  context.emit({ type: 'submitted', model, taskId, resumed: false, journaled: spend.journaled });
  return taskId;
}

/**
 * Appends a line holding the model's task id. A journal that cannot take it (a full disk) does not
 * stop the model: the id is kept in memory, every later line tries again, and the intent record on
 * disk makes a rerun hold the model as outcome unknown rather than pay again.
 */
async function journalTask(
  context: RunContext,
  model: ModelRef,
  spend: Spend,
  state: JournalEntry['state'],
  extra: Partial<JournalEntry> = {},
): Promise<void> {
  try {
    await context.journal.append({
      sha256: model.sha256,
      file: model.file,
      state,
      segmenter: 'tripo',
      ...(spend.taskId ? { taskId: spend.taskId } : {}),
      ...extra,
    });
    spend.journaled = true;
    delete spend.journalError;
  } catch (error) {
    if (!spend.journaled) spend.journalError ??= messageOf(error);
  }
}

async function waitAndDownload(
  context: RunContext,
  client: StudioClient,
  model: ModelRef,
  taskId: string,
  spend: Spend,
  createdAt?: string,
): Promise<string> {
  let url: string;
  try {
    url = await waitForResult(client, taskId, {
      ...(context.signal ? { signal: context.signal } : {}),
      ...(context.waitTimeoutMs !== undefined ? { timeoutMs: context.waitTimeoutMs } : {}),
      ...(createdAt !== undefined ? { createdAt } : {}),
      onProgress: ({ status, progress }) =>
        context.emit({ type: 'progress', model, taskId, status, progress }),
      onNextPoll: (at) => context.emit({ type: 'next-poll', model, taskId, at }),
    });
  } catch (error) {
    if (isTaskFailed(error)) {
      spend.credits = 0; // the provider refunds a failed task
      await journalTask(context, model, spend, 'failed', { reason: 'task-failed' });
      throw new ModelError('segment', messageOf(error), taskId, { cause: error });
    }
    if (isTaskGone(error)) {
      await journalTask(context, model, spend, 'failed', { reason: 'gone' });
      throw new ModelError(
        'task-gone',
        `the API no longer knows task ${taskId} (it answered 404: the task was purged, or another API created it), so its result cannot be fetched; rerun with --resubmit-expired to pay for a new segmentation`,
        taskId,
        { cause: error },
      );
    }
    throw error;
  }
  await journalTask(context, model, spend, 'finished');
  try {
    const target = context.cache.path(model.sha256);
    const { byteLength, sha256 } = await downloadResult(client, url, target, context.signal);
    await journalTask(context, model, spend, 'downloaded', {
      cacheFile: context.cache.fileName(model.sha256),
      cacheSha256: sha256,
    });
    context.emit({ type: 'downloaded', model, taskId, path: target, byteLength });
    return target;
  } catch (error) {
    if (isResultExpired(error)) {
      await journalTask(context, model, spend, 'failed', { reason: 'expired' });
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
        ...(segmented.segmentation ? { segmentation: segmented.segmentation } : {}),
      },
      options: splitOptionsFor(context.settings, context.segmenter),
      gallery: context.gallery,
      signal: context.signal,
    });
    context.emit({ type: 'split', model, parts: packed.parts, packDir });
    return packed;
  } catch (error) {
    // Cancelled between parts: the pack folder is as it was, and toModelError says what resumes.
    if (context.signal?.aborted) throw error;
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
        { cause: error },
      );
    }
    throw new ModelError('split', `split failed: ${messageOf(error)}`, segmented.taskId ?? undefined, {
      cause: error,
    });
  }
}

/**
 * The ModelError of anything that failed a model, saying what becomes of its paid task: resumed by
 * the next run when the journal holds it, or to be kept by hand when the journal could not take it.
 */
export function toModelError(
  error: unknown,
  taskId: string | undefined,
  spend: Spend,
  context: Pick<RunContext, 'signal' | 'outDir'>,
): ModelError {
  const withTask = (error as { taskId?: unknown } | undefined)?.taskId;
  const id = typeof withTask === 'string' ? withTask : taskId;
  const lost =
    id !== undefined && !spend.journaled
      ? `; task ${id} is paid but the journal could not record it (${spend.journalError ?? 'no line was written'}): keep its id, and fetch its result with \`meshparts segment --task ${id} -o <file>.glb\``
      : '';
  const notJournaled = lost === '' ? {} : { taskJournaled: false as const };
  if (error instanceof ModelError) {
    if (lost === '') return error;
    return new ModelError(error.code, `${error.message}${lost}`, error.taskId ?? id, {
      cause: error,
      ...notJournaled,
    });
  }
  if (context.signal?.aborted) {
    const next = id ? (lost === '' ? `; task ${id} is journaled and resumes on the next run` : lost) : '';
    return new ModelError('aborted', `cancelled${next}`, id, { cause: error, ...notJournaled });
  }
  const suffix = id
    ? lost === ''
      ? ` (task ${id} is journaled: rerun to resume it without paying again)`
      : lost
    : '';
  if (outputErrorCode(error)) {
    return new ModelError('output', `cannot write to ${context.outDir}: ${messageOf(error)}${suffix}`, id, {
      cause: error,
      ...notJournaled,
    });
  }
  return new ModelError('api', `${messageOf(error)}${suffix}`, id, { cause: error, ...notJournaled });
}
