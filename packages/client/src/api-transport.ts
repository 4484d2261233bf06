/**
 * Every request of the client goes through here: the rate limiter, the per-attempt timeout, the
 * caller's signal, the retry policy, the error mapping and the logging, in one retry loop
 * ({@link ApiTransport.retrying}). Downloads from the storage origin use the same loop without the
 * rate limiter and build their own requests (download.ts): they are not API requests and never carry
 * the key to another origin.
 */
import { type Dispatcher, request } from 'undici';
import { deadline, sleep, throwIfAborted } from './abort.js';
import type { Clock } from './clock.js';
import { parseErrorBody } from './error-body.js';
import { errorFromResponse } from './error-mapping.js';
import {
  ConnectionError,
  InvalidResponseError,
  NotSentError,
  type RequestInfo,
  StudioError,
  SubmissionUnknownError,
  TimeoutError,
} from './errors.js';
import type { Logger } from './logger.js';
import type { MultipartBody } from './multipart.js';
import type { ResponseHeaders } from './rate-limit-headers.js';
import type { Permit, QueuedRequest, RateLimiter } from './rate-limiter.js';
import { headerValue, readSmallBody, SMALL_BODY_LIMIT } from './read-body.js';
import { parseRedactedJson, redactSecrets, redactUrl } from './redact.js';
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
  /** See {@link RetriedRequest.beforeSend}. */
  beforeSend?: () => void | Promise<void>;
  /** See {@link RetriedRequest.onQueued}. */
  onQueued?: (queued: QueuedRequest) => void;
}

/**
 * undici documents async iterables as request bodies (Dispatcher.md, `body`) and writes them chunk by
 * chunk with backpressure, but its `request()` typings list only Readable among the streaming kinds.
 */
function iterableBody(body: AsyncIterable<Uint8Array> | undefined): Dispatcher.RequestOptions['body'] {
  return (body ?? null) as unknown as Dispatcher.RequestOptions['body'];
}

/**
 * The body as undici pulls it, calling `started` when the first chunk is asked for. undici asks for
 * it only once the request has a connected socket and its headers go out with that chunk
 * (client-h1.js, writeIterable), so until then no byte of the upload has left: a paid submission
 * stopped before that point cannot have created a task.
 */
async function* reportingStart(
  body: AsyncGenerator<Uint8Array, void, undefined>,
  started: () => void,
): AsyncGenerator<Uint8Array, void, undefined> {
  started();
  yield* body;
}

/** Short text for a network error: its code and message, redacted. */
function describeNetworkError(error: unknown, secrets: readonly (string | undefined)[]): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: { code?: unknown } }).cause?.code;
  const codes = [code, cause].filter((c): c is string => typeof c === 'string');
  return redactSecrets(`${codes.length > 0 ? `${[...new Set(codes)].join('/')}: ` : ''}${message}`, secrets);
}

/**
 * A failed attempt, with what the retry policy needs to know about it. Attempts throw it for an
 * answer or a failure the loop may retry; anything else they throw ends the loop as it is.
 */
export class AttemptFailure extends Error {
  constructor(
    readonly error: StudioError,
    readonly outcome: AttemptOutcome,
  ) {
    super(error.message);
  }
}

/** One request as the retry loop sees it. */
export interface RetriedRequest<T> {
  method: 'GET' | 'POST';
  /** Method and redacted URL, for errors and logs. */
  info: RequestInfo;
  /** How messages name the request: `GET https://…/status/` or `The download from https://…`. */
  subject: string;
  signal?: AbortSignal | undefined;
  /** Per-attempt timeout in ms. */
  timeoutMs: number;
  /** Whether each attempt takes a permit of the client's rate limiter (API requests do). */
  limited: boolean;
  /**
   * Called when the request has to wait for its rate-limit turn: when the next request may start
   * and how many requests wait ahead of this one (for progress displays).
   */
  onQueued?: ((queued: QueuedRequest) => void) | undefined;
  /**
   * Awaited before each attempt's bytes leave, once the rate limiter granted it: the paid
   * submission's write-ahead point (a caller journals its intent here). If it throws, nothing is
   * sent and a POST rejects with NotSentError (its error as `cause`).
   */
  beforeSend?: (() => void | Promise<void>) | undefined;
  /**
   * Whether the current attempt's bytes began to leave (for a body: its first chunk was pulled).
   * Default: an attempt counts as sent as soon as it starts. A POST given up before that is
   * {@link StudioError.notSent}: it cannot have created a task.
   */
  sent?: (() => boolean) | undefined;
  /**
   * One attempt, cut off by `signal` at the per-attempt deadline. Throws {@link AttemptFailure} for a
   * retryable outcome; `release` gives the rate-limit permit back as soon as the answer is in, with
   * its headers (a server's own statement of its budget: see rate-limit-headers.ts).
   */
  attempt: (signal: AbortSignal, release: (headers?: ResponseHeaders) => void) => Promise<T>;
}

/** File system error codes: the destination's fault (permissions, disk full), not the network's; never retried. */
const LOCAL_FILE_ERRORS = new Set([
  'EACCES',
  'EPERM',
  'ENOSPC',
  'EDQUOT',
  'EEXIST',
  'EISDIR',
  'ENOTDIR',
  'EROFS',
  'EMFILE',
]);

export function isLocalFileError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && LOCAL_FILE_ERRORS.has(code);
}

export class ApiTransport {
  readonly #config: TransportConfig;

  constructor(config: TransportConfig) {
    this.#config = config;
  }

  /** What downloads share with API requests: the connection pool, the key and the logger. */
  get config(): Readonly<TransportConfig> {
    return this.#config;
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
    const { clock, logger } = this.#config;
    const secrets = [this.#config.apiKey];
    const url = this.url(req.path);
    const info: RequestInfo = { method: req.method, url: redactUrl(url) };
    let tries = 0;
    let bodyStarted = false;
    return this.retrying({
      method: req.method,
      info,
      subject: `${info.method} ${info.url}`,
      signal: req.signal,
      timeoutMs: req.timeoutMs ?? this.#config.timeoutMs,
      limited: true,
      onQueued: req.onQueued,
      beforeSend: req.beforeSend,
      // A request with a body (the paid upload) has left only once undici pulled its first chunk.
      sent: req.body === undefined ? undefined : () => bodyStarted,
      attempt: async (signal, release) => {
        tries++;
        bodyStarted = false;
        const started = clock.now();
        const payload = req.body?.();
        const headers = this.#headers();
        if (payload !== undefined) {
          headers['content-type'] = payload.contentType;
          headers['content-length'] = String(payload.contentLength);
        }
        const body =
          payload === undefined
            ? undefined
            : reportingStart(payload.body, () => {
                bodyStarted = true;
              });
        try {
          const response = await request(url, {
            method: req.method,
            headers,
            body: iterableBody(body),
            dispatcher: this.#config.dispatcher,
            signal,
          });
          const { text, truncated } = await readSmallBody(response.body);
          release(response.headers);
          const status = response.statusCode;
          logger.debug('studio request', { ...info, status, attempt: tries, ms: clock.now() - started });
          if (status >= 200 && status < 300) return this.#parseJson(text, truncated, status, info);
          throw responseFailure(status, text, response.headers, info, secrets, clock.now());
        } finally {
          // Ends an upload the server answered before reading it all, and closes its file.
          await payload?.body.return();
        }
      },
    });
  }

  /**
   * The one retry loop of the client, for API requests and downloads alike: the rate limiter (for API
   * requests), the per-attempt deadline, the caller's signal, the retry policy, a 429's pause of the
   * whole client, and the logging. A paid POST that fails in a way the server may have taken is
   * reported as SubmissionUnknownError and never retried (retry-policy.ts).
   */
  async retrying<T>(req: RetriedRequest<T>): Promise<T> {
    const { clock, limiter, logger, retry: retryOptions } = this.#config;
    for (let retry = 0; ; retry++) {
      let permit: Permit | undefined;
      try {
        throwIfAborted(req.signal);
        if (req.limited) {
          const queued = limiter.queuedRequest();
          if (queued !== undefined) req.onQueued?.(queued);
          permit = await limiter.acquire(req.signal);
        }
        await req.beforeSend?.();
      } catch (error) {
        // Given up while waiting for its turn, or stopped by the caller's write-ahead hook: nothing
        // of this attempt left, and it used none of the budget.
        permit?.cancel();
        throw this.#notSent(req, error);
      }
      const attempt = deadline(req.signal, req.timeoutMs, clock);
      let failure: AttemptFailure;
      try {
        return await req.attempt(attempt.signal, (headers) => permit?.release(headers));
      } catch (thrown) {
        const sent = req.sent?.() ?? true;
        if (req.signal?.aborted) {
          if (req.method === 'POST') {
            if (!sent) {
              permit?.cancel();
              throw this.#notSent(req, req.signal.reason);
            }
            logger.warn('submission aborted by the caller; it may have reached the server', { ...req.info });
          }
          throw req.signal.reason;
        }
        // A request that never reached the server used none of the budget.
        if (wasNotSent(thrown)) permit?.cancel();
        failure = this.#classify(thrown, req, attempt.timedOut(), sent);
        logger.debug('studio request failed', {
          ...req.info,
          error: failure.error.message,
          attempt: retry + 1,
        });
      } finally {
        permit?.release();
        attempt.dispose();
      }
      const { outcome, error } = failure;
      const delay = retryDelay(req.method, outcome, retry, retryOptions, this.#config.random);
      if (req.limited && outcome.kind === 'response' && outcome.status === 429) {
        // Hold every request of the client, not only this one: the server's window is shared.
        const pauseMs =
          outcome.retryAfterMs === undefined
            ? Math.max(delay ?? 0, limiter.intervalMs)
            : Math.min(outcome.retryAfterMs, retryOptions.maxRetryAfterMs);
        limiter.pauseUntil(clock.now() + pauseMs);
      }
      if (delay === undefined) throw req.method === 'POST' ? submissionError(outcome, error) : error;
      logger.info('studio request will be retried', {
        ...req.info,
        attempt: retry + 1,
        delayMs: delay,
        reason: error.status ?? error.name,
      });
      try {
        await sleep(delay, clock, req.signal);
      } catch (reason) {
        // Cancelled between attempts: the failed attempt was not taken by the server (or it would
        // not have been retried), and the next one never started.
        throw this.#notSent(req, reason);
      }
    }
  }

  /**
   * A request given up before it left: a POST becomes NotSentError (the paid submission created
   * nothing), anything else is rethrown as it is (the caller's abort reason, Node's convention).
   */
  #notSent<T>(req: RetriedRequest<T>, cause: unknown): unknown {
    if (req.method !== 'POST') return cause;
    const why = req.signal?.aborted
      ? 'it was cancelled before its upload began'
      : `it was stopped before its upload began (${cause instanceof Error ? cause.message : String(cause)})`;
    return new NotSentError(`${req.subject} was not sent: ${why}; nothing was created or billed.`, {
      request: req.info,
      cause,
    });
  }

  /**
   * What a failed attempt means for the loop: an AttemptFailure as it is; a StudioError or a local
   * file error (the destination's fault) ends the loop (rethrown); a timeout or a connection error
   * becomes a retryable failure.
   */
  #classify<T>(
    thrown: unknown,
    req: RetriedRequest<T>,
    timedOut: boolean,
    bodySent: boolean,
  ): AttemptFailure {
    if (thrown instanceof AttemptFailure && !timedOut) return thrown;
    if (!timedOut && (thrown instanceof StudioError || isLocalFileError(thrown))) throw thrown;
    const cause = thrown instanceof AttemptFailure ? thrown.error : thrown;
    // Only a POST can prove that nothing left (the retry policy asks only then): a GET is retried
    // anyway. Nothing left when the connection was refused, or when the body was never pulled.
    const sent = req.method !== 'POST' || (!wasNotSent(thrown) && bodySent);
    if (timedOut) {
      const message = `${req.subject} timed out after ${req.timeoutMs} ms`;
      return sent
        ? new AttemptFailure(new TimeoutError(`${message}.`, { request: req.info, cause }), {
            kind: 'timeout',
          })
        : new AttemptFailure(
            new TimeoutError(`${message} before its upload began; nothing was created or billed.`, {
              request: req.info,
              cause,
              notSent: true,
            }),
            { kind: 'network', sent: false },
          );
    }
    const detail = describeNetworkError(thrown, [this.#config.apiKey]);
    return new AttemptFailure(
      new ConnectionError(
        `${req.subject} failed: connection error (${detail})` +
          (sent ? '.' : '; nothing was sent, so nothing was created or billed.'),
        { request: req.info, cause: thrown, notSent: !sent },
      ),
      { kind: 'network', sent },
    );
  }

  /**
   * The JSON of a 2xx answer, with the API key redacted from every string in it (task ids, statuses,
   * failure reasons, URLs): whatever a server echoes back never reaches a caller, a log or a file.
   */
  #parseJson(text: string, truncated: boolean, status: number, info: RequestInfo): unknown {
    try {
      if (truncated) throw new RangeError('over the read limit');
      return parseRedactedJson(text, [this.#config.apiKey]);
    } catch (cause) {
      const excerpt = redactSecrets(text.replace(/\s+/g, ' ').trim().slice(0, 300), [this.#config.apiKey]);
      const what = truncated
        ? `a body over the ${SMALL_BODY_LIMIT / (1024 * 1024)} MiB limit of an API answer (not read further)`
        : 'a body that is not JSON';
      throw new InvalidResponseError(
        `${info.method} ${info.url} answered ${status} with ${what}.` +
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

/** A non-2xx answer as a retryable failure: the mapped StudioError and the status (with Retry-After). */
export function responseFailure(
  status: number,
  text: string,
  headers: Record<string, string | string[] | undefined>,
  info: RequestInfo,
  secrets: readonly (string | undefined)[],
  nowMs: number,
): AttemptFailure {
  const retryAfterMs = parseRetryAfter(headers['retry-after'], nowMs);
  const body = parseErrorBody(text, headerValue(headers, 'content-type'), secrets);
  const error = errorFromResponse(
    retryAfterMs === undefined
      ? { status, body, request: info }
      : { status, body, request: info, retryAfterMs },
  );
  return new AttemptFailure(
    error,
    retryAfterMs === undefined ? { kind: 'response', status } : { kind: 'response', status, retryAfterMs },
  );
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
