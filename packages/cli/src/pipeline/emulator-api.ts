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
  return {
    ...options,
    segment: (input: Uint8Array, job: { filename?: string }) => segmentBytesLocally(input, job.filename),
  };
}

/** Runs the emulator with the local segmenter until `serve.signal` aborts; resolves with its stats. */
export async function serveLocalEmulator(
  options: EmulatorOptions,
  serve: ServeOptions,
): Promise<EmulatorStats> {
  const { serveEmulator } = await import('@meshparts/client/testing');
  return serveEmulator(withLocalSegmenter(options), serve);
}

/**
 * Reads `meshparts emulate --rate-limit` (e.g. `sliding:5/5`, `fixed:60/60`, `bucket:10,1`) and
 * `--rate-limit-headers` (none, x-ratelimit, ietf) into emulator options. Throws a RangeError that
 * names the accepted forms.
 */
export async function rateLimitOptions(
  shape: string | undefined,
  headers: string,
): Promise<Pick<EmulatorOptions, 'rateLimit' | 'rateLimitHeaders'>> {
  const { parseRateLimitShape, RATE_LIMIT_HEADER_FORMS } = await import('@meshparts/client/testing');
  const form = RATE_LIMIT_HEADER_FORMS.find((candidate) => candidate === headers);
  if (form === undefined) {
    throw new RangeError(
      `--rate-limit-headers must be one of ${RATE_LIMIT_HEADER_FORMS.join(', ')} (got ${headers})`,
    );
  }
  return {
    ...(shape === undefined ? {} : { rateLimit: parseRateLimitShape(shape) }),
    rateLimitHeaders: form,
  };
}
