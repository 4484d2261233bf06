import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { copyFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { SEGMENTATION_CREDITS } from '@meshparts/client';
import { SegmentCache } from './cache.js';
import { BalanceTooLowError, ModelError, messageOf, PipelineUsageError } from './errors.js';
import type { ModelPlan, ModelRef, PipelineEventListener, SegmenterName } from './events.js';
import { syncDir } from './fs-atomic.js';
import { modelDigest } from './hash.js';
import { Journal, readJournal } from './journal.js';
import { acquireLock } from './lock.js';
import { assertCanCreate } from './make-directory.js';
import { type Spend, segment, toModelError } from './process-model.js';
import { planRun } from './run-plan.js';
import { chooseSegmenter } from './segmenter-choice.js';
import {
  type ClientOptions,
  createClient,
  downloadResult,
  isAuthenticationError,
  maxUploadBytes,
  type StudioClient,
  waitForResult,
  walletBalance,
} from './segmenters.js';
import {
  cacheVariant,
  type GranularityOptions,
  type LabelOptions,
  type ModelLimits,
  readPackOwner,
  safeFileName,
} from './split-api.js';

/**
 * `meshparts segment`: one model to one segmented GLB, as a thin use of the pipeline. It shares the
 * run's money rules and files: the free checks before paying, the balance check, the intent record
 * and the journal, the cache by input sha256 and the resume rules. They live in `.meshparts/` beside
 * the output file, so running the same command again after a Ctrl-C, a kill or a failed write resumes
 * the paid task, and segmenting the same file again into the same folder costs nothing.
 *
 * The output path is checked before anything is paid (not a folder, its folder writable), and a paid
 * result is never deleted: it stays in the cache until it has been copied to the output file.
 */

export interface SegmentModelOptions {
  /** The model file. */
  model: string;
  /** Where the segmented GLB is written (atomically). Its folder holds `.meshparts/`. */
  to: string;
  segmenter?: SegmenterName;
  client?: ClientOptions;
  labels?: LabelOptions;
  /** Granularity of the local segmenter (`--min-part-area`, `--target-parts`). */
  granularity?: GranularityOptions;
  limits?: Partial<ModelLimits>;
  /** Refuse (nothing paid) when the segmentation would cost more than this. */
  maxCredits?: number;
  /** Plan only: nothing submitted or written (the balance is checked). */
  dryRun?: boolean;
  resubmitUnknown?: boolean;
  resubmitExpired?: boolean;
  waitTimeoutMs?: number;
  signal?: AbortSignal;
  onEvent?: PipelineEventListener;
}

export interface SegmentModelResult {
  segmenter: SegmenterName;
  plan: ModelPlan;
  /** The balance, when it was read (a paid plan). */
  balance?: number;
  /** Written file (absolute); undefined for a dry run or a failure. */
  path?: string;
  byteLength?: number;
  taskId?: string;
  /** Credits the API accepted in this call. */
  credits: number;
  /** Set when the model failed (the result is kept in the cache whenever it was paid for). */
  error?: ModelError;
}

/** Segments one model into `to`, with the pipeline's journal, cache and resume. */
export async function segmentModel(options: SegmentModelOptions): Promise<SegmentModelResult> {
  const to = resolve(options.to);
  const workDir = dirname(to);
  const apiKey = options.client?.apiKey ?? process.env.THREEDAISTUDIO_API_KEY;
  const segmenter = chooseSegmenter(options.segmenter, apiKey);
  const info = await stat(options.model).catch(() => undefined);
  if (!info?.isFile()) throw new PipelineUsageError(`input not found or not a file: ${options.model}`);
  await prepareOutputFile(to, !options.dryRun);
  const client = segmenter === 'tripo' ? makeClient(options.client, apiKey) : undefined;
  const { signal, dispose } = runSignal(options.signal);
  let lock: Awaited<ReturnType<typeof acquireLock>> | undefined;
  let journal: Journal | undefined;
  try {
    lock = options.dryRun ? undefined : await acquireLock(workDir).catch(usage(workDir));
    // A dry run reads the journal and writes nothing.
    journal = options.dryRun ? undefined : await Journal.open(workDir);
    const history = journal?.history ?? (await readJournal(workDir));
    const cache = new SegmentCache(
      workDir,
      cacheVariant(segmenter, {
        ...(options.labels ? { labels: options.labels } : {}),
        ...(options.granularity ? { granularity: options.granularity } : {}),
      }),
    );
    const sha256 = await modelDigest(options.model, signal).catch((error: unknown) => {
      throw new PipelineUsageError(`cannot read ${options.model}: ${messageOf(error)}`);
    });
    const model: ModelRef = {
      file: options.model,
      sha256,
      slug: safeFileName(basename(options.model, extname(options.model))),
    };
    const [plan] = await planRun({
      models: [model],
      segmenter,
      history,
      cache,
      splitKey: '',
      resubmitUnknown: options.resubmitUnknown ?? false,
      resubmitExpired: options.resubmitExpired ?? false,
      maxCredits: undefined,
      limits: options.limits ?? {},
      maxUploadBytes: maxUploadBytes(options.client),
      dropDamaged: !options.dryRun,
      packOf: async () => undefined,
    });
    if (!plan) throw new PipelineUsageError(`nothing to segment in ${options.model}`);
    if (plan.action === 'split') plan.reason = 'segmented GLB cached: copied, nothing paid';
    if (options.maxCredits !== undefined && plan.credits > options.maxCredits) {
      throw new PipelineUsageError(
        `this segmentation costs ${plan.credits} credits, more than --max-credits ${options.maxCredits}; nothing was submitted`,
      );
    }
    options.onEvent?.({ type: 'plan', segmenter, plans: [plan], credits: plan.credits });
    const balance = client && plan.credits > 0 ? await balanceOf(client, signal) : undefined;
    if (balance !== undefined && balance < plan.credits && !options.dryRun) {
      throw new BalanceTooLowError(plan.credits, balance, SEGMENTATION_CREDITS);
    }
    const base = { segmenter, plan, ...(balance !== undefined ? { balance } : {}) };
    if (options.dryRun || journal === undefined) return { ...base, credits: 0 };
    if (plan.action === 'blocked') {
      return {
        ...base,
        credits: 0,
        error: new ModelError(plan.blockedBy ?? 'input', plan.reason, plan.taskId),
      };
    }
    const spend: Spend = { credits: 0, unknownCredits: 0, journaled: plan.action === 'resume' };
    const context = {
      outDir: workDir,
      segmenter,
      journal,
      cache,
      client,
      settings: {
        ...(options.labels ? { labels: options.labels } : {}),
        ...(options.granularity ? { granularity: options.granularity } : {}),
        ...(options.limits ? { limits: options.limits } : {}),
      },
      // segment writes no pack.
      gallery: false,
      splitKey: '',
      waitTimeoutMs: options.waitTimeoutMs,
      signal,
      emit: (event: Parameters<PipelineEventListener>[0]) => options.onEvent?.(event),
      shared: new Map<string, Promise<unknown>>(),
      maxUploadBytes: maxUploadBytes(options.client),
    };
    context.emit({ type: 'start', model, action: plan.action });
    try {
      const segmented = await segment(context, plan, spend);
      const byteLength = await copyInto(segmented.path, to).catch((error: unknown) => {
        throw new ModelError(
          'output',
          `cannot write ${to}: ${messageOf(error)}; the result is kept in ${segmented.path}: rerun the same command to write it (nothing is paid again)`,
          segmented.taskId ?? undefined,
          { cause: error },
        );
      });
      return {
        ...base,
        path: to,
        byteLength,
        ...(segmented.taskId ? { taskId: segmented.taskId } : {}),
        credits: spend.credits,
      };
    } catch (error) {
      const modelError = toModelError(error, spend.taskId, spend, context);
      return {
        ...base,
        credits: spend.credits,
        ...(modelError.taskId ? { taskId: modelError.taskId } : {}),
        error: modelError,
      };
    }
  } finally {
    dispose();
    await journal?.close();
    await client?.close();
    await lock?.release();
  }
}

/** Options of {@link fetchTask}. */
export interface FetchTaskOptions {
  taskId: string;
  to: string;
  client?: ClientOptions;
  waitTimeoutMs?: number;
  signal?: AbortSignal;
  onEvent?: (
    event: { type: 'progress'; status: string; progress: number } | { type: 'next-poll'; at: number },
  ) => void;
}

/**
 * Fetches the result of a task that was already paid for (`meshparts segment --task <id>`): waits for
 * it and downloads it to `to`. Nothing is submitted and nothing is paid.
 */
export async function fetchTask(options: FetchTaskOptions): Promise<{ path: string; byteLength: number }> {
  const to = resolve(options.to);
  await prepareOutputFile(to, true);
  const client = makeClient(options.client, options.client?.apiKey ?? process.env.THREEDAISTUDIO_API_KEY);
  try {
    const url = await waitForResult(client, options.taskId, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.waitTimeoutMs !== undefined ? { timeoutMs: options.waitTimeoutMs } : {}),
      onProgress: ({ status, progress }) => options.onEvent?.({ type: 'progress', status, progress }),
      onNextPoll: (at) => options.onEvent?.({ type: 'next-poll', at }),
    });
    const { path, byteLength } = await downloadResult(client, url, to, options.signal);
    return { path, byteLength };
  } finally {
    await client.close();
  }
}

/**
 * Before anything is paid: the output path must not be a folder nor be in a pack, and a new file must
 * be possible where it goes (probed in its deepest existing folder). Nothing is created: the folder is made by
 * the work that writes into it (the lock of `.meshparts/`, the download), so a refused command
 * leaves the file system as it found it. A refusal is bad usage (exit 2) with the reason.
 */
export async function prepareOutputFile(to: string, write: boolean): Promise<void> {
  const info = await stat(to).catch(() => undefined);
  if (info?.isDirectory()) {
    throw new PipelineUsageError(
      `the output path ${to} is a folder: give the file to write, e.g. ${resolve(to, 'model.segmented.glb')}`,
    );
  }
  // The journal and cache go in .meshparts/ beside the output file: never inside a pack, which holds
  // only what its manifest lists (the rule `run -o <a pack>` follows).
  const owner = await readPackOwner(dirname(to));
  if (owner.kind === 'pack') {
    throw new PipelineUsageError(
      `${dirname(to)} is a meshparts pack (of ${owner.manifest.source.file}): segment would put its result and its journal (.meshparts/) inside it; nothing was done, choose an output file in another folder`,
    );
  }
  if (!write) return;
  try {
    await assertCanCreate(to);
  } catch (error) {
    throw new PipelineUsageError(
      `cannot write to ${dirname(to)}: ${messageOf(error)}; nothing was submitted`,
    );
  }
}

/** Copies a cache entry to `to` atomically (temp file, fsync'd, renamed); returns its size. */
async function copyInto(from: string, to: string): Promise<number> {
  const temp = `${to}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await copyFile(from, temp);
    await rename(temp, to);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDir(dirname(to));
  return (await stat(to)).size;
}

function makeClient(options: ClientOptions | undefined, apiKey: string | undefined): StudioClient {
  try {
    return createClient({ ...options, ...(apiKey ? { apiKey } : {}) });
  } catch (error) {
    throw new PipelineUsageError(messageOf(error));
  }
}

async function balanceOf(client: StudioClient, signal: AbortSignal): Promise<number> {
  try {
    return await walletBalance(client, signal);
  } catch (error) {
    if (isAuthenticationError(error)) {
      throw new PipelineUsageError(`the API refused the key: ${messageOf(error)}; nothing was submitted`);
    }
    throw error;
  }
}

/** A signal for the work in flight, tied to the caller's, without listener warnings. */
function runSignal(parent: AbortSignal | undefined): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) onAbort();
  else parent?.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, dispose: () => parent?.removeEventListener('abort', onAbort) };
}

function usage(dir: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof PipelineUsageError) throw error;
    throw new PipelineUsageError(`cannot write to ${dir}: ${messageOf(error)}; nothing was submitted`);
  };
}
