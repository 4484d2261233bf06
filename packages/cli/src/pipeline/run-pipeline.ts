import { mkdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { SEGMENTATION_CREDITS } from '@meshparts/client';
import pLimit from 'p-limit';
import { VERSION } from '../version.js';
import { SegmentCache } from './cache.js';
import { type CatalogEntry, catalogPath, readCatalog, writeCatalog } from './catalog.js';
import { removeStaleTemps } from './cleanup.js';
import { CreditLimitError, ModelError, messageOf, PipelineUsageError } from './errors.js';
import type {
  ModelPlan,
  ModelRef,
  ModelResult,
  PipelineEvent,
  PipelineEventListener,
  SegmenterName,
} from './events.js';
import { sha256File } from './hash.js';
import { expandInputs, splitMissingInputs } from './inputs.js';
import { Journal, type JournalHistory, readJournal } from './journal.js';
import { acquireLock } from './lock.js';
import { readCompletePack } from './pack-check.js';
import { planModel } from './plan.js';
import { processModel } from './process-model.js';
import { chooseSegmenter } from './segmenter-choice.js';
import { type ClientOptions, createClient, type StudioClient, walletBalance } from './segmenters.js';
import { assignSlugs, slugOwnersOnDisk } from './slug.js';
import { cacheVariant, type SplitOptions, safeFileName, splitKey } from './split-api.js';

/** Options of {@link runPipeline}. */
export interface RunPipelineOptions {
  /** Model files and folders (folders are searched for .glb/.gltf/.fbx/.obj/.stl). */
  inputs: readonly string[];
  /** Output folder: one pack per model, catalog.json, and `.meshparts/` (journal, cache, lock). */
  outDir: string;
  /** `tripo` (paid, needs an API key) or `local` (offline). Default: tripo when an API key is set. */
  segmenter?: SegmenterName;
  /** StudioClient options (apiKey, baseUrl, requestsPerMinute, ...). One client serves the whole run. */
  client?: ClientOptions;
  /** Split options, as for `meshparts split` (@meshparts/split's SplitOptions). */
  split?: SplitOptions;
  /** Models in flight at once. Default {@link RUN_PIPELINE_DEFAULTS}.concurrency. */
  concurrency?: number;
  /** Refuse to start when the run could spend more credits than this. */
  maxCredits?: number;
  /** Plan only: no submission, no file written; checks the balance when segmenting with Tripo. */
  dryRun?: boolean;
  /** Resubmit models whose earlier submission has an unknown outcome (may pay twice). */
  resubmitUnknown?: boolean;
  /** Resubmit models whose finished result expired before it was downloaded (pays again). */
  resubmitExpired?: boolean;
  /** Overall wait per task, in ms (default: the client's). */
  waitTimeoutMs?: number;
  signal?: AbortSignal;
  onEvent?: PipelineEventListener;
}

export const RUN_PIPELINE_DEFAULTS = {
  /** Waiting on Tripo is I/O; the shared rate limiter, not this, bounds the request rate. */
  concurrency: 4,
} as const;

/** What {@link runPipeline} returns. */
export interface PipelineRun {
  segmenter: SegmenterName;
  dryRun: boolean;
  /** One result per model, in input order. */
  results: ModelResult[];
  plans: ModelPlan[];
  /** Credits the plan could spend (80 per new submission). */
  plannedCredits: number;
  /** Credits spent by this run. */
  spentCredits: number;
  /** The wallet balance, when a dry run checked it. */
  balance?: number;
  /** Path of catalog.json (not written by a dry run). */
  catalogPath: string;
  /** Why catalog.json could not be written (a full disk): the packs are fine, the catalog is stale. */
  catalogError?: string;
  outDir: string;
}

/**
 * Runs the whole pipeline of DESIGN.md on many models: hash → plan (from packs, cache and journal) →
 * segment (Tripo or local) → split → pack, p-limit bounding the models in flight and one StudioClient
 * (one rate limiter) serving every request. One model's failure never stops the others; it is returned
 * as that model's `error`. Throws {@link PipelineUsageError} (nothing started) for bad inputs, a locked
 * output folder, or a plan over `maxCredits`.
 */
export async function runPipeline(options: RunPipelineOptions): Promise<PipelineRun> {
  const concurrency = options.concurrency ?? RUN_PIPELINE_DEFAULTS.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new PipelineUsageError(`concurrency must be a whole number of at least 1 (got ${concurrency})`);
  }
  if (options.maxCredits !== undefined && !(options.maxCredits >= 0)) {
    throw new PipelineUsageError(`maxCredits must be 0 or more (got ${options.maxCredits})`);
  }
  const outDir = resolve(options.outDir);
  await assertOutputFolder(outDir);
  // A catalog.json that meshparts did not write is refused (exit 2) before anything runs.
  const catalog = await readCatalog(outDir);
  const apiKey = options.client?.apiKey ?? process.env.THREEDAISTUDIO_API_KEY;
  const segmenter = chooseSegmenter(options.segmenter, apiKey);
  const emit = (event: PipelineEvent) => options.onEvent?.(event);
  // A missing input among good ones fails alone (the others run); only when none exists is it usage.
  const { present, missing } = await splitMissingInputs(options.inputs);
  const files = await expandInputs(present.length > 0 ? present : options.inputs, outDir);
  // The client is made before anything is written: a bad base URL (plain http to a remote host) is
  // bad usage, found before the output folder is locked or a journal line written.
  let client: StudioClient | undefined;
  if (segmenter === 'tripo' && !options.dryRun) client = makeClient(options.client, apiKey);
  const settings = options.split ?? {};
  const key = splitKey(settings);

  let lock: Awaited<ReturnType<typeof acquireLock>> | undefined;
  try {
    lock = options.dryRun ? undefined : await lockOutput(outDir);
  } catch (error) {
    await client?.close();
    throw error;
  }
  let journal: Journal | undefined;
  try {
    if (lock) await removeStaleTemps(outDir);
    journal = options.dryRun ? undefined : await Journal.open(outDir);
    const history: JournalHistory = journal?.history ?? (await readJournal(outDir));
    const cache = new SegmentCache(outDir, cacheVariant(segmenter, settings));
    const models = await identify(files, outDir, catalog, options.signal);
    const plans = await planAll(models, { outDir, segmenter, history, cache, splitKey: key, options });
    const plannedCredits = plans.reduce((sum, plan) => sum + plan.credits, 0);
    emit({ type: 'plan', segmenter, plans, credits: plannedCredits });
    if (options.maxCredits !== undefined && plannedCredits > options.maxCredits) {
      throw new CreditLimitError(plannedCredits, options.maxCredits, SEGMENTATION_CREDITS);
    }
    if (segmenter === 'tripo' && options.dryRun && plannedCredits > 0) {
      client = makeClient(options.client, apiKey);
    }
    const base = { segmenter, plans, plannedCredits, catalogPath: catalogPath(outDir), outDir };
    if (options.dryRun) {
      const balance = client && plannedCredits > 0 ? await walletBalance(client, options.signal) : undefined;
      const results = sortByFile([
        ...plans.map((plan) => plannedResult(plan, segmenter)),
        ...missing.map((file) => missingResult(file, segmenter)),
      ]);
      return {
        ...base,
        dryRun: true,
        results,
        spentCredits: 0,
        ...(balance !== undefined ? { balance } : {}),
      };
    }

    const limit = pLimit(concurrency);
    const shared = new Map<string, Promise<unknown>>();
    const context = {
      outDir,
      segmenter,
      journal: journal!,
      cache,
      client,
      settings,
      splitKey: key,
      waitTimeoutMs: options.waitTimeoutMs,
      signal: options.signal,
      emit,
      shared,
    };
    const processed = await Promise.all(plans.map((plan) => limit(() => processModel(context, plan))));
    const notFound = missing.map((file) => missingResult(file, segmenter));
    for (const result of notFound)
      emit({ type: 'failed', model: result.model, error: result.error!, result });
    const results = sortByFile([...processed, ...notFound]);
    let catalogError: string | undefined;
    try {
      await writeCatalog(
        outDir,
        `meshparts@${VERSION}`,
        processed.filter((r) => r.manifestPath !== undefined).map((r) => catalogEntry(outDir, r)),
        new Set(processed.map((r) => r.model.slug)),
      );
    } catch (error) {
      // The packs are written and journaled; a catalog that cannot be written (a full disk) must not
      // hide every model's result. The run reports it, and the next run writes the catalog again.
      catalogError = `cannot write ${catalogPath(outDir)}: ${messageOf(error)}`;
    }
    const spentCredits = results.reduce((sum, r) => sum + r.credits, 0);
    return { ...base, dryRun: false, results, spentCredits, ...(catalogError ? { catalogError } : {}) };
  } finally {
    await journal?.close();
    await client?.close();
    await lock?.release();
  }
}

/** The output folder may exist (a rerun) but must be a folder. */
async function assertOutputFolder(outDir: string): Promise<void> {
  try {
    const info = await stat(outDir);
    if (!info.isDirectory()) throw new PipelineUsageError(`the output path is not a folder: ${outDir}`);
  } catch (error) {
    if (error instanceof PipelineUsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') {
      throw new PipelineUsageError(
        `the output path ${outDir} is not usable: part of it is a file, not a folder`,
      );
    }
    if (code !== 'ENOENT')
      throw new PipelineUsageError(`cannot use the output folder ${outDir}: ${messageOf(error)}`);
  }
}

/**
 * Creates and locks the output folder. A folder that cannot be written (read-only, full, no
 * permission) is bad usage: nothing has been submitted or written, and the message says why.
 */
async function lockOutput(outDir: string): Promise<Awaited<ReturnType<typeof acquireLock>>> {
  try {
    await mkdir(outDir, { recursive: true }).catch(async (error: unknown) => {
      // A recursive mkdir reports ENOENT even on a read-only file system: one level, once, says why.
      await mkdir(outDir).catch((direct: NodeJS.ErrnoException) => {
        throw direct.code === 'ENOENT' ? error : direct;
      });
    });
    return await acquireLock(outDir);
  } catch (error) {
    if (error instanceof PipelineUsageError) throw error;
    throw new PipelineUsageError(`cannot write to the output folder ${outDir}: ${messageOf(error)}`);
  }
}

function makeClient(options: ClientOptions | undefined, apiKey: string | undefined): StudioClient {
  try {
    return createClient({ ...options, ...(apiKey ? { apiKey } : {}) });
  } catch (error) {
    throw new PipelineUsageError(messageOf(error));
  }
}

/** An input that does not exist: a failed result of its own (code `input`), nothing done for it. */
function missingResult(file: string, segmenter: SegmenterName): ModelResult {
  return {
    model: { file, slug: safeFileName(basename(file)), sha256: '' },
    outcome: 'failed',
    segmenter,
    action: 'blocked',
    credits: 0,
    durationMs: 0,
    error: new ModelError('input', `input not found: ${file}`),
  };
}

function sortByFile(results: ModelResult[]): ModelResult[] {
  return results.sort((a, b) => (a.model.file < b.model.file ? -1 : a.model.file > b.model.file ? 1 : 0));
}

/**
 * Hashes every input (two at a time: disk-bound) and assigns stable, unique slugs from what the output
 * folder holds (slug.ts); a folder in the way that is not meshparts' is a PipelineUsageError.
 */
async function identify(
  files: readonly string[],
  outDir: string,
  catalog: readonly CatalogEntry[],
  signal: AbortSignal | undefined,
): Promise<ModelRef[]> {
  const limit = pLimit(2);
  const hashes = await Promise.all(files.map((file) => limit(() => sha256File(file, signal))));
  const withHash = files.map((file, i) => ({ file, sha256: hashes[i]! }));
  const slugs = await assignSlugs(withHash, (name) => safeFileName(name), slugOwnersOnDisk(outDir, catalog));
  return withHash.map((model, i) => ({ ...model, slug: slugs[i]! }));
}

/** Plans every model from the packs, cache and journal on disk (see plan.ts). */
async function planAll(
  models: readonly ModelRef[],
  run: {
    outDir: string;
    segmenter: SegmenterName;
    history: JournalHistory;
    cache: SegmentCache;
    splitKey: string;
    options: RunPipelineOptions;
  },
): Promise<ModelPlan[]> {
  const plans = await Promise.all(
    models.map(async (model) =>
      planModel({
        model,
        segmenter: run.segmenter,
        history: run.history,
        pack: await readCompletePack(join(run.outDir, model.slug), model.sha256, run.segmenter),
        cached: await run.cache.has(model.sha256),
        splitKey: run.splitKey,
        resubmitUnknown: run.options.resubmitUnknown ?? false,
        resubmitExpired: run.options.resubmitExpired ?? false,
      }),
    ),
  );
  dedupeSubmissions(plans);
  return plans;
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

function plannedResult(plan: ModelPlan, segmenter: SegmenterName): ModelResult {
  return {
    model: plan.model,
    outcome: 'planned',
    segmenter,
    action: plan.action,
    credits: plan.credits,
    durationMs: 0,
    ...(plan.taskId ? { taskId: plan.taskId } : {}),
  };
}

function catalogEntry(outDir: string, result: ModelResult): CatalogEntry {
  const rel = (path: string) => relative(outDir, path).split(sep).join('/');
  return {
    model: result.model.file,
    sha256: result.model.sha256,
    pack: result.model.slug,
    manifest: rel(result.manifestPath!),
    parts: result.parts ?? 0,
    segmenter: result.segmenter,
    taskId: result.taskId ?? null,
  };
}
