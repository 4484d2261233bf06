import type { Command } from 'commander';
import { EXIT } from '../exit-codes.js';
import { nonNegativeInt, positiveInt } from './options.js';

interface EmulateFlags {
  port?: number;
  apiKey: string;
  balance?: number;
  durationMs?: number;
  rpm?: number;
}

/** The emulator's default key: a dev value, not a secret, so it is fine to print it in the hint. */
const DEFAULT_EMULATOR_KEY = 'emulator-key';

const EXAMPLES = `
Examples:
  $ meshparts emulate --port 8787
  $ THREEDAISTUDIO_BASE_URL=http://127.0.0.1:8787 THREEDAISTUDIO_API_KEY=${DEFAULT_EMULATOR_KEY} meshparts run fixtures/ -o out/emulated

The emulator follows the 3D AI Studio API (upload, credits, task lifecycle, rate limits, results on a
second origin) and segments with the local geometric segmenter: the whole Tripo path, offline.
Stop it with Ctrl-C.`;

export function register(program: Command): void {
  program
    .command('emulate')
    .description('run an emulator of the 3D AI Studio API on loopback, segmenting with the local segmenter')
    .option('--port <n>', 'API port (default: a free port)', nonNegativeInt('--port'))
    .option('--api-key <key>', 'the key the emulator accepts', DEFAULT_EMULATOR_KEY)
    .option('--balance <credits>', 'starting wallet balance (default 1000)', nonNegativeInt('--balance'))
    .option('--duration-ms <ms>', 'how long each task takes (default 3000)', nonNegativeInt('--duration-ms'))
    .option('--rpm <n>', 'requests per minute before 429 (default 60)', positiveInt('--rpm'))
    .addHelpText('after', EXAMPLES)
    .action(async (flags: EmulateFlags) => {
      process.exitCode = await emulateCommand(flags);
    });
}

async function emulateCommand(flags: EmulateFlags): Promise<number> {
  const { startLocalEmulator } = await import('../pipeline/emulator-api.js');
  const emulator = await startLocalEmulator({
    apiKey: flags.apiKey,
    ...(flags.port !== undefined ? { port: flags.port } : {}),
    balance: flags.balance ?? 1000,
    durationMs: flags.durationMs ?? 3000,
    requestsPerMinute: flags.rpm ?? 60,
  });
  const key = flags.apiKey === DEFAULT_EMULATOR_KEY ? DEFAULT_EMULATOR_KEY : '<the key you passed>';
  process.stdout.write(
    `emulator listening on ${emulator.url} (results on ${emulator.storageUrl})\n` +
      `try: THREEDAISTUDIO_BASE_URL=${emulator.url} THREEDAISTUDIO_API_KEY=${key} meshparts run fixtures/ -o out/emulated\n` +
      'press Ctrl-C to stop\n',
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
  process.stderr.write(`emulator stopped (${signal})\n`);
  return EXIT.ok;
}
