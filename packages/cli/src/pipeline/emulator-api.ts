import type { EmulatorOptions, EmulatorStats, ServeOptions } from '@meshparts/client/testing';
import { segmentBytesLocally } from './split-api.js';

/**
 * The one place that knows the emulator's API (`@meshparts/client/testing`): `meshparts emulate` and
 * the end-to-end tests run it with the local segmenter plugged into its `segment` hook, so the whole
 * Tripo path (upload, credits, polling, download from a second origin) works offline.
 */

export type { EmulatorOptions, EmulatorStats };

/** Emulator options with the local segmenter as the `segment` hook. */
export function withLocalSegmenter(options: EmulatorOptions = {}): EmulatorOptions {
  return { ...options, segment: (input: Uint8Array) => segmentBytesLocally(input) };
}

/** Runs the emulator with the local segmenter until `serve.signal` aborts; resolves with its stats. */
export async function serveLocalEmulator(
  options: EmulatorOptions,
  serve: ServeOptions,
): Promise<EmulatorStats> {
  const { serveEmulator } = await import('@meshparts/client/testing');
  return serveEmulator(withLocalSegmenter(options), serve);
}
