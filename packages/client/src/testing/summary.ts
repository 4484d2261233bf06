import type { ResolvedOptions } from './options.js';
import { describeRateLimitShape } from './rate-shape.js';

/**
 * The lines `meshparts emulate` prints when the emulator is up: where it listens and how to point the
 * client at it. The API key is never printed, only where it comes from.
 */
export function summarize(input: { url: string; storageUrl: string; options: ResolvedOptions }): string {
  const { options } = input;
  return [
    `3D AI Studio API emulator listening on ${input.url}`,
    `  results served from ${input.storageUrl}`,
    `  balance ${options.balance.toFixed(2)} credits, ${options.costPerTask} per segmentation`,
    `  tasks take ${options.durationMs} ms; rate limit ${describeRateLimitShape(options.rateLimit)}` +
      (options.rateLimitHeaders === 'none' ? '' : `, announced in ${options.rateLimitHeaders} headers`),
    `  point a client at it: THREEDAISTUDIO_BASE_URL=${input.url} (API key: the one it was started with, not shown)`,
  ].join('\n');
}
