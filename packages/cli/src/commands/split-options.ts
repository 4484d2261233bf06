import { readFile } from 'node:fs/promises';
import type { CaseStyle, NamingOptions, PivotMode, RenameMap, StrategyOption } from '@meshparts/split';
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
}

/** Checks flag values and loads the rename map; bad values are a UsageError (exit 2). */
export async function resolveSplitFlags(
  flags: SplitFlags,
  parseRenameMap: (json: unknown) => RenameMap,
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
      naming.rename = parseRenameMap(json);
    } catch (error) {
      throw new UsageError(`bad rename map ${flags.rename}: ${(error as Error).message}`, { cause: error });
    }
  }
  return {
    strategy: flags.attribute !== undefined && strategy === 'auto' ? 'attribute' : strategy,
    ...(flags.attribute !== undefined ? { attribute: flags.attribute } : {}),
    pivot: oneOf('--pivot', flags.pivot, PIVOT_CHOICES) ?? 'original',
    instances: oneOf('--instances', flags.instances, INSTANCES_CHOICES) ?? 'shared',
    naming,
  };
}

/** Errors of @meshparts/split that mean bad input (exit 2), by class name so the module loads lazily. */
const INPUT_ERRORS = new Set(['ModelReadError', 'NoPartsError', 'PackWriteError', 'NoLabelsError']);

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
