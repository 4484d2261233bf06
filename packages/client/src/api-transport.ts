/**
 * Every API request goes through here: the rate limiter, the per-attempt timeout, the caller's signal,
 * the retry policy, the error mapping and the logging, in one place. Downloads from the storage origin
 * do not (see download.ts): they are not API requests and must never carry the key.
 */
import { type Dispatcher, request } from 'undici';
import { deadline, sleep, throwIfAborted } from './abort.js';
import type { Clock } from './clock.js';
import { parseErrorBody } from './error-body.js';
import { errorFromResponse } from './error-mapping.js';
import {
  ConnectionError,
  InvalidResponseError,
  type RequestInfo,
  StudioError,
  SubmissionUnknownError,
  TimeoutError,
} from './errors.js';
import type { Logger } from './logger.js';
import type { MultipartBody } from './multipart.js';
import type { RateLimiter } from './rate-limiter.js';
import { headerValue, readSmallBody } from './read-body.js';
import { redactSecrets, redactUrl } from './redact.js';
import {
  type AttemptOutcome,
  parseRetryAfter,
  type RetryOptions,
  retryDelay,
  wasNotSent,
} from './retry-policy.js';

export interface TransportConfig {
  baseUrl: URL;
  apiKey: string | undefined;
  dispatcher: Dispatcher;
  limiter: RateLimiter;
  retry: Required<RetryOptions>;
  /** Per-attempt timeout in ms. */
  timeoutMs: number;
  logger: Logger;
  clock: Clock;
  random: () => number;
  userAgent: string;
}

export interface ApiRequest {
  method: 'GET' | 'POST';
  /** Path below the base URL, with its trailing slash (`/v1/...`). */
  path: string;
  /** Builds the body of each attempt: a resend needs a fresh stream. */
  body?: () => MultipartBody;
  signal?: AbortSignal;
  /** Overrides the per-attempt timeout. */
  timeoutMs?: number;
}

/**
 * undici documents async iterables as request bodies (Dispatcher.md, `body`) and writes them chunk by
 * chunk with backpressure, but its `request()` typings list only Readable among the streaming kinds.
 */
function iterableBody(body: AsyncIterable<Uint8Array> | undefined): Dispatcher.RequestOptions['body'] {
  return (body ?? null) as unknown as Dispatcher.RequestOptions['body'];
}

/** Short text for a network error: its code and message, redacted. */
function describeNetworkError(error: unknown, secrets: readonly (string | undefined)[]): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: { code?: unknown } }).cause?.code;
  const codes = [code, cause].filter((c): c is string => typeof c === 'string');
  return redactSecrets(`${codes.length > 0 ? `${[...new Set(codes)].join('/')}: ` : ''}${message}`, secrets);
}

export class ApiTransport {
  readonly #config: TransportConfig;

  constructor(config: TransportConfig) {
    this.#config = config;
  }

  /** The origin of the API, e.g. `https://api.3daistudio.com` (the only origin that gets the key). */
  get origin(): string {
    return this.#config.baseUrl.origin;
  }

  /** Absolute URL of an API path, keeping any path prefix of the base URL. */
  url(path: string): URL {
    const base = this.#config.baseUrl;
    const prefix = base.pathname.replace(/\/+$/, '');
    return new URL(`${prefix}${path}`, base.origin);
  }

  /** Headers for API requests. The key goes only here, to the API's own origin. */
  #headers(): Record<string, string> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.#config.userAgent,
    };
    if (this.#config.apiKey !== undefined) headers.authorization = `Bearer ${this.#config.apiKey}`;
    return headers;
  }

  /** Send a request, retrying per the policy, and return the parsed JSON body of its 2xx answer. */
  async json(req: ApiRequest): Promise<unknown> {
    const { clock, limiter, logger, retry: retryOptions } = this.#config;
    const secrets = [this.#config.apiKey];
    const url = this.url(req.path);
    const info: RequestInfo = { method: req.method, url: redactUrl(url) };
    for (let retry = 0; ; retry++) {
      throwIfAborted(req.signal);
      const permit = await limiter.acquire(req.signal);
      const attempt = deadline(req.signal, req.timeoutMs ?? this.#config.timeoutMs, clock);
      const started = clock.now();
      let outcome: AttemptOutcome;
      let error: StudioError;
      const payload = req.body?.();
      const headers = this.#headers();
      if (payload !== undefined) {
        headers['content-type'] = payload.contentType;
        headers['content-length'] = String(payload.contentLength);
      }
      try {
        const response = await request(url, {
          method: req.method,
          headers,
          body: iterableBody(payload?.body),
          dispatcher: this.#config.dispatcher,
          signal: attempt.signal,
        });
        const { text } = await readSmallBody(response.body);
        permit.release(response.headers);
        const status = response.statusCode;
        logger.debug('studio request', { ...info, status, attempt: retry + 1, ms: clock.now() - started });
        if (status >= 200 && status < 300) return this.#parseJson(text, status, info);
        const retryAfterMs = parseRetryAfter(response.headers['retry-after'], clock.now());
        const body = parseErrorBody(text, headerValue(response.headers, 'content-type'), secrets);
        error = errorFromResponse(
          retryAfterMs === undefined
            ? { status, body, request: info }
            : { status, body, request: info, retryAfterMs },
        );
        outcome =
          retryAfterMs === undefined
            ? { kind: 'response', status }
            : { kind: 'response', status, retryAfterMs };
      } catch (thrown) {
        if (req.signal?.aborted) {
          if (req.method === 'POST') {
            logger.warn('submission aborted by the caller; it may have reached the server', { ...info });
          }
          throw req.signal.reason;
        }
        if (thrown instanceof StudioError) throw thrown;
        const detail = describeNetworkError(thrown, secrets);
        if (attempt.timedOut()) {
          outcome = { kind: 'timeout' };
          error = new TimeoutError(
            `${info.method} ${info.url} timed out after ${req.timeoutMs ?? this.#config.timeoutMs} ms.`,
            { request: info, cause: thrown },
          );
        } else {
          const sent = !wasNotSent(thrown);
          if (!sent) permit.cancel(); // it never reached the server: none of the budget was used
          outcome = { kind: 'network', sent };
          error = new ConnectionError(
            `${info.method} ${info.url} failed: connection error (${detail})` +
              (sent ? '.' : '; nothing was sent, so nothing was created or billed.'),
            { request: info, cause: thrown },
          );
        }
        logger.debug('studio request failed', { ...info, error: detail, attempt: retry + 1 });
      } finally {
        permit.release();
        attempt.dispose();
        // Ends an upload the server answered before reading it all, and closes its file.
        await payload?.body.return();
      }
      const delay = retryDelay(req.method, outcome, retry, retryOptions, this.#config.random);
      if (outcome.kind === 'response' && outcome.status === 429) {
        // Hold every request of the client, not only this one: the server's window is shared.
        const pauseMs =
          outcome.retryAfterMs === undefined
            ? Math.max(delay ?? 0, limiter.intervalMs)
            : Math.min(outcome.retryAfterMs, retryOptions.maxRetryAfterMs);
        limiter.pauseUntil(clock.now() + pauseMs);
      }
      if (delay === undefined) throw req.method === 'POST' ? submissionError(outcome, error) : error;
      logger.info('studio request will be retried', {
        ...info,
        attempt: retry + 1,
        delayMs: delay,
        reason: error.status ?? error.name,
      });
      await sleep(delay, clock, req.signal);
    }
  }

  #parseJson(text: string, status: number, info: RequestInfo): unknown {
    try {
      return JSON.parse(text);
    } catch (cause) {
      const excerpt = redactSecrets(text.replace(/\s+/g, ' ').trim().slice(0, 300), [this.#config.apiKey]);
      throw new InvalidResponseError(
        `${info.method} ${info.url} answered ${status} with a body that is not JSON.` +
          (info.method === 'POST'
            ? ' The submission was accepted and may have created a task; it was NOT resubmitted.'
            : ''),
        {
          status,
          request: info,
          ...(excerpt === '' ? {} : { bodyExcerpt: excerpt }),
          cause,
        },
      );
    }
  }
}

/**
 * A failed paid POST: when the server may have taken it (anything but a 4xx answer or a refused
 * connection), say so plainly, because it was not and will not be resubmitted.
 */
function submissionError(outcome: AttemptOutcome, error: StudioError): StudioError {
  const decided = outcome.kind === 'response' && outcome.status < 500 && outcome.status !== 408;
  const refused = outcome.kind === 'network' && !outcome.sent;
  if (decided || refused) return error;
  const options: ConstructorParameters<typeof SubmissionUnknownError>[1] = { cause: error };
  if (error.status !== undefined) options.status = error.status;
  if (error.code !== undefined) options.code = error.code;
  if (error.request !== undefined) options.request = error.request;
  if (error.bodyExcerpt !== undefined) options.bodyExcerpt = error.bodyExcerpt;
  return new SubmissionUnknownError(
    `${error.message} The submission may have created a task (and spent its credits); it was NOT resubmitted, ` +
      'to avoid paying twice. Check the wallet balance or the task list before submitting again.',
    options,
  );
}
