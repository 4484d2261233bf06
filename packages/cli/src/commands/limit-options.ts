import type { ModelLimits } from '@meshparts/split';
import type { Command } from 'commander';
import { UsageError } from '../usage-error.js';

/**
 * The flags that set @meshparts/split's limits on hostile input (`split` and `run`). Defaults are the
 * library's MODEL_LIMITS_DEFAULTS (1 GiB files, 50 million vertices, 10 000 parts); a model past one
 * is bad input: exit 2 for `split`, an `input` failure of that model for `run`.
 */
export interface LimitFlags {
  maxFileMb?: string;
  maxVertices?: string;
  maxParts?: string;
}

export function addLimitOptions(command: Command): Command {
  return command
    .option('--max-file-mb <n>', 'refuse model files larger than this many MiB (default 1024)')
    .option('--max-vertices <n>', 'refuse models that declare more vertices (default 50000000)')
    .option('--max-parts <n>', 'refuse models that split into more parts (default 10000)');
}

function positive(flag: string, value: string, integer: boolean): number {
  const number = Number(value);
  if (
    value.trim() === '' ||
    !Number.isFinite(number) ||
    number <= 0 ||
    (integer && !Number.isInteger(number))
  ) {
    throw new UsageError(
      `${flag} must be ${integer ? 'a whole number' : 'a number'} above 0 (got ${JSON.stringify(value)})`,
    );
  }
  return number;
}

/** The limits the flags set (only those given); bad values are a UsageError. */
export function limitsFrom(flags: LimitFlags): Partial<ModelLimits> {
  const limits: Partial<ModelLimits> = {};
  if (flags.maxFileMb !== undefined) {
    limits.maxFileBytes = Math.floor(positive('--max-file-mb', flags.maxFileMb, false) * 1024 * 1024);
  }
  if (flags.maxVertices !== undefined)
    limits.maxVertices = positive('--max-vertices', flags.maxVertices, true);
  if (flags.maxParts !== undefined) limits.maxParts = positive('--max-parts', flags.maxParts, true);
  return limits;
}
