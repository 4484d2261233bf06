import { setMaxListeners } from 'node:events';
import { stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { SEGMENTATION_CREDITS } from '@meshparts/client';
import {
  GALLERY_PAGE,
  RUN_GALLERY_FALLBACK_PAGE,
  removeRunGallery,
  writeRunGallery,
} from '@meshparts/split/gallery';
import pLimit from 'p-limit';
import { VERSION } from '../version.js';
import { SegmentCache } from './cache.js';
import { type CatalogEntry, catalogPath, readCatalog, writeCatalog } from './catalog.js';
import { removeStaleTemps } from './cleanup.js';
import { BalanceTooLowError, ModelError, messageOf, PipelineUsageError } from './errors.js';
import type {
  ModelPlan,
  ModelRef,
  ModelResult,
  PipelineEvent,
  PipelineEventListener,
  SegmenterName,
} from './events.js';
import { modelDigest } from './hash.js';
import { expandInputs, splitMissingInputs } from './inputs.js';
import { Journal, type JournalHistory, readJournal } from './journal.js';
import { acquireLock } from './lock.js';
import { readCompletePack } from './pack-check.js';
import { processModel } from './process-model.js';
import { checkRunPipelineOptions } from './run-options.js';
import { planRun } from './run-plan.js';
import { chooseSegmenter } from './segmenter-choice.js';
import {
  type ClientOptions,
  createClient,
  isAuthenticationError,
  maxUploadBytes,
  type StudioClient,
  walletBalance,
} from './segmenters.js';
import { assignSlugs, slugOwnersOnDisk } from './slug.js';
import { cacheVariant, readPackOwner, type SplitOptions, safeFileName, splitKey } from './split-api.js';

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
  /**
   * Spend at most this many credits: the submissions beyond it (in input order) are not made in
   * this run; those models fail with code `credit-limit` and a later run submits them.
   */
  maxCredits?: number;
  /** Plan only: no submission, no file written; checks the balance when segmenting with Tripo. */
  dryRun?: boolean;
  /** Resubmit models whose earlier submission has an unknown outcome (may pay twice). */
  resubmitUnknown?: boolean;
  /** Resubmit models whose finished result expired before it was downloaded (pays again). */
  resubmitExpired?: boolean;
  /** Overall wait per task, in ms (default: the client's). */
  waitTimeoutMs?: number;
  /**
   * Write each pack's page (`index.html`, `gallery/`: about 2.4 MB of three.js per pack) and the page
   * over every pack in `outDir`. Default true; false writes only the parts, thumbnails and manifests,
   * and the catalog (for a build that ships packs without pages).
   */
  gallery?: boolean;
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
  /** Credits spent by this run: submissions the API accepted, less refunds of failed tasks. */
  spentCredits: number;
  /**
   * Credits of this run's submissions whose outcome is unknown (the upload may have reached the API,
   * no task id came back): not in `spentCredits`; `unknownOutcome` says what the balance tells.
   */
  unknownCredits: number;
  /** The wallet balance before the first submission (or as a dry run checked it). */
  balance?: number;
  /**
   * When some submissions' outcome is unknown: what the wallet says about them, read again at the
   * end of the run and compared with the balance before the first submission.
   */
  unknownOutcome?: UnknownOutcome;
  /** Path of catalog.json (not written by a dry run). */
  catalogPath: string;
  /** Why catalog.json could not be written (a full disk): the packs are fine, the catalog is stale. */
  catalogError?: string;
  /** Path of the page over every pack (`index.html`, see `meshparts view`), when it was written. */
  galleryPath?: string;
  /**
   * Why that page was not written (an `index.html` or `gallery/` of the user's in the output folder
   * is never replaced): the packs and the catalog are fine, and the exit code does not change.
   */
  galleryError?: string;
  /** True when no model made a pack and the folder had no catalog: neither catalog nor page was written. */
  nothingCataloged?: true;
  outDir: string;
}

/** What the wallet says about the submissions of unknown outcome (see {@link PipelineRun}). */
export interface UnknownOutcome {
  /** Balance before the first submission and at the end of the run. */
  before: number;
  after: number;
  /** Credits the accepted submissions account for (refunds of failed tasks deducted). */
  accounted: number;
  /** Credits the wallet lost beyond those: what the unknown submissions most likely cost. */
  unexplained: number;
  /** Submissions of unknown outcome in this run. */
  submissions: number;
}

/**
 * Runs the whole pipeline of DESIGN.md on many models: hash → plan (from packs, cache and journal) →
 * segment (Tripo or local) → split → pack, p-limit bounding the models in flight and one StudioClient
 * (one rate limiter) serving every request. One model's failure never stops the others; it is returned
 * as that model's `error`. Before the first paid submission, every planned submission passes the free
 * checks (a model that fails them is an `input` failure that costs nothing) and the wallet balance is
 * read. Throws {@link PipelineUsageError} (nothing submitted) for bad inputs, a locked output folder,
 * or a plan the balance cannot pay for ({@link BalanceTooLowError}).
 */
export async function runPipeline(options: RunPipelineOptions): Promise<PipelineRun> {
  checkRunPipelineOptions(options);
  const concurrency = options.concurrency ?? RUN_PIPELINE_DEFAULTS.concurrency;
  const outDir = resolve(options.outDir);
  await assertOutputFolder(outDir);
  // A catalog.json that meshparts did not write is refused (exit 2) before anything runs.
  const catalog = await readCatalog(outDir);
  const apiKey = options.client?.apiKey ?? process.env.THREEDAISTUDIO_API_KEY;
  const segmenter = chooseSegmenter(options.segmenter, apiKey);
  const emit = (event: PipelineEvent) => options.onEvent?.(event);
  // A missing input among good ones fails alone (the others run); only when none exists is it usage.
  const { present, missing } = await splitMissingInputs(options.inputs);
  const inputs = await expandInputs(present.length > 0 ? present : options.inputs, outDir);
  // The client is made before anything is written: a bad base URL (plain http to a remote host) or a
  // key no HTTP header can carry is bad usage, found before the output folder is locked.
  let client: StudioClient | undefined;
  if (segmenter === 'tripo') client = makeClient(options.client, apiKey);
  const settings = options.split ?? {};
  const gallery = options.gallery ?? true;
  const key = splitKey(settings, gallery);
  // Every model in flight listens to the run's signal (waits, requests, the rate limiter's queue):
  // one listener on the caller's signal, and no "possible memory leak" warning at high concurrency.
  const run = new AbortController();
  setMaxListeners(0, run.signal);
  const onAbort = () => run.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  let lock: Awaited<ReturnType<typeof acquireLock>> | undefined;
  let journal: Journal | undefined;
  try {
    lock = options.dryRun ? undefined : await lockOutput(outDir);
    if (lock) await removeStaleTemps(outDir);
    journal = options.dryRun ? undefined : await Journal.open(outDir);
    const history: JournalHistory = journal?.history ?? (await readJournal(outDir));
    const cache = new SegmentCache(outDir, cacheVariant(segmenter, settings));
    const { models, unreadable } = await identify(inputs.files, outDir, catalog, run.signal);
    const failedInputs = [
      ...missing.map((file) => inputFailure(file, `input not found: ${file}`, segmenter)),
      ...inputs.unreadable.map(({ path, reason }) => inputFailure(path, reason, segmenter)),
      ...unreadable.map(({ path, reason }) => inputFailure(path, reason, segmenter)),
    ];
    // Nothing could be read at all: nothing was done, which is bad input (exit 2), not a failure.
    if (models.length === 0) {
      throw new PipelineUsageError(failedInputs.map((r) => r.error!.message).join('; '));
    }
    const plans = await planRun({
      models,
      segmenter,
      history,
      cache,
      splitKey: key,
      resubmitUnknown: options.resubmitUnknown ?? false,
      resubmitExpired: options.resubmitExpired ?? false,
      maxCredits: options.maxCredits,
      limits: settings.limits ?? {},
      maxUploadBytes: maxUploadBytes(options.client),
      dropDamaged: !options.dryRun,
      packOf: (model) => readCompletePack(join(outDir, model.slug), model.sha256, segmenter),
    });
    const plannedCredits = plans.reduce((sum, plan) => sum + plan.credits, 0);
    emit({
      type: 'plan',
      segmenter,
      plans,
      credits: plannedCredits,
      missing: missing.length,
      unreadable: failedInputs.length - missing.length,
    });
    const base = { segmenter, plans, plannedCredits, catalogPath: catalogPath(outDir), outDir };
    // The balance, read before the first submission: a plan it cannot pay for is refused whole.
    const balance =
      client && plannedCredits > 0 ? await balanceBeforeSubmitting(client, run.signal) : undefined;
    if (options.dryRun) {
      const results = sortByFile([...plans.map((plan) => plannedResult(plan, segmenter)), ...failedInputs]);
      return {
        ...base,
        dryRun: true,
        results,
        spentCredits: 0,
        unknownCredits: 0,
        ...(balance !== undefined ? { balance } : {}),
      };
    }
    if (balance !== undefined && balance < plannedCredits) {
      throw new BalanceTooLowError(plannedCredits, balance, SEGMENTATION_CREDITS);
    }

    const limit = pLimit(concurrency);
    const context = {
      outDir,
      segmenter,
      journal: journal!,
      cache,
      client,
      settings,
      gallery,
      splitKey: key,
      waitTimeoutMs: options.waitTimeoutMs,
      signal: run.signal,
      emit,
      shared: new Map<string, Promise<unknown>>(),
      maxUploadBytes: maxUploadBytes(options.client),
    };
    const processed = await Promise.all(plans.map((plan) => limit(() => processModel(context, plan))));
    for (const result of failedInputs)
      emit({ type: 'failed', model: result.model, error: result.error!, result });
    const results = sortByFile([...processed, ...failedInputs]);
    let catalogError: string | undefined;
    let galleryError: string | undefined;
    let galleryPage: string = GALLERY_PAGE;
    const packed = processed.some((r) => r.manifestPath !== undefined);
    // A run that made no pack into a folder without a catalog (every model failed) writes neither a
    // catalog nor a page: an empty gallery is not a result, and "nothing was done" (exit 2) holds.
    const cataloged =
      packed ||
      (await stat(catalogPath(outDir)).then(
        () => true,
        () => false,
      ));
    if (cataloged)
      try {
        const catalog = await writeCatalog(
          outDir,
          `meshparts@${VERSION}`,
          processed.filter((r) => r.manifestPath !== undefined).map((r) => catalogEntry(outDir, r)),
          new Set(processed.map((r) => r.model.slug)),
        );
        // The page over every pack reads catalog.json when it opens, so it follows the catalog; it is
        // a view, not a result: one that cannot be written (an index.html of the user's) is reported
        // and changes no exit code.
        try {
          if (gallery) {
            const written = await writeRunGallery(outDir, catalog);
            // Beside an index.html of the user's, the page has its own name.
            if (!written.includes(GALLERY_PAGE)) galleryPage = RUN_GALLERY_FALLBACK_PAGE;
          } else {
            // Without pages, a page left by an earlier run would link to pack pages that are gone.
            await removeRunGallery(outDir);
          }
        } catch (error) {
          galleryError = messageOf(error);
        }
      } catch (error) {
        // The packs are written and journaled; a catalog that cannot be written (a full disk) must not
        // hide every model's result. The run reports it, and the next run writes the catalog again.
        catalogError = `cannot write ${catalogPath(outDir)}: ${messageOf(error)}`;
      }
    const spentCredits = results.reduce((sum, r) => sum + r.credits, 0);
    const unknownCredits = results.reduce((sum, r) => sum + (r.unknownCredits ?? 0), 0);
    const unknownOutcome =
      client && balance !== undefined && unknownCredits > 0
        ? await compareBalance(client, balance, spentCredits, unknownCredits)
        : undefined;
    return {
      ...base,
      dryRun: false,
      results,
      spentCredits,
      unknownCredits,
      ...(balance !== undefined ? { balance } : {}),
      ...(unknownOutcome ? { unknownOutcome } : {}),
      ...(catalogError ? { catalogError } : {}),
      ...(catalogError || galleryError || !cataloged || !gallery
        ? {}
        : { galleryPath: join(outDir, galleryPage) }),
      ...(cataloged ? {} : { nothingCataloged: true as const }),
      ...(galleryError ? { galleryError } : {}),
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await journal?.close();
    await client?.close();
    await lock?.release();
  }
}

/** The wallet balance, read before anything is submitted: a key the API refuses is bad usage. */
async function balanceBeforeSubmitting(client: StudioClient, signal: AbortSignal): Promise<number> {
  try {
    return await walletBalance(client, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    if (isAuthenticationError(error)) {
      throw new PipelineUsageError(`the API refused the key: ${messageOf(error)}; nothing was submitted`);
    }
    throw new Error(
      `cannot read the wallet balance before submitting: ${messageOf(error)}; nothing was submitted`,
      {
        cause: error,
      },
    );
  }
}

/**
 * What the wallet says about this run's submissions of unknown outcome: the balance now against the
 * balance before the first submission less what the accepted ones cost. Best effort (a second
 * account user or a refund still on its way blurs it): undefined when the wallet cannot be read.
 */
async function compareBalance(
  client: StudioClient,
  before: number,
  accounted: number,
  unknownCredits: number,
): Promise<UnknownOutcome | undefined> {
  try {
    const after = await walletBalance(client);
    return {
      before,
      after,
      accounted,
      unexplained: Math.max(0, before - after - accounted),
      submissions: unknownCredits / SEGMENTATION_CREDITS,
    };
  } catch {
    return undefined;
  }
}

/**
 * The output folder may exist (a rerun) but must be a folder, and not a pack: a run writes one pack
 * per model into folders of their own, with its catalog and its page (`index.html`, `gallery/`) at
 * the top, and would replace a pack's own page there. Checked before anything is created or read.
 */
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
    return;
  }
  // The same rule writePack applies to a pack folder (@meshparts/split's readPackOwner).
  const owner = await readPackOwner(outDir);
  if (owner.kind === 'pack') {
    throw new PipelineUsageError(
      `the output folder ${outDir} is a meshparts pack (of ${owner.manifest.source.file}), not a run's output: a run writes one pack per model into folders of its own; nothing was done, choose another output folder (a new or empty one, or a run's earlier output)`,
    );
  }
}

/**
 * Creates and locks the output folder (the lock takes back the folders it created when it is
 * released and they are still empty). A folder that cannot be written (read-only, full, no
 * permission) is bad usage: nothing has been submitted or written, and the message says why.
 */
async function lockOutput(outDir: string): Promise<Awaited<ReturnType<typeof acquireLock>>> {
  try {
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

/** An input that does not exist or cannot be read: a failed result of its own (code `input`). */
function inputFailure(file: string, reason: string, segmenter: SegmenterName): ModelResult {
  return {
    model: { file, slug: safeFileName(basename(file)), sha256: '' },
    outcome: 'failed',
    segmenter,
    action: 'blocked',
    credits: 0,
    durationMs: 0,
    error: new ModelError('input', reason),
  };
}

function sortByFile(results: ModelResult[]): ModelResult[] {
  return results.sort((a, b) => (a.model.file < b.model.file ? -1 : a.model.file > b.model.file ? 1 : 0));
}

/**
 * Hashes every input (two at a time: disk-bound) and assigns stable, unique slugs from what the output
 * folder holds (slug.ts); a folder in the way that is not meshparts' is a PipelineUsageError. A file
 * that cannot be read (no permission, an I/O error) is set apart: it fails alone, the others go on.
 */
async function identify(
  files: readonly string[],
  outDir: string,
  catalog: readonly CatalogEntry[],
  signal: AbortSignal | undefined,
): Promise<{ models: ModelRef[]; unreadable: { path: string; reason: string }[] }> {
  const limit = pLimit(2);
  const hashes = await Promise.all(
    files.map((file) =>
      limit(() =>
        modelDigest(file, signal).then(
          (sha256) => ({ file, sha256 }),
          (error: unknown) => {
            if (signal?.aborted) throw error;
            return { file, reason: `cannot read ${file}: ${messageOf(error)}` };
          },
        ),
      ),
    ),
  );
  const withHash = hashes.filter((h): h is { file: string; sha256: string } => 'sha256' in h);
  const unreadable = hashes
    .filter((h): h is { file: string; reason: string } => 'reason' in h)
    .map(({ file, reason }) => ({ path: file, reason }));
  const slugs = await assignSlugs(withHash, (name) => safeFileName(name), slugOwnersOnDisk(outDir, catalog));
  return { models: withHash.map((model, i) => ({ ...model, slug: slugs[i]! })), unreadable };
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
    // Relative to the output folder, as every path of the catalog: an absolute path as typed would
    // ship the user's home folder with the packs, and one relative to where the run was started
    // means nothing to whoever reads the catalog.
    model: rel(resolve(result.model.file)),
    sha256: result.model.sha256,
    pack: result.model.slug,
    manifest: rel(result.manifestPath!),
    parts: result.parts ?? 0,
    segmenter: result.segmenter,
    taskId: result.taskId ?? null,
  };
}
