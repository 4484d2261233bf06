import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  checkSplitOptions,
  LABEL_STRATEGIES,
  type LabelStrategy,
  type PartStrategy,
} from '@meshparts/split/options';
import {
  createIO,
  type GranularityOptions,
  type LabelOptions,
  MANIFEST_FILE,
  type ModelLimits,
  modelNameOf,
  type PackOwner,
  readModel,
  readPackOwner,
  type SourceSegmentation,
  SPLIT_DEFAULTS,
  type SplitOptions,
  STAGING_PREFIX,
  safeFileName,
  segmentLocally,
  splitModel,
  THUMBNAILS_DEFAULT,
  verifyPack,
} from '@meshparts/split/pack';
import { VERSION } from '../version.js';
import { ModelError, PipelineUsageError } from './errors.js';

/**
 * The one place that knows @meshparts/split's API: local segmentation, splitting a segmented GLB into
 * a pack, and the names helper. A change in the split package touches this file alone. The pipeline
 * takes the library's own SplitOptions (what `meshparts split` builds from its flags) as they are.
 */

export type { GranularityOptions, LabelOptions, ModelLimits, PackOwner, SourceSegmentation, SplitOptions };
export { readPackOwner, STAGING_PREFIX, safeFileName, verifyPack };

/**
 * Checks runPipeline's `split` options (keys and values, @meshparts/split's checkSplitOptions) before
 * the run reads or writes anything: a bad one is a PipelineUsageError naming it (`option split.pivot
 * must be one of original, center, bottom, got "top"`), so that it never reaches a manifest.
 */
export function checkPipelineSplitOptions(options: unknown): void {
  try {
    checkSplitOptions(options, 'option split.');
  } catch (error) {
    throw new PipelineUsageError((error as Error).message, { cause: error });
  }
}

/**
 * A stable fingerprint of what a pack's content depends on: a pack made with other split options is
 * re-split (for free). Limits change no output, so they are not part of it.
 */
export function splitKey(options: SplitOptions, gallery = true): string {
  const naming = options.naming ?? {};
  const plain = {
    strategy: options.strategy ?? SPLIT_DEFAULTS.strategy,
    attribute: options.labels?.attribute ?? null,
    pivot: options.pivot ?? SPLIT_DEFAULTS.pivot,
    instances: options.instances ?? SPLIT_DEFAULTS.instances,
    nameTemplate: naming.template ?? null,
    case: naming.case ?? null,
    rename: naming.rename?.map((rule) => [String(rule.match), rule.name]) ?? null,
    labels: options.labels ? Object.entries(options.labels).sort() : null,
    thumbnails: options.thumbnails === undefined ? THUMBNAILS_DEFAULT : options.thumbnails,
    textures: options.textures ?? SPLIT_DEFAULTS.textures,
    textureFormat: options.textureFormat ?? SPLIT_DEFAULTS.textureFormat,
    webpFallback: options.webpFallback ?? SPLIT_DEFAULTS.webpFallback,
    granularity: options.granularity ? Object.entries(options.granularity).sort() : null,
    // Only when off, so that the keys of packs written before the option existed stay the same.
    ...(gallery ? {} : { gallery: false }),
  };
  return createHash('sha256').update(JSON.stringify(plain)).digest('hex').slice(0, 16);
}

/**
 * The cache variant of a segmentation: `tripo`, or `local` plus a fingerprint of the label and
 * granularity options when they are not the defaults, since the local segmenter's output depends on them.
 */
export function cacheVariant(segmenter: 'tripo' | 'local', options: SplitOptions): string {
  const strategy = localStrategyOf(options);
  const labels = [
    ...(options.labels ? Object.entries(options.labels).sort() : []),
    ...(options.granularity ? Object.entries(options.granularity).sort() : []),
    ...(strategy ? [['strategy', strategy]] : []),
  ];
  if (segmenter === 'tripo' || labels.length === 0) return segmenter;
  return `local-${createHash('sha256').update(JSON.stringify(labels)).digest('hex').slice(0, 12)}`;
}

/**
 * The strategy the local segmenter is asked for: an explicit label strategy (`--strategy shape`,
 * `colors`, ...) cuts the model itself, and the split then takes its output by nodes, as it takes
 * Tripo's (see {@link splitOptionsFor}); anything else leaves the local segmenter on `auto`.
 */
export function localStrategyOf(options: Pick<SplitOptions, 'strategy'>): LabelStrategy | undefined {
  const strategy = options.strategy;
  return strategy && (LABEL_STRATEGIES as readonly string[]).includes(strategy)
    ? (strategy as LabelStrategy)
    : undefined;
}

/**
 * The split options for a segmented GLB: as given, except that a label strategy the local
 * segmenter already applied is not applied again to its parts (`shape` would cut them further).
 */
export function splitOptionsFor(options: SplitOptions, segmenter: 'tripo' | 'local'): SplitOptions {
  return segmenter === 'local' && localStrategyOf(options) ? { ...options, strategy: 'nodes' } : options;
}

export interface LocalSegmentation {
  /** A Tripo-layout GLB: one named node per part. */
  bytes: Uint8Array;
  parts: number;
  /** What the segmenter cut the model by: `nodes` (already in parts), a label strategy, `none` (no mesh). */
  strategy: PartStrategy | 'none';
  /** The segmenter's one sentence: what it found and did. */
  reason: string;
}

export { recordedSegmentation } from './recorded-segmentation.js';

/** How {@link segmentFileLocally} segments; every field has the split's default. */
export interface LocalSegmentOptions {
  labels?: LabelOptions;
  limits?: Partial<ModelLimits>;
  granularity?: GranularityOptions;
  /** A label strategy to cut by; without one the segmenter picks (`auto`). */
  strategy?: LabelStrategy | undefined;
  /** The file name of bytes (an upload's): it tells their format (`.obj` and `.stl` are converted). */
  name?: string | undefined;
}

/** Segments a model file, or a model's bytes, offline (geometry only) into a Tripo-layout GLB. */
export async function segmentFileLocally(
  input: string | Uint8Array,
  options: LocalSegmentOptions = {},
): Promise<LocalSegmentation> {
  const { labels = {}, limits = {}, granularity = {}, strategy, name } = options;
  const model = await readModel(input, { limits, ...(name !== undefined ? { name } : {}) });
  const result = await segmentLocally(model.document, {
    labels,
    granularity,
    ...(strategy ? { strategy } : {}),
  });
  // A .gltf may spread its data over several buffers; a GLB holds exactly one. Loaded here, not at
  // the top: @gltf-transform/functions costs ~130 ms of start-up that splitting alone does not need.
  const { unpartition } = await import('@gltf-transform/functions');
  await result.document.transform(unpartition());
  const io = await createIO({ ...model.codecs, encode: true });
  const bytes = await io.writeBinary(result.document);
  return { bytes, parts: result.parts, strategy: result.strategy, reason: result.reason };
}

/**
 * glTF-Transform's own notes while a model is read and packed for the upload ("sparse accessors may
 * increase file size"): about a temporary GLB the user never sees, so not printed.
 */
const QUIET = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * Reads a .glb or .gltf as the paid path needs it, before anything is paid: the file reads and passes
 * preflight within `limits`, and the scene that would be split has at least one mesh node. With
 * `pack`, returns the bytes to upload when the file is not one self-contained GLB (a .gltf, or a GLB
 * with external buffers or images): the API takes one file, so the model and its resources go as one
 * GLB. Returns undefined when the file itself can be uploaded (or without `pack`). Throws the split
 * package's ModelReadError / ModelLimitError, or a ModelError `input` for a model with no mesh.
 */
export async function readForUpload(
  file: string,
  limits: Partial<ModelLimits>,
  pack: boolean,
): Promise<Uint8Array | undefined> {
  const model = await readModel(file, { limits, logger: QUIET });
  // The scene helpers live in the main entry (it loads @gltf-transform/functions): paid path only.
  const { listMeshNodes, selectScene } = await import('@meshparts/split');
  if (listMeshNodes(selectScene(model.document).scene).length === 0) {
    throw new ModelError('input', `${file} has no mesh in its scene: nothing to segment`);
  }
  const root = model.document.getRoot();
  const external =
    /\.gltf$/i.test(file) ||
    root.listBuffers().some((buffer) => buffer.getURI() !== '') ||
    root.listTextures().some((texture) => texture.getURI() !== '');
  if (!pack || !external) return undefined;
  const { unpartition } = await import('@gltf-transform/functions');
  await model.document.transform(unpartition());
  for (const buffer of root.listBuffers()) buffer.setURI('');
  for (const texture of root.listTextures()) texture.setURI('');
  const io = await createIO({ ...model.codecs, encode: true });
  io.setLogger(QUIET);
  return io.writeBinary(model.document);
}

/**
 * The emulator's `segment` hook: an upload's bytes in (GLB, or OBJ and STL by their file name), segmented
 * GLB bytes out (what `meshparts emulate` serves).
 */
export async function segmentBytesLocally(input: Uint8Array, filename?: string): Promise<Uint8Array> {
  return (await segmentFileLocally(input, { name: filename })).bytes;
}

export interface PackSource {
  /** The original model's file name (not the cached segmented GLB's). */
  file: string;
  sha256: string;
  byteLength: number;
  segmenter: 'tripo' | 'local';
  taskId: string | null;
  /**
   * How the local segmenter cut the model (from its result, or the journal's `segmented` line of the
   * cached entry): the manifest's `source.strategy`/`reason`. Absent for Tripo and older cache entries.
   */
  segmentation?: SourceSegmentation;
}

/**
 * Splits a segmented GLB into a pack at `packDir` (written atomically by writePack). The manifest's
 * `source` describes the ORIGINAL model (file, size, sha256), not the cached segmented GLB: that is what
 * a rerun compares to decide whether the pack is still current. With `source.segmentation`, its
 * `strategy` and `reason` are the local segmenter's (`shape`, not the `nodes` its GLB splits by).
 */
export async function packSegmented(args: {
  segmentedPath: string;
  packDir: string;
  source: PackSource;
  options: SplitOptions;
  /** The pack's page (`index.html`, `gallery/`); default true. */
  gallery?: boolean;
  /** Stops the split between parts (splitModel's `signal`): it throws the reason, `packDir` untouched. */
  signal?: AbortSignal | undefined;
}): Promise<{ parts: number; manifestPath: string }> {
  const { options, source } = args;
  // From the path: a segmented GLB of the common layout is split at the byte level, and one that needs
  // a Document read at the byte level (splitModel), the parts streamed into the pack one at a time.
  const { manifest } = await splitModel(args.segmentedPath, args.packDir, {
    ...options,
    naming: { model: modelNameOf(source.file), ...options.naming },
    sourceFile: { file: source.file, byteLength: source.byteLength, sha256: source.sha256 },
    segmenter: source.segmenter,
    taskId: source.taskId,
    ...(source.segmentation ? { segmentation: source.segmentation } : {}),
    generator: `meshparts@${VERSION}`,
    ...(args.gallery === false ? { gallery: false } : {}),
    ...(args.signal ? { signal: args.signal } : {}),
  });
  return { parts: manifest.parts.length, manifestPath: join(args.packDir, MANIFEST_FILE) };
}
