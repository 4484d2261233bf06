import type { Command } from 'commander';
import { apiContext } from '../api-context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';
import { UsageError } from '../usage-error.js';
import { action, type CliRun } from './index.js';
import { type ApiFlags, addApiOptions, addOutputOptions } from './options.js';

const EXAMPLES = `
Examples:
  $ meshparts balance            # key from THREEDAISTUDIO_API_KEY, --api-key or the config file
  150
  $ meshparts balance --json
  {"balance":150,"segmentations":1}

\`meshparts run --dry-run\` also checks the balance against its plan.`;

export function register(program: Command, run: CliRun): void {
  const command = program.command('balance').description('print the wallet balance in credits');
  addOutputOptions(addApiOptions(command))
    .addHelpText('after', EXAMPLES)
    .action(action(run, (output, flags: ApiFlags) => balanceCommand(output, flags)));
}

async function balanceCommand(output: Output, flags: ApiFlags): Promise<ExitCode> {
  const context = await apiContext(flags, output);
  if (!context.config.apiKey) {
    throw new UsageError('balance needs an API key: --api-key, THREEDAISTUDIO_API_KEY, or the config file');
  }
  const { createClient, isAuthenticationError, walletBalance } = await import('../pipeline/segmenters.js');
  const client = createClient(context.client);
  try {
    const balance = await walletBalance(client);
    const segmentations = Math.floor(balance / context.credits);
    if (output.json) safeJsonLine(output, { balance, segmentations });
    else output.result(String(balance));
    return EXIT.ok;
  } catch (error) {
    // A key the API refuses is bad usage (exit 2), as in `run` and `segment`.
    if (isAuthenticationError(error)) {
      output.failure('usage', error);
      return EXIT.usage;
    }
    output.failure('failure', error);
    return EXIT.someFailed;
  } finally {
    await client.close();
  }
}

/** `balance --json` prints one compact line (scripts read it with a plain `JSON.parse`). */
function safeJsonLine(output: Output, value: unknown): void {
  output.result(JSON.stringify(value));
}
