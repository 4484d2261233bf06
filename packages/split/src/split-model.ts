import type { ILogger, NodeIO } from '@gltf-transform/core';
import type { PartPlan, PlannedPart } from './detect/detect-parts.js';
import type { Bounds } from './geometry.js';
import {
  checkSplitModelOptions,
  recordedStrategy,
  type SourceSegmentation,
  type SplitOptions,
  THUMBNAILS_DEFAULT,
} from './options.js';
import type { Manifest, Segmenter } from './pack/manifest.js';
import { PackPreviews, type PreviewScenes } from './pack/pack-previews.js';
import type { SourceCredits } from './pack/source-credits.js';
import { writePack } from './pack/write-pack.js';
import type { PackPart } from './parts/split-parts.js';
import type { PackTextures } from './parts/textures/pack-textures.js';
import type { ReadModel } from './read/read-model.js';

/**
 * `@meshparts/split/split-model`: {@link splitModel}, and what its two ways of splitting share. Light
 * on purpose: the byte-level split (fast/) and the Document path (split-document.ts, with
 * glTF-Transform's reader, detection and the part encoders) are loaded when a model needs them, so
 * that `meshparts split` of a plain segmented GLB loads neither detection nor the reader (~90 ms of
 * its start-up).
 */

/** Whose a folder is, by the pack writer's rules: for callers that check a target before splitting. */
export { type PackOwner, readPackOwner } from './pack/pack-folder.js';
/** The options of {@link splitModel}: how to cut ({@link SplitOptions}) and what the manifest records. */
export type { SourceSegmentation };

export interface SplitModelOptions extends SplitOptions {
  /** Manifest `generator`; default `meshparts@<version>`. */
  generator?: string;
  /** Manifest `source.segmenter`; default `none`. */
  segmenter?: Segmenter;
  /** Manifest `source.taskId`; default null. */
  taskId?: string | null;
  /**
   * The input the manifest names as its source, when it is not the file being split: the pipeline
   * splits Tripo's segmented GLB but records the user's model (its file name, size and sha256).
   * Default: the file being split.
   */
  sourceFile?: { file: string; byteLength: number; sha256: string };
  /**
   * How a segmenter found the parts before the model came to the split, for the manifest's
   * `source.strategy` and `source.reason`: the pipeline splits the local segmenter's GLB (one mesh node
   * per part), whose own plan would only say `nodes` ("the scene has 6 mesh nodes"), while the parts of
   * the user's fused mesh were found by `shape`. Recorded when the split takes the parts as they are
   * (its plan is `nodes`, on either path); a split that cuts the model further records its own plan.
   * Default: none, the split's plan is recorded.
   */
  segmentation?: SourceSegmentation;
  /**
   * IO for writing part files (default: chosen from the parts' extensions). Given, every part is
   * written through it (glTF-Transform's writer); without it, static parts with core materials are
   * encoded directly (see splitParts): 1.4–1.8× faster end to end on a 500-part model.
   */
  io?: NodeIO;
  /** fsync the pack's files and folders (see WritePackOptions.durable for the default). */
  durable?: boolean;
  /**
   * Stops the split: before it reads, and in the pack writer before each part and file and before
   * the commit (WritePackOptions.signal). Aborted, it throws the signal's reason and `dir` is as it
   * was.
   */
  signal?: AbortSignal;
  /** Logger for reading and splitting when `splitModel` reads the input itself. */
  logger?: ILogger;
  /** Write the gallery page (`index.html` and `gallery/`) into the pack. Default true. */
  gallery?: boolean;
  /**
   * Split GLBs of the common layout at the byte level (fast/fast-plan.ts), without a Document, and read
   * those the options leave to the Document path with the byte-level reader (fast/fast-document.ts):
   * the same files, faster. Default true; false reads every model with glTF-Transform's reader and
   * splits it through a Document (for comparison).
   */
  fastPath?: boolean;
}

/**
 * What {@link splitModel} says of its plan: the strategy, why, and each part's identity (the
 * Document's PartPlan without its glTF-Transform objects, so that the byte-level split, which builds
 * no Document, says the same; `planParts` gives the full plan).
 */
export interface PlanSummary extends Omit<PartPlan, 'parts' | 'scene' | 'needsLabels'> {
  parts: Array<Pick<PlannedPart, 'id' | 'sourceName' | 'sourceNames' | 'parent'>>;
}

/** The result of {@link splitModel}. */
export interface SplitModelResult {
  manifest: Manifest;
  plan: PlanSummary;
  /** Absolute or given path of the pack folder. */
  dir: string;
}

export { modelNameOf } from './model-name.js';

/** What both ways of splitting hand to the pack writer. */
export interface PackJob {
  parts: AsyncIterable<PackPart>;
  previews: PackPreviews;
  textures?: PackTextures;
  /** The input's name, size and sha256 (a promise: the byte-level split hashes on another thread). */
  source:
    | NonNullable<SplitModelOptions['sourceFile']>
    | Promise<NonNullable<SplitModelOptions['sourceFile']>>;
  credits: SourceCredits;
  plan: Pick<PartPlan, 'strategy' | 'reason' | 'sceneNote'>;
  bounds: Bounds;
}

/** The previews a split's options ask for, drawn from `scenes`. */
export function packPreviewsOf(scenes: PreviewScenes, options: SplitModelOptions): PackPreviews {
  return new PackPreviews(scenes, {
    thumbnails: options.thumbnails === undefined ? THUMBNAILS_DEFAULT : options.thumbnails,
    gallery: options.gallery ?? true,
  });
}

/** Writes the pack of a split (either way): parts, shared textures, previews, the manifest. */
export async function writeSplitPack(
  dir: string,
  job: PackJob,
  options: SplitModelOptions,
): Promise<Manifest> {
  const { previews, textures, plan } = job;
  const { strategy, reason } = recordedStrategy(plan, options.segmentation);
  const source = Promise.resolve(job.source).then((source) => ({
    ...source,
    ...job.credits,
    segmenter: options.segmenter ?? 'none',
    taskId: options.taskId ?? null,
    strategy,
    reason,
    ...(plan.sceneNote ? { sceneNote: plan.sceneNote } : {}),
  }));
  // Awaited by writePack once the parts are written; a failure before that is not unhandled.
  source.catch(() => {});
  return writePack(dir, previews.withThumbnails(job.parts), {
    files: async (context) => [
      ...(textures?.shared?.files() ?? []).map(({ path, bytes }) => ({ path, bytes })),
      ...(await previews.files(context)),
    ],
    source,
    bounds: job.bounds,
    ...(options.generator ? { generator: options.generator } : {}),
    ...(options.io ? { io: options.io } : {}),
    ...(options.durable ? { durable: true } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/**
 * The one call from a model to a pack: read (or take an already-read model), detect, name, split, and
 * write `dir` atomically. A GLB of the common layout (fast/fast-plan.ts says which) is split at the
 * byte level, without a glTF-Transform Document, into the same files; everything else is read into a
 * Document first (by the byte-level reader when the layout is that one and only the options need the
 * Document: fast/fast-document.ts). Label strategies modify the read document in place (it belongs to this call unless
 * a ReadModel is passed in). Throws a SplitError of kind `input` for a model that cannot be split
 * (ModelReadError, ModelLimitError, NoPartsError, ...) and PackWriteError when `dir` cannot take the
 * pack, and a RangeError naming the option for an unknown option or a bad value (checkSplitModelOptions,
 * before anything is read); nothing is written then.
 */
export async function splitModel(
  input: string | Uint8Array | ReadModel,
  dir: string,
  options: SplitModelOptions = {},
): Promise<SplitModelResult> {
  checkSplitModelOptions(options);
  if (typeof dir !== 'string' || dir === '')
    throw new RangeError(
      `splitModel needs the folder to write the pack into: splitModel(input, dir, options), got ${
        typeof dir === 'string' ? 'an empty string' : String(dir)
      }`,
    );
  options.signal?.throwIfAborted();
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    const { documentSourceOf, splitDocument } = await import('./split-document.js');
    return splitDocument(documentSourceOf(input, options), dir, options);
  }
  if (options.fastPath !== false) {
    const fast = await import('./fast/fast-split.js');
    const result = await fast.splitFast(input, dir, options);
    if (result) return result;
  }
  const { readDocumentSource, splitDocument } = await import('./split-document.js');
  return splitDocument(await readDocumentSource(input, options), dir, options);
}
