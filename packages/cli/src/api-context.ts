import { type ApiConfig, redactKey, resolveConfig } from './config.js';
import type { ClientOptions } from './pipeline/segmenters.js';

/**
 * Turns the API flags of a command into StudioClient options: the key and base URL from
 * flags / env / config file, `--rpm`, and with `--debug` a logger on stderr. The logger redacts the
 * key from everything it prints, as a second line of defence behind the client's own redaction.
 */

export interface ApiFlags {
  apiKey?: string;
  baseUrl?: string;
  rpm?: number;
  pollInterval?: number;
}

export interface ApiContext {
  config: ApiConfig;
  client: ClientOptions;
}

export async function apiContext(flags: ApiFlags, debug: boolean): Promise<ApiContext> {
  const config = await resolveConfig({
    flags: {
      ...(flags.apiKey ? { apiKey: flags.apiKey } : {}),
      ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
    },
    env: process.env,
  });
  const client: ClientOptions = {
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
    ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
    ...(flags.rpm ? { requestsPerMinute: flags.rpm } : {}),
    ...(flags.pollInterval ? { polling: { maxIntervalMs: flags.pollInterval } } : {}),
    ...(debug ? { logger: stderrLogger(config.apiKey) } : {}),
  };
  return { config, client };
}

type Fields = Record<string, unknown>;

function stderrLogger(apiKey: string | undefined) {
  const write = (level: string) => (message: string, fields?: Fields) => {
    const extra = fields && Object.keys(fields).length > 0 ? ` ${safeJson(fields)}` : '';
    process.stderr.write(redactKey(`[${level}] ${message}${extra}\n`, apiKey));
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '[unserialisable]';
  }
}

/** The one line that says which segmenter runs and why (never the key itself). */
export function segmenterLine(segmenter: 'tripo' | 'local', config: ApiConfig, explicit: boolean): string {
  if (segmenter === 'tripo') {
    const from =
      config.keySource === 'config'
        ? `the config file ${config.configFile}`
        : config.keySource === 'env'
          ? 'THREEDAISTUDIO_API_KEY'
          : '--api-key';
    return `segmenter: tripo (API key from ${from}; 80 credits per new model)`;
  }
  if (explicit) return 'segmenter: local (offline geometric segmentation)';
  return 'segmenter: local (no API key set: offline geometric segmentation, free; set THREEDAISTUDIO_API_KEY to use Tripo)';
}
