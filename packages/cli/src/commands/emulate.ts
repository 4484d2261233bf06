import type { Command } from 'commander';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';
import { UsageError } from '../usage-error.js';
import { action, type CliRun } from './index.js';
import { addEmulatorOptions, addOutputOptions } from './options.js';

interface EmulateFlags {
  port?: number;
  apiKey: string;
  balance: number;
  durationMs: number;
  rpm: number;
  rateLimit?: string;
  rateLimitHeaders: string;
  json?: boolean;
  quiet?: boolean;
}

/** The emulator's default key: a development value, not a secret, so the hint may show it. */
const DEFAULT_EMULATOR_KEY = 'emulator-key';

const EXAMPLES = `
Examples:
  $ meshparts emulate --port 8787
  $ THREEDAISTUDIO_BASE_URL=http://127.0.0.1:8787 THREEDAISTUDIO_API_KEY=${DEFAULT_EMULATOR_KEY} \\
      meshparts run fixtures/TwoCubes.glb fixtures/BoxAnimated.glb -o out/emulated --rpm 60

The emulator follows the 3D AI Studio API (multipart upload, credits, task lifecycle with progress,
rate limiting, results on a second origin that expire) and segments with the local geometric
segmenter: the whole Tripo path, offline. Stop it with Ctrl-C.`;

export function register(program: Command, run: CliRun): void {
  const command = program
    .command('emulate')
    .description('run an emulator of the 3D AI Studio API on loopback, segmenting with the local segmenter');
  addOutputOptions(addEmulatorOptions(command, { apiKey: DEFAULT_EMULATOR_KEY }))
    .option(
      '--rate-limit <shape>',
      'how requests are counted, instead of --rpm per minute: sliding:LIMIT/SECONDS, fixed:LIMIT/SECONDS or bucket:CAPACITY,PER_SECOND (e.g. sliding:5/5)',
    )
    .option(
      '--rate-limit-headers <form>',
      'rate-limit headers on every answer: none, x-ratelimit or ietf',
      'none',
    )
    .addHelpText('after', EXAMPLES)
    .action(action(run, (output, flags: EmulateFlags) => emulateCommand(output, flags)));
}

async function emulateCommand(output: Output, flags: EmulateFlags): Promise<ExitCode> {
  const { serveLocalEmulator, rateLimitOptions } = await import('../pipeline/emulator-api.js');
  const rateLimit = await rateLimitOptions(flags.rateLimit, flags.rateLimitHeaders).catch(
    (error: unknown) => {
      throw error instanceof RangeError ? new UsageError(error.message) : error;
    },
  );
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => controller.abort(new Error(signal));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const stats = await serveLocalEmulator(
      {
        apiKey: flags.apiKey,
        ...(flags.port !== undefined ? { port: flags.port } : {}),
        balance: flags.balance,
        durationMs: flags.durationMs,
        requestsPerMinute: flags.rpm,
        ...rateLimit,
      },
      {
        signal: controller.signal,
        onReady: (emulator) => {
          const key = flags.apiKey === DEFAULT_EMULATOR_KEY ? DEFAULT_EMULATOR_KEY : '<the key you passed>';
          if (output.json) {
            output.writeJson({ url: emulator.url, storageUrl: emulator.storageUrl });
            return;
          }
          output.result(
            `emulator listening on ${emulator.url} (results served from ${emulator.storageUrl})\n` +
              `try: THREEDAISTUDIO_BASE_URL=${emulator.url} THREEDAISTUDIO_API_KEY=${key} meshparts run fixtures/TwoCubes.glb fixtures/BoxAnimated.glb -o out/emulated --rpm 60\n` +
              'press Ctrl-C to stop',
          );
        },
      },
    );
    output.info(
      `emulator stopped: ${stats.submissions} submission(s), ${stats.requests.total} request(s), balance ${stats.balance}`,
    );
    return EXIT.ok;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(
        `port ${flags.port} is in use: choose another with --port, or leave it out for a free one`,
      );
    }
    throw error;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
