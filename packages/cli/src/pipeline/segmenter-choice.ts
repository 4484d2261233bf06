import { PipelineUsageError } from './errors.js';
import type { SegmenterName } from './events.js';

/**
 * Which segmenter a run uses, the one rule for `run`, `segment` and runPipeline: the one asked for,
 * else `tripo` when an API key is set, else `local` (free, offline). Asking for `tripo` without a key
 * is a refusal (nothing was done).
 */
export function chooseSegmenter(
  requested: SegmenterName | undefined,
  apiKey: string | undefined,
): SegmenterName {
  const segmenter = requested ?? (apiKey ? 'tripo' : 'local');
  if (segmenter === 'tripo' && !apiKey) {
    throw new PipelineUsageError(
      'the tripo segmenter needs an API key (--api-key, THREEDAISTUDIO_API_KEY or the config file); use --segmenter local to work offline',
    );
  }
  return segmenter;
}
