import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';
import { VERSION } from './version.js';

/** Exit codes, as DESIGN.md gives them. */
export const EXIT = { ok: 0, someFailed: 1, usage: 2 } as const;

/** Builds the `meshparts` command. Commands load their modules lazily so `--help` starts fast. */
export function buildProgram(): Command {
  const program = new Command('meshparts')
    .description(
      'Turn 3D models into modular asset packs: segment, split into one GLB per part, write a manifest.',
    )
    .version(VERSION, '-v, --version')
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

/** Runs the CLI with the given arguments and resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through exitOverride with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
}
