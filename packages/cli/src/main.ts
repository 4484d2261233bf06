import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';
import { EXIT } from './exit-codes.js';
import { formatError, UsageError } from './usage-error.js';
import { VERSION } from './version.js';

export { EXIT } from './exit-codes.js';

/**
 * Builds the `meshparts` command. Commands load their modules lazily so `--help` starts fast.
 * A command's action sets `program.exitCode`-style results by returning through `setExitCode`.
 */
export function buildProgram(): Command {
  const program = new Command('meshparts')
    .description(
      'Turn 3D models into modular asset packs: segment, split into one GLB per part, write a manifest.',
    )
    .version(VERSION, '-v, --version')
    .option('--debug', 'print stack traces and debug logs (the API key is never printed)')
    .showHelpAfterError('(add --help for usage and examples)')
    .exitOverride();
  for (const register of COMMANDS) register(program);
  program.addHelpText(
    'after',
    `
Examples:
  $ meshparts run models/ -o packs                  # segment + split every model (offline without a key)
  $ meshparts inspect robot.glb                     # what would be split, and why
  $ meshparts split robot.glb -o packs/robot        # split an already segmented model, no network
  $ meshparts emulate                               # the API on loopback, for offline development

API key: --api-key, THREEDAISTUDIO_API_KEY, or ~/.config/meshparts/config.json ({ "apiKey": "..." }).
Exit codes: 0 success, 1 some models failed, 2 bad usage or input.`,
  );
  return program;
}

/**
 * Runs the CLI with the given arguments and resolves to the process exit code.
 * Commands signal partial failure by setting `process.exitCode` to EXIT.someFailed; they throw a
 * UsageError for bad usage or input (exit 2). Anything else that escapes is a failure (exit 1).
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  const debug = argv.includes('--debug');
  try {
    process.exitCode = undefined;
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through exitOverride with exit code 0; commander already printed.
      if (error.exitCode === 0) return EXIT.ok;
      writeJsonError(argv, 'usage', error.message);
      return EXIT.usage;
    }
    process.stderr.write(`${formatError(error, debug)}\n`);
    const usage = error instanceof UsageError || isBadBaseUrl(error);
    writeJsonError(argv, usage ? 'usage' : 'failure', formatError(error, false).replace(/^meshparts: /, ''));
    return usage ? EXIT.usage : EXIT.someFailed;
  }
}

/**
 * With --json, a command that fails before producing its result still answers with JSON on stdout
 * (`{ "ok": false, "error": { "kind", "message" } }`), so a build tool parsing stdout always gets JSON.
 */
function writeJsonError(argv: readonly string[], kind: 'usage' | 'failure', message: string): void {
  if (!argv.includes('--json')) return;
  process.stdout.write(`${JSON.stringify({ ok: false, error: { kind, message } }, null, 2)}\n`);
}

/**
 * The client refuses a base URL that is not https (http only on loopback) with code INVALID_BASE_URL
 * when it is made: that is bad usage of --base-url / THREEDAISTUDIO_BASE_URL (exit 2), not a failure.
 */
function isBadBaseUrl(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'INVALID_BASE_URL';
}
