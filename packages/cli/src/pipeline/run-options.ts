import { PipelineUsageError } from './errors.js';
import type { RunPipelineOptions } from './run-pipeline.js';
import type { ClientOptions } from './segmenters.js';
import { checkPipelineSplitOptions } from './split-api.js';

/**
 * The check of {@link RunPipelineOptions} as a script passes them, before anything is read, written or
 * sent: every key known (`outdir` is refused with `outDir` suggested, not ignored), every value of its
 * type and range. TypeScript catches most of this; plain JavaScript and JSON configs do not, and an
 * unchecked value does harm: `inputs: 'models/'` (a string, not an array) was read as one path per
 * character, `/` among them, and a whole file system was packed; `segmenter: 'Tripo'` planned paid
 * submissions; `maxCredits: '80'` compared as text. `split` goes through @meshparts/split's own check.
 *
 * The table is typed `Record<keyof RunPipelineOptions, Check>`, as the split's is: an option added to
 * the type and not here is a compile error.
 * @throws PipelineUsageError naming the option, the value and what is accepted (the CLI's exit 2).
 */
export function checkRunPipelineOptions(options: unknown): asserts options is RunPipelineOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new PipelineUsageError(`runPipeline's options must be an object, got ${shown(options)}`);
  checkKeys(options, RUN_CHECKS, 'option ');
  for (const required of ['inputs', 'outDir'] as const)
    if ((options as Record<string, unknown>)[required] === undefined)
      throw new PipelineUsageError(`option ${required} is required`);
}

type Check = (name: string, value: unknown) => void;

function fail(message: string): never {
  throw new PipelineUsageError(message);
}

/** A value as a message shows it. */
function shown(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function checkKeys(value: object, checks: Readonly<Record<string, Check>>, prefix: string): void {
  for (const [key, inner] of Object.entries(value)) {
    const check = Object.hasOwn(checks, key) ? checks[key] : undefined;
    if (!check) {
      const near = Object.keys(checks).filter((known) => known.toLowerCase() === key.toLowerCase());
      const hint = near.length > 0 ? ` (did you mean ${prefix}${near[0]}?)` : '';
      const of = prefix === 'option ' ? '' : ` of ${prefix.slice('option '.length, -1)}`;
      fail(`unknown ${prefix}${key}${hint}; the options${of} are ${Object.keys(checks).join(', ')}`);
    }
    if (inner !== undefined) check(`${prefix}${key}`, inner);
  }
}

const boolean: Check = (name, value) => {
  if (typeof value !== 'boolean') fail(`${name} must be true or false, got ${shown(value)}`);
};
const text: Check = (name, value) => {
  if (typeof value !== 'string' || value === '')
    fail(`${name} must be a non-empty string, got ${shown(value)}`);
};
/** A number of at least `min` (`whole`: an integer). */
const number =
  (min: number, whole = false, above = false): Check =>
  (name, value) => {
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (above ? value > min : value >= min) &&
      (!whole || Number.isInteger(value));
    if (!ok)
      fail(
        `${name} must be ${whole ? 'a whole number' : 'a number'} ${above ? 'above' : 'of at least'} ${min}, got ${shown(value)}`,
      );
  };
const fn: Check = (name, value) => {
  if (typeof value !== 'function') fail(`${name} must be a function, got ${shown(value)}`);
};
const object: Check = (name, value) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(`${name} must be an object, got ${shown(value)}`);
};

const CLIENT_CHECKS: Record<keyof ClientOptions, Check> = {
  apiKey: (name, value) => {
    if (typeof value !== 'string') fail(`${name} must be a string`);
  },
  baseUrl: text,
  requestsPerMinute: number(0, false, true),
  maxRetries: number(0, true),
  timeoutMs: number(0, false, true),
  dispatcher: object,
  logger: object,
  retry: object,
  polling: object,
  maxUploadBytes: number(0, true, true),
  rateLimitWindowMs: number(0, false, true),
  clock: object,
  random: fn,
};

const RUN_CHECKS: Record<keyof RunPipelineOptions, Check> = {
  inputs: (name, value) => {
    if (typeof value === 'string')
      fail(`${name} must be an array of paths, got ${shown(value)} (write [${JSON.stringify(value)}])`);
    if (!Array.isArray(value)) fail(`${name} must be an array of paths, got ${shown(value)}`);
    if (value.length === 0) fail(`${name} is empty: give at least one model file or folder`);
    value.forEach((path, index) => {
      if (typeof path !== 'string' || path === '')
        fail(`${name}[${index}] must be a path (a non-empty string), got ${shown(path)}`);
    });
  },
  outDir: text,
  segmenter: (name, value) => {
    if (value !== 'tripo' && value !== 'local')
      fail(`${name} must be "tripo" or "local", got ${shown(value)}`);
  },
  client: (name, value) => {
    object(name, value);
    checkKeys(value as object, CLIENT_CHECKS, `${name}.`);
  },
  split: (_name, value) => checkPipelineSplitOptions(value),
  concurrency: number(1, true),
  maxCredits: number(0),
  dryRun: boolean,
  resubmitUnknown: boolean,
  resubmitExpired: boolean,
  waitTimeoutMs: number(0, false, true),
  signal: (name, value) => {
    if (!(value instanceof AbortSignal)) fail(`${name} must be an AbortSignal, got ${shown(value)}`);
  },
  onEvent: fn,
};
