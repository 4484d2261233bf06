import {
  booleanCheck as boolean,
  type OptionCheck as Check,
  checkOptionTable,
  choiceCheck as choice,
  describeOptionValue as describe,
  numberCheck as number,
  type OptionTable,
  objectCheck,
  signalCheck,
  textCheck as text,
} from './option-table.js';
import {
  CASE_STYLES,
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
 * The checking machinery (a table's keys, the "did you mean", the value checks) is option-table.ts's,
 * shared with the `meshparts` package's runPipeline check. (The arrow functions reference options.ts's
 * constants only when called: options.ts re-exports this module, and a constant read while the modules
 * are still being evaluated would not exist yet.)
 */

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
  labels: (name, value) => checkOptionTable(name, value, LABEL_CHECKS, `${name}.`),
  granularity: (name, value) => checkOptionTable(name, value, GRANULARITY_CHECKS, `${name}.`),
  naming: (name, value) => checkOptionTable(name, value, NAMING_CHECKS, `${name}.`),
  limits: (name, value) => checkOptionTable(name, value, LIMIT_CHECKS, `${name}.`),
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

const SPLIT_MODEL_CHECKS: Readonly<Record<keyof SplitModelOptions, Check>> = {
  ...SPLIT_CHECKS,
  signal: signalCheck,
  generator: text,
  segmenter: choice(() => SEGMENTERS),
  taskId: (name, value) => {
    if (value !== null) text(name, value);
  },
  sourceFile: (name, value) =>
    checkOptionTable(
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
    checkOptionTable(name, value, SEGMENTATION_CHECKS, `${name}.`);
    for (const key of Object.keys(SEGMENTATION_CHECKS)) {
      if ((value as Record<string, unknown>)[key] === undefined)
        throw new RangeError(`${name}.${key} is required`);
    }
  },
  io: objectCheck('a glTF-Transform NodeIO (with readBinary and writeBinary)', ['readBinary', 'writeBinary']),
  durable: boolean,
  logger: objectCheck('a glTF-Transform ILogger (debug, info, warn, error)', [
    'debug',
    'info',
    'warn',
    'error',
  ]),
  gallery: boolean,
  fastPath: boolean,
};

/**
 * Where an unknown key was probably meant to go: a key of a group whose name ends the unknown key
 * (`nameTemplate` → `naming.template`, `case` → `naming.case`, `maxParts` → `limits.maxParts`).
 */
function nearKeys(key: string, checks: OptionTable): string[] {
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

function checkOptions(options: unknown, checks: OptionTable, prefix: string): void {
  if (options === undefined) return;
  const what = prefix.endsWith('.') ? prefix.slice(0, -1) : 'options';
  checkOptionTable(what, options, checks, prefix, (key) => nearKeys(key, checks));
}
