import { Command, CommanderError } from 'commander';
import { type CliRun, COMMANDS } from './commands/index.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { Output } from './output.js';
import { PipelineUsageError } from './pipeline/errors.js';
import { VERSION } from './version.js';

export { EXIT } from './exit-codes.js';

/** Builds the `meshparts` command. Commands load their modules lazily so `--help` starts fast. */
export function buildProgram(run: CliRun = { code: EXIT.ok }): Command {
  const program = new Command('meshparts')
    .description(
      'Turn 3D models into modular asset packs: segment, split into one GLB per part, write a manifest.',
    )
    .version(VERSION, '-v, --version')
    .option('--debug', 'print stack traces and debug logs (the API key is never printed)')
    // Bad usage is one line on stderr (exit 2), with the hint on that same line.
    .configureOutput({ outputError: (text, write) => write(`${text.trimEnd()} (see --help)\n`) })
    .exitOverride();
  for (const register of COMMANDS) register(program, run);
  program.addHelpText(
    'after',
    `
Examples:
  $ meshparts run models/ -o packs                  # segment + split every model (offline without a key)
  $ meshparts inspect robot.glb                     # what would be split, and why
  $ meshparts split robot.glb -o packs/robot        # split an already segmented model, no network
  $ meshparts emulate                               # the API on loopback, for offline development

API key: --api-key, THREEDAISTUDIO_API_KEY, or a config file ({ "apiKey": "..." }) at $MESHPARTS_CONFIG,
$XDG_CONFIG_HOME/meshparts/config.json or ~/.config/meshparts/config.json.
Exit codes: 0 success; 1 some models failed, the run was interrupted, or standard output could
not be written; 2 bad usage or input (nothing done, nothing paid); 130 a second Ctrl-C.`,
  );
  return program;
}

/**
 * Runs the CLI with the given arguments and resolves to the process exit code: the code the command
 * returned, 2 for bad usage or input (commander's parse errors, a UsageError or PipelineUsageError, a
 * @meshparts/split error: the model or the pack folder), 1 for anything else that escapes.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const run: CliRun = { code: EXIT.ok };
  const program = buildProgram(run);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return run.code;
  } catch (error) {
    // --help and --version end through exitOverride with exit code 0; commander already printed.
    if (error instanceof CommanderError && error.exitCode === 0) return EXIT.ok;
    // A parse error comes before any command has its Output: --json and --debug are read from argv.
    const output =
      run.output ?? new Output({ json: argv.includes('--json'), debug: argv.includes('--debug') });
    const code = await exitCodeOf(error);
    if (error instanceof CommanderError) {
      // commander printed the message (and the help hint) on stderr already.
      if (output.json) output.writeJson({ ok: false, error: { kind: 'usage', message: error.message } });
    } else {
      output.failure(code === EXIT.usage ? 'usage' : 'failure', error);
    }
    return code;
  }
}

/** 2 for a refusal before anything was done, 1 otherwise. */
async function exitCodeOf(error: unknown): Promise<ExitCode> {
  if (error instanceof CommanderError || error instanceof PipelineUsageError) return EXIT.usage;
  // The client refuses, when it is made, a base URL that is not https (http only on loopback) and a
  // key an HTTP header cannot carry: bad usage of --base-url / --api-key and their sources.
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'INVALID_BASE_URL' || code === 'INVALID_API_KEY') return EXIT.usage;
  // Split errors are the model's or the pack folder's: bad input (the light entry: no glTF code).
  const { SplitError } = await import('@meshparts/split/options');
  if (error instanceof SplitError) return EXIT.usage;
  return EXIT.someFailed;
}
