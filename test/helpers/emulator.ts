import { withLocalSegmenter } from '../../packages/cli/src/index.js';
import {
  type Emulator,
  type EmulatorOptions,
  startEmulator,
} from '../../packages/client/src/testing/index.js';

export const TEST_KEY = 'sk-test-meshparts-0123456789';

/**
 * An emulator of the API on loopback segmenting with the local segmenter, tuned for tests: tasks take
 * `durationMs` (default 300 ms), and the rate limit is generous unless a test sets its own.
 */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator(
    withLocalSegmenter({
      apiKey: TEST_KEY,
      balance: 10_000,
      durationMs: 300,
      requestsPerMinute: 10_000,
      ...options,
    }),
  );
}

/** Client options that talk to `emulator` quickly (high rpm, short poll intervals). */
export function clientFor(emulator: Emulator) {
  return {
    apiKey: TEST_KEY,
    baseUrl: emulator.url,
    requestsPerMinute: 10_000,
    polling: { maxIntervalMs: 100 },
  };
}

/** CLI flags and environment that point `meshparts` at `emulator`. */
export function cliEnvFor(emulator: Emulator): NodeJS.ProcessEnv {
  return {
    THREEDAISTUDIO_API_KEY: TEST_KEY,
    THREEDAISTUDIO_BASE_URL: emulator.url,
  };
}

export const FAST_FLAGS = ['--rpm', '10000', '--poll-interval', '100'] as const;
/** The fast rate limit alone, for commands that do not poll (balance). */
export const RPM_FLAGS = ['--rpm', '10000'] as const;
