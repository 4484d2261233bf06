import type { Command } from 'commander';
import { register as registerInspect } from './inspect.js';
import { register as registerSplit } from './split.js';

/**
 * Each command lives in its own file and registers itself on the program. Registration must stay
 * cheap: a command imports its heavy modules (glTF-Transform, codecs, undici) inside its action,
 * so that `meshparts --help` starts fast.
 */
export type RegisterCommand = (program: Command) => void;

/** Every command of `meshparts`, in the order `--help` lists them. */
export const COMMANDS: readonly RegisterCommand[] = [registerInspect, registerSplit];
