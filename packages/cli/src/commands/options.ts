import { type Command, InvalidArgumentError, Option } from 'commander';
import { CASE_CHOICES, INSTANCES_CHOICES, PIVOT_CHOICES, STRATEGY_CHOICES } from './split-options.js';

/**
 * Option definitions shared by the commands that talk to the API or run the pipeline, so every
 * command spells them the same way (DESIGN.md's list). Values are validated here: a bad value is a
 * usage error (exit 2) before anything runs.
 */

export function positiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${name} must be a whole number of at least 1`);
    }
    return n;
  };
}

export function nonNegativeInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`${name} must be a whole number (0 or more)`);
    }
    return n;
  };
}

/** --api-key, --base-url, --rpm. */
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
    .option('--rpm <n>', 'requests per minute allowed by your account (default 3)', positiveInt('--rpm'))
    .option(
      '--poll-interval <ms>',
      'longest pause between status polls (default 60000; polls always stay within --rpm)',
      positiveInt('--poll-interval'),
    );
}

/** --segmenter tripo|local. */
export function addSegmenterOption(command: Command): Command {
  return command.addOption(
    new Option(
      '--segmenter <name>',
      'tripo (paid API) or local (offline); default: tripo when an API key is set',
    ).choices(['tripo', 'local']),
  );
}

/**
 * The split options, spelled and checked as `meshparts split` does (split-options.ts); values are
 * validated by resolveSplitFlags, so both commands give the same messages.
 */
export function addSplitOptions(command: Command): Command {
  return command
    .option(
      '--strategy <name>',
      `how to find parts in the segmented GLB: ${STRATEGY_CHOICES.join(', ')}`,
      'auto',
    )
    .option('--attribute <name>', 'per-vertex label attribute for --strategy attribute')
    .option('--pivot <mode>', `part origin: ${PIVOT_CHOICES.join(', ')}`, 'original')
    .option('--instances <mode>', `a mesh used by several nodes: ${INSTANCES_CHOICES.join(' or ')}`, 'shared')
    .option('--name-template <template>', 'part names from {name}, {index}, {id}, {model}', '{name}')
    .option('--rename <map.json>', 'JSON object mapping source names (exact or "/regex/flags") to new names')
    .option('--case <style>', `name case: ${CASE_CHOICES.join(', ')}`, 'keep');
}

/** --json, --quiet. */
export function addOutputOptions(command: Command): Command {
  return command
    .option('--json', 'machine-readable JSON on stdout (and nothing else there)')
    .option('-q, --quiet', 'no progress lines or summary table: failures only');
}
