import type { Command } from 'commander';
import { apiContext } from '../api-context.js';
import { EXIT } from '../exit-codes.js';
import { messageOf } from '../pipeline/errors.js';
import { UsageError } from '../usage-error.js';
import { addApiOptions } from './options.js';

interface BalanceFlags {
  apiKey?: string;
  baseUrl?: string;
  rpm?: number;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  $ meshparts balance            # key from THREEDAISTUDIO_API_KEY, --api-key or the config file
  150
  $ meshparts balance --json
  {"balance":150,"segmentations":1}

A segmentation costs 80 credits; \`meshparts run --dry-run\` also checks the balance against its plan.`;

export function register(program: Command): void {
  const command = program.command('balance').description('print the wallet balance in credits');
  addApiOptions(command);
  command
    .option('--json', 'machine-readable JSON on stdout')
    .option(
      '-q, --quiet',
      'accepted like every command; balance prints only the balance (failures on stderr)',
    )
    .addHelpText('after', EXAMPLES)
    .action(async (flags: BalanceFlags, cmd: Command) => {
      process.exitCode = await balanceCommand(flags, Boolean(cmd.optsWithGlobals().debug));
    });
}

async function balanceCommand(flags: BalanceFlags, debug: boolean): Promise<number> {
  const { config, client: options } = await apiContext(flags, debug);
  if (!config.apiKey) {
    throw new UsageError('balance needs an API key: --api-key, THREEDAISTUDIO_API_KEY, or the config file');
  }
  const { createClient, walletBalance } = await import('../pipeline/segmenters.js');
  const client = createClient(options);
  try {
    const balance = await walletBalance(client);
    const segmentations = Math.floor(balance / 80);
    if (flags.json) process.stdout.write(`${JSON.stringify({ balance, segmentations })}\n`);
    else process.stdout.write(`${balance}\n`);
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`meshparts: ${messageOf(error)}\n`);
    if (flags.json) {
      const json = {
        ok: false,
        error: { kind: 'failure', name: (error as Error).name, message: messageOf(error) },
      };
      process.stdout.write(`${JSON.stringify(json)}\n`);
    }
    return EXIT.someFailed;
  } finally {
    await client.close();
  }
}
