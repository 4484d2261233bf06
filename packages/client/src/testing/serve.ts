import { type Emulator, startEmulator } from './emulator.js';
import type { EmulatorOptions } from './options.js';
import type { EmulatorStats } from './stats.js';

/** How {@link serveEmulator} runs. */
export interface ServeOptions {
  /** Stops the emulator when aborted (the CLI ties it to SIGINT/SIGTERM). */
  signal: AbortSignal;
  /** Where the summary goes (default: nowhere). The CLI passes a stdout/stderr writer. */
  print?: (text: string) => void;
  /** Called once the emulator listens, e.g. to print JSON for `--json`. */
  onReady?: (emulator: Emulator) => void;
}

/**
 * Runs an emulator until `signal` aborts, then closes it and resolves with its final stats: the whole
 * of `meshparts emulate` except argument parsing and the segmenter, which comes in through
 * `options.segment`.
 */
export async function serveEmulator(options: EmulatorOptions, serve: ServeOptions): Promise<EmulatorStats> {
  serve.signal.throwIfAborted();
  const emulator = await startEmulator(options);
  try {
    serve.print?.(emulator.printable);
    serve.onReady?.(emulator);
    if (!serve.signal.aborted) {
      await new Promise<void>((resolve) =>
        serve.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
    }
    return emulator.stats();
  } finally {
    await emulator.close();
  }
}
