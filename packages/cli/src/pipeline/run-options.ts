import {
  booleanCheck,
  checkOptionTable,
  choiceCheck,
  describeOptionValue,
  functionCheck,
  type NumberRange,
  numberCheck,
  type OptionCheck,
  objectCheck,
  signalCheck,
  textCheck,
} from '@meshparts/split/options';
import { PipelineUsageError } from './errors.js';
import type { SegmenterName } from './events.js';
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
 * The table is typed `Record<keyof RunPipelineOptions, OptionCheck>`, as the split's is: an option added
 * to the type and not here is a compile error. The checking itself is @meshparts/split's
 * (`checkOptionTable` and its checks), so both packages refuse an option in the same words.
 * @throws PipelineUsageError naming the option, the value and what is accepted (the CLI's exit 2).
 */
export function checkRunPipelineOptions(options: unknown): asserts options is RunPipelineOptions {
  try {
    checkOptionTable("runPipeline's options", options, RUN_CHECKS, 'option ');
  } catch (error) {
    if (error instanceof RangeError) throw new PipelineUsageError(error.message, { cause: error });
    throw error;
  }
  for (const required of ['inputs', 'outDir'] as const)
    if ((options as Record<string, unknown>)[required] === undefined)
      throw new PipelineUsageError(`option ${required} is required`);
}

/** RunPipelineOptions' segmenters; a Record so that a new one must be added here. */
const SEGMENTERS = Object.keys({ tripo: true, local: true } satisfies Record<SegmenterName, true>);

const atLeast = (min: number, integer = false): OptionCheck =>
  numberCheck(() => ({ min, max: Number.POSITIVE_INFINITY, integer }));
const above = (min: number, integer = false): OptionCheck =>
  numberCheck((): NumberRange => ({ min, max: Number.POSITIVE_INFINITY, integer, aboveMin: true }));
const object = objectCheck();

const CLIENT_CHECKS: Record<keyof ClientOptions, OptionCheck> = {
  apiKey: (name, value) => {
    // Never echoed: it is the key.
    if (typeof value !== 'string') throw new RangeError(`${name} must be a string`);
  },
  baseUrl: textCheck,
  requestsPerMinute: above(0),
  maxRetries: atLeast(0, true),
  timeoutMs: above(0),
  dispatcher: object,
  logger: object,
  retry: object,
  polling: object,
  maxUploadBytes: above(0, true),
  rateLimitWindowMs: above(0),
  clock: object,
  random: functionCheck,
};

const RUN_CHECKS: Record<keyof RunPipelineOptions, OptionCheck> = {
  inputs: (name, value) => {
    const got = describeOptionValue(value);
    if (typeof value === 'string')
      throw new RangeError(`${name} must be an array of paths, got ${got} (write [${got}])`);
    if (!Array.isArray(value)) throw new RangeError(`${name} must be an array of paths, got ${got}`);
    if (value.length === 0) throw new RangeError(`${name} is empty: give at least one model file or folder`);
    value.forEach((path, index) => {
      if (typeof path !== 'string' || path === '')
        throw new RangeError(
          `${name}[${index}] must be a path (a non-empty string), got ${describeOptionValue(path)}`,
        );
    });
  },
  outDir: textCheck,
  segmenter: choiceCheck(() => SEGMENTERS),
  client: (name, value) => checkOptionTable(name, value, CLIENT_CHECKS, `${name}.`),
  // Its own PipelineUsageError, with @meshparts/split's message.
  split: (_name, value) => checkPipelineSplitOptions(value),
  concurrency: atLeast(1, true),
  maxCredits: atLeast(0),
  dryRun: booleanCheck,
  resubmitUnknown: booleanCheck,
  resubmitExpired: booleanCheck,
  waitTimeoutMs: above(0),
  gallery: booleanCheck,
  signal: signalCheck,
  onEvent: functionCheck,
};
