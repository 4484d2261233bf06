/**
 * Typed errors: one class per documented case, all extending {@link StudioError}, in the spirit of the
 * Stainless SDKs. Every error carries what a caller needs to act (status, code, the request that failed,
 * a short excerpt of the body) and never the API key: messages and excerpts are redacted before they
 * reach the constructor, and `toJSON()` lists its fields explicitly.
 */

/** The request an error is about. The URL has its secret query values redacted. */
export interface RequestInfo {
  method: string;
  url: string;
}

export interface StudioErrorOptions {
  status?: number;
  code?: string;
  request?: RequestInfo;
  bodyExcerpt?: string;
  /** The paid task this error concerns, when one exists (so a caller never loses it). */
  taskId?: string;
  /** The request provably never left this machine (see {@link StudioError.notSent}). */
  notSent?: boolean;
  cause?: unknown;
}

/** Base class of every error the client throws on purpose. */
export class StudioError extends Error {
  override name = 'StudioError';
  /** HTTP status, when the error came from a response. */
  readonly status: number | undefined;
  /** The API's error code, upper-cased (e.g. `INSUFFICIENT_CREDITS`), when the body carried one. */
  readonly code: string | undefined;
  readonly request: RequestInfo | undefined;
  /** At most a few hundred characters of the response body, redacted, HTML reduced to text. */
  readonly bodyExcerpt: string | undefined;
  /** The task this error concerns; set by `wait()` and `segment()` so a paid task id is never lost. */
  taskId: string | undefined;
  /**
   * True when the request provably never reached the server: it was given up while waiting for its
   * rate-limit turn or before its body began to leave, the connection was refused, or the host did
   * not resolve. For the paid submission this means no task was created and nothing was billed, so
   * submitting again cannot pay twice. False whenever the server may have received it.
   */
  readonly notSent: boolean;

  constructor(message: string, options: StudioErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.code = options.code;
    this.request = options.request;
    this.bodyExcerpt = options.bodyExcerpt;
    this.taskId = options.taskId;
    this.notSent = options.notSent === true;
  }

  /** A plain object for logs and JSON output; lists its fields explicitly so nothing secret slips in. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { name: this.name, message: this.message };
    if (this.status !== undefined) json.status = this.status;
    if (this.code !== undefined) json.code = this.code;
    if (this.request !== undefined) json.request = { ...this.request };
    if (this.bodyExcerpt !== undefined) json.bodyExcerpt = this.bodyExcerpt;
    if (this.taskId !== undefined) json.taskId = this.taskId;
    if (this.notSent) json.notSent = true;
    return json;
  }
}

/** 400 / 422: the API rejected the request's parameters (`VALIDATION_FAILED`). */
export class ValidationError extends StudioError {
  override name = 'ValidationError';
}

/** 401, or 403 from the API: the key is missing, invalid, expired or revoked. */
export class AuthenticationError extends StudioError {
  override name = 'AuthenticationError';
}

/** 402 `INSUFFICIENT_CREDITS`: the wallet cannot pay for the task (80 credits per segmentation). */
export class InsufficientCreditsError extends StudioError {
  override name = 'InsufficientCreditsError';
}

/** 404 from the API: no such task (or path). */
export class NotFoundError extends StudioError {
  override name = 'NotFoundError';
}

/** 413 from the API or a proxy, a local file over the size limit, or a download over `maxBytes`. */
export class PayloadTooLargeError extends StudioError {
  override name = 'PayloadTooLargeError';
}

/** 429 `RATE_LIMITED` after the retries were spent. */
export class RateLimitedError extends StudioError {
  override name = 'RateLimitedError';
  /** What the server's Retry-After asked for, in milliseconds, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: StudioErrorOptions & { retryAfterMs?: number } = {}) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
  }

  override toJSON(): Record<string, unknown> {
    const json = super.toJSON();
    if (this.retryAfterMs !== undefined) json.retryAfterMs = this.retryAfterMs;
    return json;
  }
}

/** 5xx (including a proxy's HTML error page) after the retries were spent. */
export class ServerError extends StudioError {
  override name = 'ServerError';
}

/** The connection failed (refused, reset, closed early, DNS) or the response was cut short. */
export class ConnectionError extends StudioError {
  override name = 'ConnectionError';
}

/** A request, a wait or a whole `segment()` ran past its time limit (or the server answered 408). */
export class TimeoutError extends StudioError {
  override name = 'TimeoutError';
}

/**
 * The paid submission may have reached the server, but no answer came back. It was NOT resubmitted,
 * because resubmitting could bill twice. Check the provider's dashboard or wallet before retrying.
 */
export class SubmissionUnknownError extends StudioError {
  override name = 'SubmissionUnknownError';
}

/**
 * A paid submission given up before any of it left this machine: cancelled by the caller's signal
 * while it waited for its rate-limit turn or before its upload began, or stopped by a `beforeSend`
 * hook that threw (its error is the `cause`). Nothing was created and nothing billed: `notSent` is
 * always true, and submitting the model again cannot pay twice.
 */
export class NotSentError extends StudioError {
  override name = 'NotSentError';

  constructor(message: string, options: Omit<StudioErrorOptions, 'notSent'> = {}) {
    super(message, { code: 'NOT_SENT', ...options, notSent: true });
  }
}

/** The task ended in `FAILED`. The provider refunds the credits of a failed task automatically. */
export class TaskFailedError extends StudioError {
  override name = 'TaskFailedError';
  /** The server's `failure_reason`, when it gave one. */
  readonly reason: string | undefined;

  constructor(taskId: string, reason: string | undefined, options: StudioErrorOptions = {}) {
    super(
      `Task ${taskId} failed: ${reason ?? 'no reason given'}. ` +
        'The provider refunds the credits of a failed task automatically.',
      { ...options, taskId },
    );
    this.reason = reason;
  }

  override toJSON(): Record<string, unknown> {
    const json = super.toJSON();
    if (this.reason !== undefined) json.reason = this.reason;
    return json;
  }
}

/** The result asset is gone from storage (403/404/410): results expire 24 hours after a task finishes. */
export class ResultExpiredError extends StudioError {
  override name = 'ResultExpiredError';
}

/** A local input cannot be submitted: missing, empty, of an unsupported type, or not what its name says. */
export class UnsupportedInputError extends StudioError {
  override name = 'UnsupportedInputError';
}

/** The server answered 2xx with a body the client cannot understand. */
export class InvalidResponseError extends StudioError {
  override name = 'InvalidResponseError';
}
