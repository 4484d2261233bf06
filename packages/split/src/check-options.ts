import {
  CASE_STYLES,
  checkChoice,
  checkNumber,
  GRANULARITY_RANGES,
  INSTANCES_MODES,
  LABEL_RANGES,
  NAME_LENGTH_RANGE,
  type NumberRange,
  PART_STRATEGIES,
  PIVOT_MODES,
  type SplitOptions,
  STRATEGIES,
  TEXTURE_FORMATS,
  TEXTURE_MODES,
  THUMBNAIL_SIZE_RANGE,
} from './options.js';
import type { Segmenter } from './pack/manifest.js';
import { SHA256 } from './pack/manifest-check.js';
import { assertTemplate } from './pack/naming/template.js';
import type { SplitModelOptions } from './split-model.js';

/**
 * The one check of a whole options object, as the library entry points take it (`splitModel`,
 * `inspectModel`, `runPipeline`'s `split`): every value against the choices, ranges and validators of
 * options.ts, and every key against the keys the options type has, before anything is read or
 * written. TypeScript catches most of this at compile time; plain JavaScript, JSON configs and
 * `as` casts do not, and a value nobody checked ends up in the manifest (`"pivot": "top"`) or is
 * silently ignored (`nameTemplate` instead of `naming.template`).
 *
 * The tables below are typed `Record<keyof ..., Check>`: a new option that is not added here is a
 * compile error, so the check cannot fall behind the types.
 *
 * (The arrow functions reference options.ts's constants only when called: options.ts re-exports this
 * module, and a constant read while the modules are still being evaluated would not exist yet.)
 */

/** Checks one value; `name` (e.g. `option naming.case`) goes into the message. */
type Check = (name: string, value: unknown) => void;

/** A plain object's keys checked against a table, then each defined value by its check. */
function checkGroup(
  name: string,
  value: unknown,
  checks: Readonly<Record<string, Check>>,
  prefix: string,
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RangeError(`${name} must be an object, got ${describe(value)}`);
  }
  for (const [key, inner] of Object.entries(value)) {
    const check = Object.hasOwn(checks, key) ? checks[key] : undefined;
    if (!check) throw new RangeError(unknownKeyMessage(prefix, key, checks));
    if (inner !== undefined) check(`${prefix}${key}`, inner);
  }
}

/** A value as a message shows it. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

const boolean: Check = (name, value) => {
  if (typeof value !== 'boolean')
    throw new RangeError(`${name} must be true or false, got ${describe(value)}`);
};

const text: Check = (name, value) => {
  if (typeof value !== 'string' || value === '') {
    throw new RangeError(`${name} must be a non-empty string, got ${describe(value)}`);
  }
};

const number =
  (range: () => NumberRange): Check =>
  (name, value) =>
    checkNumber(name, value, range());

const choice =
  (choices: () => readonly string[]): Check =>
  (name, value) =>
    checkChoice(name, value, choices());

const LABEL_CHECKS: Readonly<Record<keyof NonNullable<SplitOptions['labels']>, Check>> = {
  attribute: text,
  maxColors: number(() => LABEL_RANGES.maxColors),
  colorTolerance: number(() => LABEL_RANGES.colorTolerance),
  weldTolerance: number(() => LABEL_RANGES.weldTolerance),
};

const GRANULARITY_CHECKS: Readonly<Record<keyof NonNullable<SplitOptions['granularity']>, Check>> = {
  minPartArea: number(() => GRANULARITY_RANGES.minPartArea),
  targetParts: number(() => GRANULARITY_RANGES.targetParts),
};

/** The limits are counts of bytes, vertices and parts: positive integers. */
const LIMIT_RANGE: NumberRange = { min: 1, max: Number.POSITIVE_INFINITY, integer: true };
const LIMIT_CHECKS: Readonly<Record<keyof NonNullable<SplitOptions['limits']>, Check>> = {
  maxFileBytes: number(() => LIMIT_RANGE),
  maxVertices: number(() => LIMIT_RANGE),
  maxParts: number(() => LIMIT_RANGE),
};

const NAMING_CHECKS: Readonly<Record<keyof NonNullable<SplitOptions['naming']>, Check>> = {
  template: (name, value) => {
    if (typeof value !== 'string') throw new RangeError(`${name} must be a string, got ${describe(value)}`);
    try {
      assertTemplate(value);
    } catch (error) {
      throw new RangeError(`${name}: ${(error as Error).message}`);
    }
  },
  // A RenameMap is what parseRenameMap makes of a JSON object: rules of a match and a new name.
  rename: (name, value) => {
    if (!Array.isArray(value)) {
      throw new RangeError(
        `${name} must be an array of { match, name } rules (parseRenameMap makes one from a JSON object), got ${describe(value)}`,
      );
    }
    value.forEach((rule: unknown, index) => {
      const { match, name: newName } = (typeof rule === 'object' && rule !== null ? rule : {}) as {
        match?: unknown;
        name?: unknown;
      };
      if (!(typeof match === 'string' || match instanceof RegExp) || typeof newName !== 'string') {
        throw new RangeError(
          `${name}[${index}] must be { match: string | RegExp, name: string }, got ${JSON.stringify(rule)}`,
        );
      }
    });
  },
  case: choice(() => CASE_STYLES),
  model: (name, value) => {
    if (typeof value !== 'string') throw new RangeError(`${name} must be a string, got ${describe(value)}`);
  },
  maxLength: number(() => NAME_LENGTH_RANGE),
};

const SPLIT_CHECKS: Readonly<Record<keyof SplitOptions, Check>> = {
  strategy: choice(() => STRATEGIES),
  instances: choice(() => INSTANCES_MODES),
  pivot: choice(() => PIVOT_MODES),
  labels: (name, value) => checkGroup(name, value, LABEL_CHECKS, `${name}.`),
  granularity: (name, value) => checkGroup(name, value, GRANULARITY_CHECKS, `${name}.`),
  naming: (name, value) => checkGroup(name, value, NAMING_CHECKS, `${name}.`),
  limits: (name, value) => checkGroup(name, value, LIMIT_CHECKS, `${name}.`),
  // null is "no thumbnails"; the CLI's `none` is parseThumbnailsOption's business.
  thumbnails: (name, value) => {
    if (value !== null)
      checkNumber(`${name} (a size in pixels, or null for none)`, value, THUMBNAIL_SIZE_RANGE);
  },
  textures: choice(() => TEXTURE_MODES),
  textureFormat: choice(() => TEXTURE_FORMATS),
  webpFallback: boolean,
};

/** Every manifest `source.segmenter`; a Record so that a new Segmenter must be added here. */
const SEGMENTERS = Object.keys({ tripo: true, local: true, none: true } satisfies Record<Segmenter, true>);

/** A segmentation's checks; both keys are required (a manifest source has both). */
const SEGMENTATION_CHECKS: Readonly<Record<keyof NonNullable<SplitModelOptions['segmentation']>, Check>> = {
  strategy: choice(() => PART_STRATEGIES),
  reason: text,
};

const object =
  (what: string, methods: readonly string[]): Check =>
  (name, value) => {
    const record = value as Record<string, unknown> | null;
    if (
      typeof value !== 'object' ||
      record === null ||
      methods.some((m) => typeof record[m] !== 'function')
    ) {
      throw new RangeError(`${name} must be ${what}, got ${describe(value)}`);
    }
  };

const SPLIT_MODEL_CHECKS: Readonly<Record<keyof SplitModelOptions, Check>> = {
  ...SPLIT_CHECKS,
  signal: (name, value) => {
    if (!(value instanceof AbortSignal))
      throw new RangeError(`${name} must be an AbortSignal, got ${describe(value)}`);
  },
  generator: text,
  segmenter: choice(() => SEGMENTERS),
  taskId: (name, value) => {
    if (value !== null) text(name, value);
  },
  sourceFile: (name, value) =>
    checkGroup(
      name,
      value,
      {
        file: text,
        byteLength: number(() => ({ min: 0, max: Number.POSITIVE_INFINITY, integer: true })),
        sha256: (inner, sha256) => {
          if (typeof sha256 !== 'string' || !SHA256.test(sha256)) {
            throw new RangeError(`${inner} must be 64 lowercase hex digits, got ${describe(sha256)}`);
          }
        },
      },
      `${name}.`,
    ),
  segmentation: (name, value) => {
    checkGroup(name, value, SEGMENTATION_CHECKS, `${name}.`);
    for (const key of Object.keys(SEGMENTATION_CHECKS)) {
      if ((value as Record<string, unknown>)[key] === undefined)
        throw new RangeError(`${name}.${key} is required`);
    }
  },
  io: object('a glTF-Transform NodeIO (with readBinary and writeBinary)', ['readBinary', 'writeBinary']),
  durable: boolean,
  logger: object('a glTF-Transform ILogger (debug, info, warn, error)', ['debug', 'info', 'warn', 'error']),
  gallery: boolean,
  fastPath: boolean,
};

/**
 * Where an unknown key was probably meant to go: a key of a group whose name ends the unknown key
 * (`nameTemplate` → `naming.template`, `case` → `naming.case`, `maxParts` → `limits.maxParts`).
 */
function nearKeys(key: string, checks: Readonly<Record<string, Check>>): string[] {
  const groups: Record<string, Readonly<Record<string, Check>>> = {
    labels: LABEL_CHECKS,
    granularity: GRANULARITY_CHECKS,
    naming: NAMING_CHECKS,
    limits: LIMIT_CHECKS,
  };
  const lower = key.toLowerCase();
  const near: string[] = [];
  for (const [group, inner] of Object.entries(groups)) {
    if (!Object.hasOwn(checks, group)) continue;
    for (const name of Object.keys(inner))
      if (lower.endsWith(name.toLowerCase())) near.push(`${group}.${name}`);
  }
  return near;
}

/** `unknown option split.nameTemplate (did you mean split.naming.template?); the options of split are ...` */
function unknownKeyMessage(prefix: string, key: string, checks: Readonly<Record<string, Check>>): string {
  const path = prefix.replace(/^option /u, '');
  const near = nearKeys(key, checks).map((name) => `${path}${name}`);
  const hint = near.length > 0 ? ` (did you mean ${near.join(' or ')}?)` : '';
  const of = path === '' ? '' : ` of ${path.slice(0, -1)}`;
  return `unknown ${prefix}${key}${hint}; the options${of} are ${Object.keys(checks).join(', ')}`;
}

/**
 * Checks a {@link SplitOptions} object: known keys only (a misspelt or misplaced one such as
 * `nameTemplate` for `naming.template` is refused, with the right place suggested), every defined value
 * of the right type, among the choices and within the ranges of `@meshparts/split/options`, the name
 * template's placeholders known. `undefined` values are the defaults and pass. Call it before reading
 * or writing anything.
 * @param prefix How messages name an option: `option ` gives `option pivot must be ...`;
 * `option split.` gives `option split.pivot ...`.
 * @throws RangeError naming the option, the value and what is accepted.
 */
export function checkSplitOptions(options: unknown, prefix = 'option '): asserts options is SplitOptions {
  checkOptions(options, SPLIT_CHECKS, prefix);
}

/**
 * {@link checkSplitOptions} for `splitModel`'s {@link SplitModelOptions}: the split's options and what
 * the manifest records (`generator`, `segmenter`, `taskId`, `sourceFile`, `segmentation`), `io`, `durable`, `logger`,
 * `gallery`, `fastPath`.
 * @throws RangeError naming the option, the value and what is accepted.
 */
export function checkSplitModelOptions(
  options: unknown,
  prefix = 'option ',
): asserts options is SplitModelOptions {
  checkOptions(options, SPLIT_MODEL_CHECKS, prefix);
}

function checkOptions(options: unknown, checks: Readonly<Record<string, Check>>, prefix: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    const what = prefix.endsWith('.') ? prefix.slice(0, -1) : 'options';
    throw new RangeError(`${what} must be an object, got ${describe(options)}`);
  }
  checkGroup(prefix, options, checks, prefix);
}
