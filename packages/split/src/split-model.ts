import type { Document, ILogger, NodeIO } from '@gltf-transform/core';
import type { PartPlan } from './detect/detect-parts.js';
import { partNameInputs } from './detect/name-inputs.js';
import { planParts } from './detect/plan-parts.js';
import { ModelLimitError, NoPartsError } from './errors.js';
import { sha256Hex } from './hash.js';
import { ImageCache } from './images/image-cache.js';
import { modelNameOf } from './model-name.js';
import {
  NAMING_DEFAULTS,
  resolveLimits,
  SPLIT_DEFAULTS,
  type SplitOptions,
  THUMBNAILS_DEFAULT,
} from './options.js';
import type { Manifest, Segmenter } from './pack/manifest.js';
import { nameParts } from './pack/naming/index.js';
import { PackPreviews } from './pack/pack-previews.js';
import { sourceCredits } from './pack/source-credits.js';
import { writePack } from './pack/write-pack.js';
import { splitParts } from './parts/split-parts.js';
import { PackTextures } from './parts/textures/pack-textures.js';
import { asReadModel, type ReadModel } from './read/read-model.js';
import { sceneBounds } from './scene.js';

/** The options of {@link splitModel}: how to cut ({@link SplitOptions}) and what the manifest records. */
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
   * IO for writing part files (default: chosen from the parts' extensions). Given, every part is
   * written through it (glTF-Transform's writer); without it, static parts with core materials are
   * encoded directly (see splitParts): 1.4–1.8× faster end to end on a 500-part model.
   */
  io?: NodeIO;
  /** fsync the pack's files and folders (see WritePackOptions.durable for the default). */
  durable?: boolean;
  /** Logger for reading and splitting when `splitModel` reads the input itself. */
  logger?: ILogger;
  /** Write the gallery page (`index.html` and `gallery/`) into the pack. Default true. */
  gallery?: boolean;
}

/** The result of {@link splitModel}. */
export interface SplitModelResult {
  manifest: Manifest;
  plan: PartPlan;
  /** Absolute or given path of the pack folder. */
  dir: string;
}

export { modelNameOf } from './model-name.js';

/**
 * Plans and names an already-read model's parts (label strategies rebuild its document in place).
 * Shared by splitModel and inspectModel, so that inspect reports exactly what split writes.
 */
export async function planAndName(
  model: Pick<ReadModel, 'document' | 'file'>,
  options: SplitOptions & { sourceFile?: { file: string } },
): Promise<{ plan: PartPlan; names: string[] }> {
  const plan = await planParts(model.document, options);
  if (plan.parts.length === 0) {
    throw new NoPartsError(`${model.file} has nothing to split: ${plan.reason}`);
  }
  const { maxParts } = resolveLimits(options.limits);
  if (plan.parts.length > maxParts) {
    throw new ModelLimitError(
      model.file,
      `${model.file} splits into ${plan.parts.length} parts, over the limit of ${maxParts} (--max-parts)`,
      'maxParts',
      plan.parts.length,
      maxParts,
    );
  }
  const inputs = await partNameInputs(
    model.document,
    plan,
    options.naming?.template ?? NAMING_DEFAULTS.template,
  );
  const names = nameParts(inputs, {
    model: modelNameOf(options.sourceFile?.file ?? model.file),
    ...options.naming,
  });
  return { plan, names };
}

/** What splitModel keeps of its input: the document, and the file's bytes reduced to size and hash. */
interface SplitSource {
  document: Document;
  file: string;
  source: NonNullable<SplitModelOptions['sourceFile']>;
}

/**
 * Reads the input (unless it is already read) and takes the size and sha256 of its bytes at once. The
 * bytes are not kept: once parsed they are a second copy of the model, and letting them go before the
 * parts are made lowers a split's peak memory by the file's size (BENCHMARKS.md, target 1). A caller
 * that passes bytes or a ReadModel keeps its own reference, of course.
 */
async function readSource(
  input: string | Uint8Array | ReadModel,
  options: SplitModelOptions,
): Promise<SplitSource> {
  const model = await asReadModel(input, options.logger, options.limits);
  const source = options.sourceFile ?? {
    file: model.file,
    byteLength: model.bytes.byteLength,
    sha256: sha256Hex(model.bytes),
  };
  return { document: model.document, file: model.file, source };
}

/**
 * The one call from a model to a pack: read (or take an already-read model), detect, name, split, and
 * write `dir` atomically. Label strategies modify the read document in place (it belongs to this call
 * unless a ReadModel is passed in). Throws a SplitError of kind `input` for a model that cannot be
 * split (ModelReadError, ModelLimitError, NoPartsError, ...) and PackWriteError when `dir` cannot take
 * the pack; nothing is written then.
 */
export async function splitModel(
  input: string | Uint8Array | ReadModel,
  dir: string,
  options: SplitModelOptions = {},
): Promise<SplitModelResult> {
  const model = await readSource(input, options);
  const bounds = sceneBounds(model.document);
  const { plan, names } = await planAndName(model, options);
  // Parts are made one at a time as the pack is written: one part in memory, not all of them. A
  // caller's own IO means its writer settings: every part then goes through glTF-Transform's writer.
  // One decode per image for the whole pack: the crops of every part and the thumbnails share it.
  const images = new ImageCache();
  const textures = new PackTextures({
    mode: options.textures ?? SPLIT_DEFAULTS.textures,
    format: options.textureFormat ?? SPLIT_DEFAULTS.textureFormat,
    webpFallback: options.webpFallback ?? SPLIT_DEFAULTS.webpFallback,
    images,
  });
  const parts = splitParts(model.document, plan, {
    pivot: options.pivot ?? SPLIT_DEFAULTS.pivot,
    names,
    direct: options.io === undefined,
    textures,
  });
  const previews = new PackPreviews(model.document, plan, {
    thumbnails: options.thumbnails === undefined ? THUMBNAILS_DEFAULT : options.thumbnails,
    gallery: options.gallery ?? true,
    images,
  });
  const manifest = await writePack(dir, previews.withThumbnails(parts), {
    files: async (context) => [
      ...(textures.shared?.files() ?? []).map(({ path, bytes }) => ({ path, bytes })),
      ...(await previews.files(context)),
    ],
    source: {
      ...model.source,
      ...sourceCredits(model.document),
      segmenter: options.segmenter ?? 'none',
      taskId: options.taskId ?? null,
      strategy: plan.strategy,
      reason: plan.reason,
      ...(plan.sceneNote ? { sceneNote: plan.sceneNote } : {}),
    },
    bounds,
    ...(options.generator ? { generator: options.generator } : {}),
    ...(options.io ? { io: options.io } : {}),
    ...(options.durable ? { durable: true } : {}),
  });
  return { manifest, plan, dir };
}
