import type { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import { Output } from '../output.js';
import { register as balance } from './balance.js';
import { register as emulate } from './emulate.js';
import { register as inspect } from './inspect.js';
import { register as run } from './run.js';
import { register as segment } from './segment.js';
import { register as split } from './split.js';
import { register as view } from './view.js';

/**
 * Each command lives in its own file and registers itself on the program. Registration must stay
 * cheap: a command imports its heavy modules (glTF-Transform, codecs, undici) inside its action,
 * so that `meshparts --help` starts fast.
 *
 * A command's action returns its exit code; {@link action} records it (and the command's Output) in
 * the {@link CliRun} that `main` reads when parsing is over.
 */
export interface CliRun {
  code: ExitCode;
  /** The Output of the command that ran, for main to report a failure in the same form. */
  output?: Output;
}

export type RegisterCommand = (program: Command, run: CliRun) => void;

/** Flags every command has. */
export interface OutputFlags {
  json?: boolean;
  quiet?: boolean;
}

/**
 * A commander action for a command body that returns its exit code: builds the command's Output from
 * its `--json`, `--quiet` and the global `--debug`, and records the code.
 */
export function action<F extends object>(
  run: CliRun,
  body: (output: Output, flags: F, operands: unknown[]) => Promise<ExitCode>,
): (...params: unknown[]) => Promise<void> {
  return async (...params) => {
    const command = params.at(-1) as Command;
    const flags = command.opts<F>();
    const { json, quiet } = flags as OutputFlags;
    const output = new Output({
      json,
      quiet,
      debug: Boolean(command.optsWithGlobals().debug),
    });
    run.output = output;
    run.code = await body(output, flags, params.slice(0, -2));
  };
}

/** Every command of `meshparts`, in the order `--help` lists them (DESIGN.md's order). */
export const COMMANDS: readonly RegisterCommand[] = [inspect, split, segment, run, balance, emulate, view];
