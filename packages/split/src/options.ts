/**
 * `@meshparts/split/options`: every choice, default, range and validator of a split, in one place,
 * and the one {@link SplitOptions} type. It imports no glTF code, so the CLI builds its flags, help
 * text and checks from it without loading glTF-Transform (start-up time: BENCHMARKS.md, target 6).
 * Nothing else in the repository retypes a default or a choice list.
 */

import { describeOptionValue } from './option-table.js';
import type { RenameMap } from './pack/naming/rename-map.js';

// ---------------------------------------------------------------------------------------------
// Choices

/**
 * The model files @meshparts/split reads (readModel, splitModel, inspectModel, the local segmenter), by
 * extension: glTF, and OBJ and STL converted in memory (read/mesh-import.ts). Other formats (.fbx)
 * need a segmenter that converts them, such as Tripo's.
 */
export const MODEL_FILE_EXTENSIONS = ['.glb', '.gltf', '.obj', '.stl'] as const;

/** Every strategy name accepted by detectParts; `auto` picks one from the data and says why. */
export const STRATEGIES = [
  'auto',
  'nodes',
  'primitives',
  'attribute',
  'colors',
  'bones',
  'components',
  'shape',
] as const;
export type StrategyOption = (typeof STRATEGIES)[number];
/** How parts are found. `nodes` and `primitives` read the structure; the others read per-triangle labels. */
export type PartStrategy = Exclude<StrategyOption, 'auto'>;
/** Every {@link PartStrategy}: what a manifest's `source.strategy` may say. */
export const PART_STRATEGIES: readonly PartStrategy[] = STRATEGIES.filter(
  (strategy): strategy is PartStrategy => strategy !== 'auto',
);
/** The label-based strategies: they rebuild geometry (see detect/labels/) before the node split. */
export const LABEL_STRATEGIES = [
  'attribute',
  'colors',
  'bones',
  'components',
  'shape',
] as const satisfies readonly PartStrategy[];
export type LabelStrategy = (typeof LABEL_STRATEGIES)[number];

/**
 * Where a part file's origin sits:
 * - `original`: where the model put it — the coordinates the source stores the part's vertices in
 *   (the mesh's own space; for a skinned part, the skeleton's world space). Nothing moves.
 * - `center`: the centre of the part's bounds.
 * - `bottom`: the bottom centre of the bounds (glTF is Y-up): the part stands on the origin.
 */
export const PIVOT_MODES = ['original', 'center', 'bottom'] as const;
export type PivotMode = (typeof PIVOT_MODES)[number];

/**
 * What to do with a mesh used by several nodes: `shared` writes one part file with one placement per
 * node — modular reuse; `separate` writes one part per node.
 */
export const INSTANCES_MODES = ['shared', 'separate'] as const;
export type InstancesMode = (typeof INSTANCES_MODES)[number];

/** How a final name is cased. `keep` leaves the name as it came from the model or the template. */
export const CASE_STYLES = ['keep', 'snake', 'kebab', 'camel', 'pascal'] as const;
export type CaseStyle = (typeof CASE_STYLES)[number];

// ---------------------------------------------------------------------------------------------
// Ranges and validation

/** The allowed values of a numeric option. */
export interface NumberRange {
  min: number;
  max: number;
  integer: boolean;
  /** `min` itself is refused (`a number above 0`): a rate or a timeout of 0 means nothing. */
  aboveMin?: boolean;
}

/**
 * Checks a number against a range; `name` goes into the message. Options often come from
 * command-line strings, where a typo becomes NaN and would otherwise silently change every
 * comparison, so the check is strict.
 * @throws RangeError naming the option.
 */
export function checkNumber(name: string, value: unknown, range: NumberRange): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < range.min ||
    (range.aboveMin === true && value === range.min) ||
    value > range.max ||
    (range.integer && !Number.isSafeInteger(value))
  ) {
    throw new RangeError(`${name} must be ${describeRange(range)}, got ${describeOptionValue(value)}`);
  }
  return value;
}

/** `an integer from 16 to 240` — the words of a range, for messages and help. Integers must be safe
 * integers (at most 2^53 − 1): a bigger one is not what the user meant. */
export function describeRange(range: NumberRange): string {
  const what = range.integer ? 'an integer' : 'a number';
  const from = range.aboveMin === true ? `above ${range.min}` : `of at least ${range.min}`;
  if (range.max === Number.POSITIVE_INFINITY) return `${what} ${from}`;
  if (range.aboveMin === true) return `${what} above ${range.min} and at most ${range.max}`;
  return `${what} from ${range.min} to ${range.max}`;
}

/**
 * Checks that `value` is one of `choices`.
 * @throws RangeError naming the option and the choices.
 */
export function checkChoice<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new RangeError(`${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

// ---------------------------------------------------------------------------------------------
// Label options (the attribute, colors and components strategies; see detect/labels/)

export interface LabelOptions {
  /**
   * Vertex attribute holding the label (`attribute` strategy). Default: the first present of
   * `_PART_ID`, `_SEGMENT`, then `_FEATURE_ID_0`, `_FEATURE_ID_1`, … (EXT_mesh_features).
   */
  attribute?: string;
  /**
   * `colors`: at most this many part colours (blends at part boundaries not counted) count as a
   * segmentation. Default 64.
   */
  maxColors?: number;
  /**
   * `colors`: colours closer than this perceptual distance are one colour: CIELAB ΔE (CIE76) divided
   * by 100, the range of L*. Default 0.03 (ΔE 3: about one just-noticeable difference; 8-bit rounding
   * and ±2/255 re-encoding noise stay within it, distinct segmenter colours are tens apart).
   */
  colorTolerance?: number;
  /**
   * Vertices closer than this fraction of the mesh's bounding-box diagonal are welded before
   * finding connected pieces (`components`) and part boundaries (granularity). Default 1e-4.
   */
  weldTolerance?: number;
}

/** The numeric label options. */
export type NumericLabelOption = Exclude<keyof LabelOptions, 'attribute'>;

/** Defaults of {@link LabelOptions}. */
export const LABEL_DEFAULTS: Readonly<Required<Omit<LabelOptions, 'attribute'>>> = Object.freeze({
  maxColors: 64,
  colorTolerance: 0.03,
  weldTolerance: 1e-4,
});

/** Allowed values of the numeric {@link LabelOptions}. */
export const LABEL_RANGES: Readonly<Record<NumericLabelOption, NumberRange>> = Object.freeze({
  maxColors: { min: 2, max: Number.POSITIVE_INFINITY, integer: true },
  colorTolerance: { min: 0, max: 1, integer: false },
  weldTolerance: { min: 0, max: 1, integer: false },
});

/** {@link LabelOptions} with every default filled in. */
export type ResolvedLabelOptions = Required<Omit<LabelOptions, 'attribute'>> &
  Pick<LabelOptions, 'attribute'>;

/**
 * Fills defaults and checks ranges once, at the boundary.
 * @throws RangeError naming the option.
 */
export function resolveLabelOptions(options: LabelOptions = {}): ResolvedLabelOptions {
  const resolved: ResolvedLabelOptions = { ...LABEL_DEFAULTS };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) Object.assign(resolved, { [key]: value });
  }
  for (const [key, range] of Object.entries(LABEL_RANGES) as [NumericLabelOption, NumberRange][]) {
    checkNumber(`label option ${key}`, resolved[key], range);
  }
  if (
    resolved.attribute !== undefined &&
    (typeof resolved.attribute !== 'string' || resolved.attribute === '')
  ) {
    throw new RangeError('label option attribute must be a non-empty attribute name');
  }
  return resolved;
}

// ---------------------------------------------------------------------------------------------
// Granularity (every strategy; see detect/granularity/)

/**
 * How coarse the parts are, whatever strategy found them. Small parts merge into a neighbour: the one
 * they share the longest boundary with (after welding), or for parts that touch nothing (separate
 * nodes, separate shells) the one with the nearest surface. A merged part keeps the name of its
 * largest constituent and lists them all in the manifest's `sourceNames`. A part is never split.
 */
export interface GranularityOptions {
  /**
   * A part whose surface area is below this share of the model's (0–1) merges into a neighbour.
   * Default: by strategy, {@link MIN_PART_AREA_DEFAULTS}.
   */
  minPartArea?: number;
  /** Merge the smallest parts until at most this many remain. Default: no target. */
  targetParts?: number;
}

/**
 * Default `minPartArea` per strategy, chosen from measurements (packages/split/README.md, *Granularity*):
 * - `nodes`, `primitives`: 0. Every node is a part: a CAD assembly's bolts are kit parts
 *   (ReciprocatingSaw: 113 mesh nodes, 57 left at 0.1 %; a 49-part PartPacker output keeps 3 at 0.3 %).
 * - `attribute`, `colors`: 0.0002 (0.02 %). Stray labels of a few triangles are below it, while of the
 *   1,701 segments of 10 faces or more that people drew in the Princeton benchmark subset's 227
 *   human segmentations (../shared/psb-dev), 1 is below it (3 below 0.05 %, 15 below 0.1 %, 61
 *   below 0.2 %): labelled parts a segmenter drew on purpose survive. Blends (colours only where
 *   parts meet) are not parts at all: the colour vote resolves them first.
 * - `bones`: 0.05 (5 %): a joint with less skin than that (fingers, hands, feet, helper bones) folds
 *   into its parent joint, so a limb is one or two parts: Fox 22 joints → 11 parts, CesiumMan 19 → 9,
 *   RiggedFigure 19 → 10 (at 1 %: 18, 19, 18, every bone a part; at 8 %: 6, 7, 8, limbs lost).
 * - `shape`: 0.01 (1 %), the shape segmenter's own (detect/shape/README.md: below it, a cut is a
 *   notch, not a limb).
 * - `components`: 0.002 (0.2 %): a loose piece below it (a speck, a stray triangle) is no part; the
 *   flat base plate of MorphStressTest (12 triangles, a quarter of the area) is one. On the shared
 *   models it keeps every piece but two small ones of CesiumMilkTruck; 0.5 % eats 4 of PartCrafter_sword's 9.
 */
export const MIN_PART_AREA_DEFAULTS: Readonly<Record<PartStrategy, number>> = Object.freeze({
  nodes: 0,
  primitives: 0,
  attribute: 0.0002,
  colors: 0.0002,
  bones: 0.05,
  components: 0.002,
  shape: 0.01,
});

/** Allowed values of {@link GranularityOptions}. */
export const GRANULARITY_RANGES: Readonly<Record<keyof GranularityOptions, NumberRange>> = Object.freeze({
  minPartArea: { min: 0, max: 1, integer: false },
  targetParts: { min: 1, max: Number.POSITIVE_INFINITY, integer: true },
});

/** {@link GranularityOptions} resolved for one strategy: a threshold, and a target or none. */
export interface ResolvedGranularity {
  minPartArea: number;
  targetParts: number | null;
}

/**
 * The granularity of a strategy: the given options checked, the strategy's default filled in.
 * @throws RangeError naming the option.
 */
export function resolveGranularity(
  strategy: PartStrategy,
  options: GranularityOptions = {},
): ResolvedGranularity {
  const minPartArea = options.minPartArea ?? MIN_PART_AREA_DEFAULTS[strategy];
  checkNumber('minPartArea', minPartArea, GRANULARITY_RANGES.minPartArea);
  const targetParts = options.targetParts ?? null;
  if (targetParts !== null) checkNumber('targetParts', targetParts, GRANULARITY_RANGES.targetParts);
  return { minPartArea, targetParts };
}

// ---------------------------------------------------------------------------------------------
// Limits on hostile input

/**
 * Limits on what a model may ask of the machine. A model is untrusted input: its file size, the vertex
 * counts it declares and the number of parts it splits into are checked against these before the
 * memory or the files they imply are allocated. The defaults let every real model through (a Tripo
 * upload is at most 150 MB) and stop a hostile one from costing gigabytes or a million files.
 */
export interface ModelLimits {
  /** Largest accepted model file, in bytes (checked from the file's size, before reading it). */
  maxFileBytes: number;
  /** Largest total vertex count, summed over the POSITION accessors the file declares. */
  maxVertices: number;
  /** Most parts one model may be split into (each part is a file). */
  maxParts: number;
}

export const MODEL_LIMITS_DEFAULTS: Readonly<ModelLimits> = Object.freeze({
  maxFileBytes: 1024 * 1024 * 1024,
  maxVertices: 50_000_000,
  maxParts: 10_000,
});

/** `limits` with the defaults filled in; a limit that is not a positive number is a programming error. */
export function resolveLimits(limits: Partial<ModelLimits> = {}): ModelLimits {
  const resolved = { ...MODEL_LIMITS_DEFAULTS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!(typeof value === 'number' && value > 0)) {
      throw new RangeError(`limit ${name} must be a positive number, got ${String(value)}`);
    }
  }
  return resolved;
}

// ---------------------------------------------------------------------------------------------
// Naming (see pack/naming/)

export interface NamingOptions {
  /**
   * Name template with `{name}`, `{index}`, `{id}`, `{model}`, and for parts without a meaningful
   * name `{region}` (top, bottom, left, right, front, back from the part's centroid in the model's
   * bounds) and `{color}` (the nearest common colour name of its base colour). Default `{name}`.
   */
  template?: string;
  /** Ordered rename rules, applied to the source name before the template (first match wins). */
  rename?: RenameMap;
  /** Case style applied to the filled template. Default `keep`. */
  case?: CaseStyle;
  /** Model name for `{model}` (e.g. the input file's stem). Default `model`. */
  model?: string;
  /**
   * Maximum UTF-8 bytes of a final name, dedup suffix included, without the `.glb` extension.
   * From 16 to 240. Default 100: far inside the 255-byte component limit, and short enough that
   * `<out>/parts/<name>.glb` stays usable under Windows' 260-character path limit.
   */
  maxLength?: number;
}

/** Defaults of {@link NamingOptions}. */
export const NAMING_DEFAULTS: Readonly<Required<Omit<NamingOptions, 'rename' | 'model'>>> = Object.freeze({
  template: '{name}',
  case: 'keep',
  maxLength: 100,
});

/** Allowed values of {@link NamingOptions.maxLength}. */
export const NAME_LENGTH_RANGE: Readonly<NumberRange> = Object.freeze({ min: 16, max: 240, integer: true });

// ---------------------------------------------------------------------------------------------
// Textures (see parts/textures/)

/**
 * What a part file carries of the images its materials use: `crop` (default) only the texels its UVs
 * reach, cut out and repacked; `shared` one copy of each image in the pack's `textures/` folder,
 * referenced by relative URI from every part; `embed` every image whole, in every part.
 */
export const TEXTURE_MODES = ['crop', 'shared', 'embed'] as const;
export type TextureMode = (typeof TEXTURE_MODES)[number];

/** `keep` each image's format, or convert every image a part carries (WebP through EXT_texture_webp). */
export const TEXTURE_FORMATS = ['keep', 'png', 'jpeg', 'webp'] as const;
export type TextureFormat = (typeof TEXTURE_FORMATS)[number];

// ---------------------------------------------------------------------------------------------
// Previews (see pack/thumbnails/ and pack/gallery/)

/** Default thumbnail width and height in pixels. */
export const THUMBNAILS_DEFAULT = 256;

/** Sizes `--thumbnails` accepts. */
export const THUMBNAIL_SIZE_RANGE: Readonly<NumberRange> = Object.freeze({
  min: 16,
  max: 2048,
  integer: true,
});

/**
 * The thumbnail size a `--thumbnails` value asks for, or null for `none` (no thumbnails). Accepts an
 * integer number of pixels from 16 to 2048, as a number or a decimal string; throws a RangeError that
 * says what is accepted otherwise. Undefined gives the default.
 */
export function parseThumbnailsOption(value: string | number | undefined): number | null {
  if (value === undefined) return THUMBNAILS_DEFAULT;
  if (typeof value === 'string' && value.trim().toLowerCase() === 'none') return null;
  const size = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  const { min, max } = THUMBNAIL_SIZE_RANGE;
  if (!Number.isInteger(size) || size < min || size > max)
    throw new RangeError(
      `--thumbnails takes a size in pixels from ${min} to ${max}, or none; got ${JSON.stringify(value)}`,
    );
  return size;
}

// ---------------------------------------------------------------------------------------------
// A split

/** Everything that decides how a model is cut, named and placed: the options of every split. */
export interface SplitOptions {
  /** How parts are found. Default `auto`. */
  strategy?: StrategyOption;
  /** A mesh used by several nodes. Default `shared`. */
  instances?: InstancesMode;
  /** Part file origins. Default `original`. */
  pivot?: PivotMode;
  /** Tuning of the label strategies (attribute, colors, bones, components). */
  labels?: LabelOptions;
  /** Smallest part and part count, for every strategy. Defaults: MIN_PART_AREA_DEFAULTS, no target. */
  granularity?: GranularityOptions;
  /** Template, rename map, case style, length. `model` defaults to the input's base name. */
  naming?: NamingOptions;
  /**
   * Limits on hostile input (MODEL_LIMITS_DEFAULTS): `maxParts` for the split, `maxFileBytes` and
   * `maxVertices` when the input is read. Past one: ModelLimitError, nothing written.
   */
  limits?: Partial<ModelLimits>;
  /**
   * Thumbnail size in pixels (`thumbnails/<part>.png` and `thumbnail.png`), or null for none.
   * Default {@link THUMBNAILS_DEFAULT} (256).
   */
  thumbnails?: number | null;
  /** What part files carry of their images. Default `crop`. */
  textures?: TextureMode;
  /** Format of the images part files carry. Default `keep`. */
  textureFormat?: TextureFormat;
  /** With `textureFormat: 'webp'`: also carry a PNG/JPEG copy for loaders without WebP. Default false. */
  webpFallback?: boolean;
}

/** Defaults of the choice options of {@link SplitOptions}. */
export const SPLIT_DEFAULTS: Readonly<
  Required<
    Pick<SplitOptions, 'strategy' | 'instances' | 'pivot' | 'textures' | 'textureFormat' | 'webpFallback'>
  >
> = Object.freeze({
  strategy: 'auto',
  instances: 'shared',
  pivot: 'original',
  textures: 'crop',
  textureFormat: 'keep',
  webpFallback: false,
});

// ---------------------------------------------------------------------------------------------
// The check of a whole options object (check-options.ts): what the library entry points call first.

export { checkSplitModelOptions, checkSplitOptions } from './check-options.js';
export * from './option-table.js';

// ---------------------------------------------------------------------------------------------
// Errors: light too, so callers can branch on them without loading glTF code.

export * from './errors.js';

/** How a segmenter found a model's parts: its strategy and its one sentence (see SplitModelOptions). */
export interface SourceSegmentation {
  strategy: PartStrategy;
  reason: string;
}

/**
 * The strategy and reason a pack's manifest records: the segmenter's when the split took its parts as
 * they are (by nodes), else the split's own plan. The one place both ways of splitting, and the CLI's
 * `split --dry-run`, get them from.
 */
export function recordedStrategy(
  plan: { strategy: PartStrategy; reason: string },
  segmentation: SourceSegmentation | undefined,
): SourceSegmentation {
  const { strategy, reason } = segmentation && plan.strategy === 'nodes' ? segmentation : plan;
  return { strategy, reason };
}
