/**
 * StudioClient options and their resolution: environment defaults, base URL checks, and the
 * `*_DEFAULTS` every other module documents.
 */
import type { Dispatcher } from 'undici';
import type { Clock } from './clock.js';
import { AuthenticationError, StudioError } from './errors.js';
import type { Logger } from './logger.js';
import { isAllowedUrl } from './loopback.js';
import type { PollOptions } from './poll-schedule.js';
import type { RetryOptions } from './retry-policy.js';

export interface StudioClientOptions {
  /** API key. Default: `THREEDAISTUDIO_API_KEY`. Sent only to the API's origin, never logged. */
  apiKey?: string;
  /** Default: `THREEDAISTUDIO_BASE_URL`, else `https://api.3daistudio.com`. http: only for loopback hosts. */
  baseUrl?: string;
  /** The account's rate limit. Default 3 (the API's documented default); every API request counts. */
  requestsPerMinute?: number;
  /** Retries after a failed attempt (never for a paid POST that may have arrived). Default 2. */
  maxRetries?: number;
  /** Per-attempt timeout of each request in ms. Default 120 000 (uploads get 1 s per MB more). */
  timeoutMs?: number;
  /** An undici dispatcher (Agent, ProxyAgent, MockAgent...). Default: an Agent owned and closed by the client. */
  dispatcher?: Dispatcher;
  /** Default: silent. */
  logger?: Logger;
  /** Backoff details of the retry policy (see retry-policy.ts). */
  retry?: Omit<RetryOptions, 'maxRetries'>;
  /** How `tasks.wait()` schedules polls (see poll-schedule.ts). */
  polling?: PollOptions;
  /** Upload size limit checked before paying, in bytes. Default 150 MB (the upstream's limit). */
  maxUploadBytes?: number;
  /** Rate-limit window in ms. Default 60 000; only tests shorten it. */
  rateLimitWindowMs?: number;
  /** Time source for the limiter and the poll schedule. Default: the wall clock. */
  clock?: Clock;
  /** Random source of the retry jitter, in [0, 1). Default Math.random. */
  random?: () => number;
}

export const CLIENT_DEFAULTS = {
  baseUrl: 'https://api.3daistudio.com',
  timeoutMs: 120_000,
  maxUploadBytes: 150 * 1024 * 1024,
} as const;

/**
 * The key: the option, else the environment. Missing or blank, or holding a character an HTTP header
 * cannot carry, is an AuthenticationError now, not at the first request: a key damaged by a copy and
 * paste (a typographic quote, a non-ASCII letter, a space or a control character) would otherwise
 * fail inside the HTTP client on every request.
 */
export function resolveApiKey(option: string | undefined, env: NodeJS.ProcessEnv): string {
  const key = (option ?? env.THREEDAISTUDIO_API_KEY ?? '').trim();
  if (key === '') {
    throw new AuthenticationError(
      'No API key: pass { apiKey } to StudioClient or set THREEDAISTUDIO_API_KEY. ' +
        '(Without a key, run the local segmenter or the emulator instead.)',
    );
  }
  const bad = invalidKeyCharacter(key);
  if (bad !== undefined) {
    // Which character and where, never the key itself: the message is printed.
    throw new AuthenticationError(
      `The API key holds a character an HTTP header cannot carry (character ${bad.position}, ` +
        `U+${bad.codePoint.toString(16).toUpperCase().padStart(4, '0')}): ` +
        'API keys are plain ASCII without spaces; check for a typographic quote or a paste error.',
      { code: 'INVALID_API_KEY' },
    );
  }
  return key;
}

/** The first character of `key` outside visible ASCII (what a Bearer token may hold), 1-based. */
function invalidKeyCharacter(key: string): { position: number; codePoint: number } | undefined {
  let position = 0;
  for (const char of key) {
    position++;
    const codePoint = char.codePointAt(0)!;
    if (codePoint < 0x21 || codePoint > 0x7e) return { position, codePoint };
  }
  return undefined;
}

/** The base URL: the option, else the environment, else the public API; https, or http on loopback. */
export function resolveBaseUrl(option: string | undefined, env: NodeJS.ProcessEnv): URL {
  const raw = (option ?? env.THREEDAISTUDIO_BASE_URL ?? '').trim() || CLIENT_DEFAULTS.baseUrl;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new StudioError(`The base URL ${JSON.stringify(raw.slice(0, 200))} is not a URL.`, {
      code: 'INVALID_BASE_URL',
    });
  }
  if (!isAllowedUrl(url)) {
    throw new StudioError(
      `The base URL must use https (http is accepted only for loopback hosts), got ${url.protocol}//${url.host}.`,
      { code: 'INVALID_BASE_URL' },
    );
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new StudioError('The base URL must not contain credentials, a query or a fragment.', {
      code: 'INVALID_BASE_URL',
    });
  }
  return url;
}
