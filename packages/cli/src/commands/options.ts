import { readFile } from 'node:fs/promises';
import {
  CASE_STYLES,
  type CaseStyle,
  checkNumber,
  describeRange,
  GRANULARITY_RANGES,
  type GranularityOptions,
  INSTANCES_MODES,
  LABEL_DEFAULTS,
  LABEL_RANGES,
  type LabelOptions,
  MIN_PART_AREA_DEFAULTS,
  MODEL_LIMITS_DEFAULTS,
  type ModelLimits,
  NAMING_DEFAULTS,
  type NamingOptions,
  type NumberRange,
  type NumericLabelOption,
  PIVOT_MODES,
  parseThumbnailsOption,
  SPLIT_DEFAULTS,
  type SplitOptions,
  STRATEGIES,
  type StrategyOption,
  TEXTURE_FORMATS,
  TEXTURE_MODES,
  type TextureFormat,
  type TextureMode,
  THUMBNAIL_SIZE_RANGE,
  THUMBNAILS_DEFAULT,
} from '@meshparts/split/options';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../usage-error.js';

/**
 * Every flag of every command, declared once. Choices, defaults and ranges come from
 * `@meshparts/split/options` (a light entry: no glTF code is loaded to build the help), so nothing
 * here retypes a library default. Values are checked by commander's argument parsers as they are
 * read: a bad value is a usage error (exit 2) before anything runs, with the closest choice
 * suggested for a typo.
 */

// ---------------------------------------------------------------------------------------------
// Value parsers

/** The choice closest to `value` by edit distance, when it is close enough to be a typo. */
export function closestChoice(value: string, choices: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const choice of choices) {
    const distance = editDistance(value.toLowerCase(), choice.toLowerCase());
    if (distance < bestDistance) {
      best = choice;
      bestDistance = distance;
    }
  }
  // Like commander's own suggestions: at most a third of the word may differ.
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}

/** The flag's name in `--name <value>` (messages name the flag). */
function flagName(flags: string): string {
  return /--[\w-]+/.exec(flags)?.[0] ?? flags;
}

/** A parser that accepts one of `choices`, in any letter case, and suggests the closest on a typo. */
export function choiceParser<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    const found = choices.find((choice) => choice.toLowerCase() === value.trim().toLowerCase());
    if (found) return found;
    const near = closestChoice(value.trim(), choices);
    throw new InvalidArgumentError(
      `${flag} must be one of ${choices.join(', ')}.${near ? ` Did you mean ${near}?` : ''}`,
    );
  };
}

/** A parser for a number in `range` (integers must be safe integers). */
export function numberParser(flag: string, range: NumberRange): (value: string) => number {
  return (value) => {
    const number = value.trim() === '' ? Number.NaN : Number(value);
    try {
      return checkNumber(flag, number, range);
    } catch {
      throw new InvalidArgumentError(`${flag} must be ${describeRange(range)}.`);
    }
  };
}

/** A parser for a string that must not be empty (after trimming). */
function nonEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('the value must not be empty.');
  return value;
}

const POSITIVE_INTEGER: NumberRange = { min: 1, max: Number.POSITIVE_INFINITY, integer: true };
const NON_NEGATIVE_INTEGER: NumberRange = { min: 0, max: Number.POSITIVE_INFINITY, integer: true };
/** More models in flight than this only multiplies sockets and memory: the rate limit is the bound. */
const CONCURRENCY_RANGE: NumberRange = { min: 1, max: 64, integer: true };
const PORT_RANGE: NumberRange = { min: 0, max: 65_535, integer: true };

/** An option with choices: listed in the help, parsed case-insensitively, typos answered. */
function choiceOption<T extends string>(
  flags: string,
  description: string,
  choices: readonly T[],
  fallback?: T,
) {
  const option = new Option(flags, description).argParser(choiceParser(flagName(flags), choices));
  option.argChoices = [...choices];
  return fallback === undefined ? option : option.default(fallback);
}

function numberOption(flags: string, description: string, range: NumberRange, fallback?: number) {
  const option = new Option(flags, description).argParser(numberParser(flagName(flags), range));
  return fallback === undefined ? option : option.default(fallback);
}

// ---------------------------------------------------------------------------------------------
// Flag groups

/** Values commander gives for the split flags. */
export interface SplitFlags {
  strategy?: StrategyOption;
  attribute?: string;
  pivot?: SplitOptions['pivot'];
  instances?: SplitOptions['instances'];
  nameTemplate?: string;
  rename?: string;
  case?: CaseStyle;
  maxColors?: number;
  colorTolerance?: number;
  weldTolerance?: number;
  minPartArea?: number;
  targetParts?: number;
  maxFileMb?: number;
  maxVertices?: number;
  maxParts?: number;
  /** A size, or false for `none` (commander turns a parser's null into ''). */
  thumbnails?: number | false;
  /** false for `--no-gallery` (commander's negated flag: true otherwise). */
  gallery?: boolean;
  textures?: TextureMode;
  textureFormat?: TextureFormat;
  webpFallback?: boolean;
}

/** How parts are found and named: `--strategy`, `--attribute`, `--instances`, naming. */
export function addDetectOptions(command: Command): Command {
  return command
    .addOption(choiceOption('--strategy <name>', 'how to find parts', STRATEGIES, SPLIT_DEFAULTS.strategy))
    .option(
      '--attribute <name>',
      'per-vertex label attribute for --strategy attribute (default: _PART_ID, _SEGMENT, feature IDs)',
    )
    .addOption(
      choiceOption(
        '--instances <mode>',
        'a mesh used by several nodes: one file with several placements (shared) or one file per node (separate)',
        INSTANCES_MODES,
        SPLIT_DEFAULTS.instances,
      ),
    )
    .option(
      '--name-template <template>',
      'part names from {name}, {index}, {id}, {model}, {region} (top, left, front, ...), {color}',
      NAMING_DEFAULTS.template,
    )
    .option('--rename <map.json>', 'JSON object mapping source names (exact or "/regex/flags") to new names')
    .addOption(choiceOption('--case <style>', 'name case', CASE_STYLES, NAMING_DEFAULTS.case));
}

/** `--pivot`: where each part file's origin goes (split and run; inspect does not place parts). */
export function addPivotOption(command: Command): Command {
  return command.addOption(choiceOption('--pivot <mode>', 'part origin', PIVOT_MODES, SPLIT_DEFAULTS.pivot));
}

const LABEL_FLAGS: Record<NumericLabelOption, [flag: string, help: string]> = {
  maxColors: ['--max-colors <n>', 'colors: at most this many distinct face colours'],
  colorTolerance: ['--color-tolerance <x>', 'colors: colours closer than this are one (CIELAB ΔE / 100)'],
  weldTolerance: [
    '--weld-tolerance <x>',
    'components and part boundaries: weld distance, fraction of the bounds diagonal',
  ],
};

/** The per-strategy defaults of --min-part-area, in words for the help. */
function minPartAreaDefaults(): string {
  const byValue = new Map<number, string[]>();
  for (const [strategy, value] of Object.entries(MIN_PART_AREA_DEFAULTS)) {
    byValue.set(value, [...(byValue.get(value) ?? []), strategy]);
  }
  return [...byValue].map(([value, strategies]) => `${value} ${strategies.join('/')}`).join(', ');
}

/** `--min-part-area` and `--target-parts`: granularity, for every strategy. */
export function addGranularityOptions(command: Command): Command {
  return command
    .addOption(
      numberOption(
        '--min-part-area <share>',
        `parts under this share of the surface (0-1) merge into a neighbour (default ${minPartAreaDefaults()})`,
        GRANULARITY_RANGES.minPartArea,
      ),
    )
    .addOption(
      numberOption(
        '--target-parts <n>',
        'merge the smallest parts until this many remain',
        GRANULARITY_RANGES.targetParts,
      ),
    );
}

/**
 * The label tuning flags (colors, components, and the local segmenter; defaults LABEL_DEFAULTS) and
 * granularity.
 */
export function addLabelOptions(command: Command): Command {
  for (const [key, [flag, help]] of Object.entries(LABEL_FLAGS) as [NumericLabelOption, [string, string]][]) {
    // The default is shown, not set: an unset flag leaves the library's default in force.
    command.addOption(numberOption(flag, `${help} (default ${LABEL_DEFAULTS[key]})`, LABEL_RANGES[key]));
  }
  return addGranularityOptions(command);
}

/** The limits on hostile input. Defaults: MODEL_LIMITS_DEFAULTS. */
export function addLimitOptions(command: Command): Command {
  const mib = MODEL_LIMITS_DEFAULTS.maxFileBytes / 1024 / 1024;
  return command
    .addOption(
      numberOption('--max-file-mb <n>', `refuse model files larger than this many MiB (default ${mib})`, {
        min: 0.001,
        max: Number.POSITIVE_INFINITY,
        integer: false,
      }),
    )
    .addOption(
      numberOption(
        '--max-vertices <n>',
        `refuse models that declare more vertices (default ${MODEL_LIMITS_DEFAULTS.maxVertices})`,
        POSITIVE_INTEGER,
      ),
    )
    .addOption(
      numberOption(
        '--max-parts <n>',
        `refuse models that split into more parts (default ${MODEL_LIMITS_DEFAULTS.maxParts})`,
        POSITIVE_INTEGER,
      ),
    );
}

/** `--thumbnails <size>|none`: the pack's previews. */
export function addThumbnailsOption(command: Command): Command {
  const option = new Option(
    '--thumbnails <size>',
    `thumbnail size in pixels (${THUMBNAIL_SIZE_RANGE.min}-${THUMBNAIL_SIZE_RANGE.max}), or none (default ${THUMBNAILS_DEFAULT})`,
  ).argParser((value: string) => {
    try {
      // false, not null: commander stores a parser's null as an empty string.
      return parseThumbnailsOption(value) ?? false;
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  });
  return command.addOption(option);
}

/** `--textures`, `--texture-format`, `--webp-fallback`: what part files carry of their images. */
export function addTextureOptions(command: Command): Command {
  return command
    .addOption(
      choiceOption(
        '--textures <mode>',
        'crop: each part carries only the texels it uses; shared: one copy of each image in textures/; embed: every image whole',
        TEXTURE_MODES,
        SPLIT_DEFAULTS.textures,
      ),
    )
    .addOption(
      choiceOption(
        '--texture-format <format>',
        'keep each image format, or convert (webp through EXT_texture_webp)',
        TEXTURE_FORMATS,
        SPLIT_DEFAULTS.textureFormat,
      ),
    )
    .option(
      '--webp-fallback',
      'with --texture-format webp: also carry a PNG/JPEG copy for loaders without WebP',
    );
}

/** `--no-gallery`: packs without their page. */
export function addGalleryOption(command: Command): Command {
  return command.option(
    '--no-gallery',
    'no index.html and gallery/ in the pack (about 2.4 MB of three.js each) nor, for run, the page over every pack; the parts, thumbnails and manifest as usual',
  );
}

/** `gallery: false` for `--no-gallery`, nothing otherwise (the default is a page). */
export function galleryOf(flags: Pick<SplitFlags, 'gallery'>): { gallery?: false } {
  return flags.gallery === false ? { gallery: false } : {};
}

/** Every split flag of `split` and `run`. */
export function addSplitOptions(command: Command): Command {
  return addGalleryOption(
    addTextureOptions(
      addThumbnailsOption(addLimitOptions(addLabelOptions(addPivotOption(addDetectOptions(command))))),
    ),
  );
}

/** Values commander gives for the API flags. */
export interface ApiFlags {
  apiKey?: string;
  baseUrl?: string;
  rpm?: number;
  pollInterval?: number;
  /** Minutes. */
  waitTimeout?: number;
}

/** `--api-key`, `--base-url`, `--rpm`. */
export function addApiOptions(command: Command): Command {
  return command
    .option(
      '--api-key <key>',
      'API key (prefer THREEDAISTUDIO_API_KEY or the config file: flags show in `ps`)',
    )
    .option(
      '--base-url <url>',
      'API base URL (default THREEDAISTUDIO_BASE_URL or https://api.3daistudio.com)',
    )
    .addOption(
      numberOption('--rpm <n>', 'requests per minute allowed by your account (default 3)', POSITIVE_INTEGER),
    );
}

/**
 * The longest wait for one task, in minutes: the client's own default is 30 minutes
 * (`WAIT_DEFAULTS` of @meshparts/client, not imported here: the CLI registers its flags without
 * loading the client). Up to a week: a paid task is never given up for good, only by this run.
 */
const WAIT_TIMEOUT_RANGE: NumberRange = { min: 0, max: 7 * 24 * 60, integer: false, aboveMin: true };

/** `--poll-interval` and `--wait-timeout`, for the commands that wait for tasks. */
export function addWaitOptions(command: Command): Command {
  return command
    .addOption(
      numberOption(
        '--poll-interval <ms>',
        'longest pause between status polls (default 60000; polls always stay within --rpm)',
        POSITIVE_INTEGER,
      ),
    )
    .addOption(
      numberOption(
        '--wait-timeout <minutes>',
        'longest wait for one task before this run gives it up (default 30); the task stays journaled and the next run resumes it',
        WAIT_TIMEOUT_RANGE,
      ),
    );
}

/** The library's `waitTimeoutMs` from `--wait-timeout`. */
export function waitTimeoutOf(flags: ApiFlags): { waitTimeoutMs?: number } {
  return flags.waitTimeout === undefined ? {} : { waitTimeoutMs: Math.round(flags.waitTimeout * 60_000) };
}

/** `--segmenter tripo|local`. */
export function addSegmenterOption(command: Command): Command {
  return command.addOption(
    choiceOption(
      '--segmenter <name>',
      'tripo (paid API) or local (offline); default: tripo when an API key is set',
      ['tripo', 'local'] as const,
    ),
  );
}

/**
 * `--max-credits`: `segment` refuses to submit above it; `run` spends at most that much, leaving the
 * submissions beyond it for a later run.
 */
export function addMaxCreditsOption(
  command: Command,
  what: string,
  verb: 'refuse' | 'spend' = 'refuse',
): Command {
  return command.addOption(
    numberOption(
      '--max-credits <n>',
      verb === 'spend' ? `the most credits to ${what}` : `refuse to ${what} if it could spend more credits`,
      NON_NEGATIVE_INTEGER,
    ),
  );
}

/** `--concurrency`. */
export function addConcurrencyOption(command: Command): Command {
  return command.addOption(
    numberOption('--concurrency <n>', 'models in flight at once (default 4, at most 64)', CONCURRENCY_RANGE),
  );
}

/** `--json` and `-q, --quiet`: every command takes both. */
export function addOutputOptions(
  command: Command,
  json = 'machine-readable JSON on stdout (and nothing else there)',
): Command {
  return command.option('--json', json).option('-q, --quiet', 'print failures only (no progress or summary)');
}

/** The emulator's own flags. */
export function addEmulatorOptions(command: Command, defaults: { apiKey: string }): Command {
  return command
    .addOption(numberOption('--port <n>', 'API port, 0-65535 (default: a free port)', PORT_RANGE))
    .addOption(
      new Option('--api-key <key>', 'the key the emulator accepts')
        .argParser(nonEmpty)
        .default(defaults.apiKey),
    )
    .addOption(numberOption('--balance <credits>', 'starting wallet balance', NON_NEGATIVE_INTEGER, 1000))
    .addOption(numberOption('--duration-ms <ms>', 'how long each task takes', NON_NEGATIVE_INTEGER, 3000))
    .addOption(numberOption('--rpm <n>', 'requests per minute before it answers 429', POSITIVE_INTEGER, 60));
}

// ---------------------------------------------------------------------------------------------
// From flags to SplitOptions

/**
 * The split flags as the library's {@link SplitOptions}: the rename map read and parsed, the name
 * template tried, `--attribute` checked against `--strategy`. Bad values are a UsageError (exit 2),
 * found before any model is read.
 */
export async function splitOptionsFrom(flags: SplitFlags): Promise<SplitOptions> {
  let strategy = flags.strategy ?? SPLIT_DEFAULTS.strategy;
  if (flags.attribute !== undefined) {
    if (strategy !== 'attribute' && strategy !== 'auto') {
      throw new UsageError('--attribute goes with --strategy attribute (or auto)');
    }
    strategy = 'attribute';
  }
  const naming: NamingOptions = {};
  if (flags.nameTemplate !== undefined) naming.template = flags.nameTemplate;
  if (flags.case !== undefined) naming.case = flags.case;
  // The naming entry: no glTF code (the planning entry would load the reader and detection, which a
  // byte-level split never needs: ~40 ms of `meshparts split`'s start-up).
  const { nameParts, parseRenameMap } = await import('@meshparts/split/naming');
  if (flags.rename !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(flags.rename, 'utf8'));
    } catch (error) {
      const why =
        (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      throw new UsageError(`cannot read the rename map ${flags.rename}: ${why}`, { cause: error });
    }
    try {
      naming.rename = parseRenameMap(json);
    } catch (error) {
      throw new UsageError(`bad rename map ${flags.rename}: ${(error as Error).message}`, { cause: error });
    }
  }
  try {
    // A bad template ({nmae}) is bad usage: find out now, not after reading the model.
    nameParts([{ sourceName: 'part', index: 0, id: 'part' }], naming);
  } catch (error) {
    throw new UsageError(`--name-template: ${(error as Error).message}`, { cause: error });
  }
  const labels: LabelOptions = {};
  if (flags.attribute !== undefined) labels.attribute = flags.attribute;
  for (const key of Object.keys(LABEL_FLAGS) as NumericLabelOption[]) {
    if (flags[key] !== undefined) labels[key] = flags[key];
  }
  const granularity: GranularityOptions = {};
  if (flags.minPartArea !== undefined) granularity.minPartArea = flags.minPartArea;
  if (flags.targetParts !== undefined) granularity.targetParts = flags.targetParts;
  const limits: Partial<ModelLimits> = {};
  if (flags.maxFileMb !== undefined) limits.maxFileBytes = Math.floor(flags.maxFileMb * 1024 * 1024);
  if (flags.maxVertices !== undefined) limits.maxVertices = flags.maxVertices;
  if (flags.maxParts !== undefined) limits.maxParts = flags.maxParts;
  return {
    strategy,
    instances: flags.instances ?? SPLIT_DEFAULTS.instances,
    pivot: flags.pivot ?? SPLIT_DEFAULTS.pivot,
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(Object.keys(granularity).length > 0 ? { granularity } : {}),
    ...(Object.keys(naming).length > 0 ? { naming } : {}),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    ...(flags.thumbnails !== undefined
      ? { thumbnails: flags.thumbnails === false ? null : flags.thumbnails }
      : {}),
    ...(flags.textures !== undefined ? { textures: flags.textures } : {}),
    ...(flags.textureFormat !== undefined ? { textureFormat: flags.textureFormat } : {}),
    ...(flags.webpFallback ? { webpFallback: true } : {}),
  };
}
