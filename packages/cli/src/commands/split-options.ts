import { readFile } from 'node:fs/promises';
import type {
  CaseStyle,
  LabelOptions,
  NameInput,
  NamingOptions,
  PivotMode,
  RenameMap,
  StrategyOption,
} from '@meshparts/split';
import type { Command } from 'commander';
import { UsageError } from '../usage-error.js';

/** Option values shared by `split` and `inspect`, as commander parses them. */
export interface SplitFlags {
  strategy?: string;
  attribute?: string;
  pivot?: string;
  instances?: string;
  nameTemplate?: string;
  rename?: string;
  case?: string;
  json?: boolean;
  maxColors?: string;
  colorTolerance?: string;
  weldTolerance?: string;
  minComponentRatio?: string;
  minComponentTriangles?: string;
}

/** The label tuning flags, shared by `split` and `inspect`; they map 1:1 to LabelOptions. */
export function addLabelOptions(command: Command): Command {
  return command
    .option('--max-colors <n>', 'colors: at most this many distinct face colours (default 64)')
    .option('--color-tolerance <x>', 'colors: colour quantisation step, 0-1 (default 0.02)')
    .option(
      '--weld-tolerance <x>',
      'components: weld distance, fraction of the bounds diagonal (default 1e-4)',
    )
    .option(
      '--min-component-ratio <x>',
      'components: pieces under this share of triangles are merged (default 0.005)',
    )
    .option(
      '--min-component-triangles <n>',
      'components: pieces under this many triangles are merged (default 16)',
    );
}

function numberFlag(
  flag: string,
  value: string | undefined,
  integer: boolean,
  max = Infinity,
  min = 0,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (
    value.trim() === '' ||
    !Number.isFinite(number) ||
    number < min ||
    number > max ||
    (integer && !Number.isInteger(number))
  ) {
    const what = integer ? 'a whole number' : 'a number';
    throw new UsageError(
      `${flag} must be ${what} from ${min}${max === Infinity ? '' : ` to ${max}`} (got ${JSON.stringify(value)})`,
    );
  }
  return number;
}

function labelOptions(flags: SplitFlags): LabelOptions {
  const options: LabelOptions = {};
  const set = <K extends keyof LabelOptions>(key: K, value: LabelOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set('maxColors', numberFlag('--max-colors', flags.maxColors, true, Infinity, 2));
  set('colorTolerance', numberFlag('--color-tolerance', flags.colorTolerance, false, 1));
  set('weldTolerance', numberFlag('--weld-tolerance', flags.weldTolerance, false, 1));
  set('minComponentRatio', numberFlag('--min-component-ratio', flags.minComponentRatio, false, 1));
  set('minComponentTriangles', numberFlag('--min-component-triangles', flags.minComponentTriangles, true));
  return options;
}

export const STRATEGY_CHOICES = ['auto', 'nodes', 'primitives', 'attribute', 'colors', 'components'] as const;
export const PIVOT_CHOICES = ['original', 'center', 'bottom'] as const;
export const INSTANCES_CHOICES = ['shared', 'separate'] as const;
export const CASE_CHOICES = ['keep', 'snake', 'kebab', 'camel', 'pascal'] as const;

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`${flag} must be one of ${choices.join(', ')} (got ${JSON.stringify(value)})`);
  }
  return value as T;
}

/** Parsed and checked options, ready for @meshparts/split. */
export interface ResolvedSplitFlags {
  strategy: StrategyOption;
  attribute?: string;
  pivot: PivotMode;
  instances: 'shared' | 'separate';
  naming: NamingOptions;
  labels: LabelOptions;
}

/** The parts of @meshparts/split that flag checking needs (passed in: the module loads lazily). */
export interface SplitModuleForFlags {
  parseRenameMap(json: unknown): RenameMap;
  nameParts(inputs: readonly NameInput[], options?: NamingOptions): string[];
}

/** Checks flag values and loads the rename map; bad values are a UsageError (exit 2). */
export async function resolveSplitFlags(
  flags: SplitFlags,
  split: SplitModuleForFlags,
): Promise<ResolvedSplitFlags> {
  const strategy = oneOf('--strategy', flags.strategy, STRATEGY_CHOICES) ?? 'auto';
  if (flags.attribute !== undefined && strategy !== 'attribute' && strategy !== 'auto') {
    throw new UsageError('--attribute goes with --strategy attribute (or auto)');
  }
  const naming: NamingOptions = {};
  if (flags.nameTemplate !== undefined) naming.template = flags.nameTemplate;
  const style = oneOf<CaseStyle>('--case', flags.case, CASE_CHOICES);
  if (style) naming.case = style;
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
      naming.rename = split.parseRenameMap(json);
    } catch (error) {
      throw new UsageError(`bad rename map ${flags.rename}: ${(error as Error).message}`, { cause: error });
    }
  }
  try {
    // A bad template ({nmae}) is bad usage: find out now, not after reading the model.
    split.nameParts([{ sourceName: 'part', index: 0, id: 'part' }], naming);
  } catch (error) {
    throw new UsageError(`--name-template: ${(error as Error).message}`, { cause: error });
  }
  return {
    labels: labelOptions(flags),
    strategy: flags.attribute !== undefined && strategy === 'auto' ? 'attribute' : strategy,
    ...(flags.attribute !== undefined ? { attribute: flags.attribute } : {}),
    pivot: oneOf('--pivot', flags.pivot, PIVOT_CHOICES) ?? 'original',
    instances: oneOf('--instances', flags.instances, INSTANCES_CHOICES) ?? 'shared',
    naming,
  };
}

/** Errors of @meshparts/split that mean bad input (exit 2), by class name so the module loads lazily. */
const INPUT_ERRORS = new Set([
  'ModelReadError',
  'ModelLimitError',
  'NoPartsError',
  'PackWriteError',
  'NoLabelsError',
  'StrategyError',
]);

/**
 * Turns an input error from @meshparts/split into a UsageError (exit 2) and rethrows anything else.
 * The UsageError keeps the original stack, so `--debug` shows where the input was rejected.
 */
export function asUsageError(error: unknown): never {
  if (error instanceof Error && INPUT_ERRORS.has(error.name)) {
    const usage = new UsageError(error.message, { cause: error });
    if (error.stack) usage.stack = error.stack;
    throw usage;
  }
  throw error;
}
