import { checkChoice, checkNumber, type NumberRange } from './options.js';

/**
 * Checking a plain options object against a table of checks, one per key: the machinery behind
 * `checkSplitOptions` and `checkSplitModelOptions` (check-options.ts) and the `meshparts` package's
 * `runPipeline` options, so that both packages refuse a bad option in the same words. Every check
 * throws a RangeError naming the option, the value and what is accepted; a caller with an error class
 * of its own (the pipeline's PipelineUsageError) wraps the call.
 *
 * (options.ts re-exports this module and this module calls options.ts's functions: function
 * declarations exist from the start of a module cycle, constants only once evaluated, hence the
 * arrow functions that read ranges and choices when called.)
 */

/** Checks one value; `name` (e.g. `option naming.case`) goes into the message. */
export type OptionCheck = (name: string, value: unknown) => void;

/** The checks of an options object, by key. */
export type OptionTable = Readonly<Record<string, OptionCheck>>;

/**
 * Keys an unknown key was probably meant to be, as option paths relative to the table
 * (`nameTemplate` → `naming.template`).
 */
export type NearKeys = (key: string) => readonly string[];

/** A value as a message shows it: `"80"` (a string), `an array`, `an object`, `null`, `3`. */
export function describeOptionValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/**
 * Checks that `value` is a plain object whose keys are all in `table`, then each defined value by its
 * check (`undefined` is a default and passes).
 * @param name How messages name the object (`option split`).
 * @param prefix How messages name its keys (`option split.`).
 * @param nearKeys Where an unknown key may belong besides a key of another case (`outdir` → `outDir`).
 * @throws RangeError naming the option.
 */
export function checkOptionTable(
  name: string,
  value: unknown,
  table: OptionTable,
  prefix: string,
  nearKeys?: NearKeys,
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RangeError(`${name} must be an object, got ${describeOptionValue(value)}`);
  }
  for (const [key, inner] of Object.entries(value)) {
    const check = Object.hasOwn(table, key) ? table[key] : undefined;
    if (!check) throw new RangeError(unknownKeyMessage(prefix, key, table, nearKeys));
    if (inner !== undefined) check(`${prefix}${key}`, inner);
  }
}

/**
 * `unknown option split.nameTemplate (did you mean split.naming.template?); the options of split
 * are ...`: the table's keys that differ only in case, then `nearKeys`'s.
 */
function unknownKeyMessage(prefix: string, key: string, table: OptionTable, nearKeys?: NearKeys): string {
  const path = prefix.replace(/^option /u, '');
  const lower = key.toLowerCase();
  const sameButCase = Object.keys(table).filter((known) => known.toLowerCase() === lower);
  const near = [...sameButCase, ...(nearKeys?.(key) ?? [])].map((inner) => `${path}${inner}`);
  const hint = near.length > 0 ? ` (did you mean ${near.join(' or ')}?)` : '';
  const of = path === '' ? '' : ` of ${path.slice(0, -1)}`;
  return `unknown ${prefix}${key}${hint}; the options${of} are ${Object.keys(table).join(', ')}`;
}

/** `true` or `false`. */
export const booleanCheck: OptionCheck = (name, value) => {
  if (typeof value !== 'boolean')
    throw new RangeError(`${name} must be true or false, got ${describeOptionValue(value)}`);
};

/** A string that is not empty. */
export const textCheck: OptionCheck = (name, value) => {
  if (typeof value !== 'string' || value === '') {
    throw new RangeError(`${name} must be a non-empty string, got ${describeOptionValue(value)}`);
  }
};

/** Any function. */
export const functionCheck: OptionCheck = (name, value) => {
  if (typeof value !== 'function')
    throw new RangeError(`${name} must be a function, got ${describeOptionValue(value)}`);
};

/** A number in a range (read when called: see the module comment). */
export const numberCheck =
  (range: () => NumberRange): OptionCheck =>
  (name, value) => {
    checkNumber(name, value, range());
  };

/** One of a list of strings (read when called). */
export const choiceCheck =
  (choices: () => readonly string[]): OptionCheck =>
  (name, value) => {
    checkChoice(name, value, choices());
  };

/** An AbortSignal. */
export const signalCheck: OptionCheck = (name, value) => {
  if (!(value instanceof AbortSignal))
    throw new RangeError(`${name} must be an AbortSignal, got ${describeOptionValue(value)}`);
};

/**
 * An object (not null, not an array) with the given methods: `what` says what it must be
 * (`a glTF-Transform NodeIO (with readBinary and writeBinary)`).
 */
export const objectCheck =
  (what = 'an object', methods: readonly string[] = []): OptionCheck =>
  (name, value) => {
    const record = value as Record<string, unknown> | null;
    if (
      typeof value !== 'object' ||
      record === null ||
      Array.isArray(value) ||
      methods.some((method) => typeof record[method] !== 'function')
    ) {
      throw new RangeError(`${name} must be ${what}, got ${describeOptionValue(value)}`);
    }
  };
