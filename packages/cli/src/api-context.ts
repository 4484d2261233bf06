import type { ApiFlags } from './commands/options.js';
import { type ApiConfig, resolveConfig } from './config.js';
import type { Output } from './output.js';
import type { SegmenterName } from './pipeline/events.js';
import { chooseSegmenter } from './pipeline/segmenter-choice.js';
import type { ClientOptions } from './pipeline/segmenters.js';

/**
 * What the commands that may talk to the API share: the key and base URL from flags / env / config
 * file, the StudioClient options (`--rpm`, `--poll-interval`, and with `--debug` the CLI's logger,
 * which redacts the key from everything it prints, behind the client's own redaction), and the
 * segmenter choice with the one line that says which and why.
 */
export interface ApiContext {
  config: ApiConfig;
  client: ClientOptions;
  /** What one Tripo segmentation costs (the client's SEGMENTATION_CREDITS). */
  credits: number;
}

export async function apiContext(flags: ApiFlags, output: Output): Promise<ApiContext> {
  // Loaded here, not at the top: the client (undici) is not needed to print --help.
  const { redactSecrets, SEGMENTATION_CREDITS } = await import('@meshparts/client');
  const config = await resolveConfig({
    flags: {
      ...(flags.apiKey ? { apiKey: flags.apiKey } : {}),
      ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
    },
    env: process.env,
  });
  for (const warning of config.warnings) output.error(`warning: ${warning}`);
  const client: ClientOptions = {
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
    ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
    ...(flags.rpm ? { requestsPerMinute: flags.rpm } : {}),
    ...(flags.pollInterval ? { polling: { maxIntervalMs: flags.pollInterval } } : {}),
    ...(output.debug ? { logger: output.logger((text) => redactSecrets(text, [config.apiKey])) } : {}),
  };
  return { config, client, credits: SEGMENTATION_CREDITS };
}

/** The segmenter of a run (see chooseSegmenter) and the line that says which and why (never the key). */
export function segmenterOf(
  requested: SegmenterName | undefined,
  context: ApiContext,
): { segmenter: SegmenterName; line: string } {
  const segmenter = chooseSegmenter(requested, context.config.apiKey);
  return { segmenter, line: segmenterLine(segmenter, context, requested !== undefined) };
}

function segmenterLine(segmenter: SegmenterName, { config, credits }: ApiContext, explicit: boolean): string {
  if (segmenter === 'tripo') {
    const from =
      config.keySource === 'config'
        ? `the config file ${config.configFile}`
        : config.keySource === 'env'
          ? 'THREEDAISTUDIO_API_KEY'
          : '--api-key';
    return `segmenter: tripo (API key from ${from}; ${credits} credits per new model)`;
  }
  if (explicit) return 'segmenter: local (offline geometric segmentation)';
  return 'segmenter: local (no API key set: offline geometric segmentation, free; set THREEDAISTUDIO_API_KEY to use Tripo)';
}
