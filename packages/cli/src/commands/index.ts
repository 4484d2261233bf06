import type { Command } from 'commander';
import { register as balance } from './balance.js';
import { register as emulate } from './emulate.js';
import { register as registerInspect } from './inspect.js';
import { register as run } from './run.js';
import { register as segment } from './segment.js';
import { register as registerSplit } from './split.js';
import { register as view } from './view.js';

/**
 * Each command lives in its own file and registers itself on the program. Registration must stay
 * cheap: a command imports its heavy modules (glTF-Transform, codecs, undici) inside its action,
 * so that `meshparts --help` starts fast.
 */
export type RegisterCommand = (program: Command) => void;

/** Every command of `meshparts`, in the order `--help` lists them (DESIGN.md's order). */
export const COMMANDS: readonly RegisterCommand[] = [
  registerInspect,
  registerSplit,
  segment,
  run,
  balance,
  emulate,
  view,
];
