/**
 * From an HTTP error response to a typed error. API-NOTES.md: map by HTTP status first, then by code
 * (case-insensitively) for the statuses that do not say enough on their own (400, 403, 409, 422, ...).
 */
import type { ParsedErrorBody } from './error-body.js';
import {
  AuthenticationError,
  InsufficientCreditsError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  type RequestInfo,
  ServerError,
  StudioError,
  type StudioErrorOptions,
  TimeoutError,
  ValidationError,
} from './errors.js';
import { SEGMENTATION_CREDITS } from './pricing.js';

type ErrorClass = new (message: string, options?: StudioErrorOptions) => StudioError;

/** Codes that name a case more precisely than a generic 400/403 status does. */
const BY_CODE: Record<string, ErrorClass> = {
  INSUFFICIENT_CREDITS: InsufficientCreditsError,
  INSUFFICIENT_BALANCE: InsufficientCreditsError,
  RATE_LIMITED: RateLimitedError,
  RATE_LIMIT_EXCEEDED: RateLimitedError,
  NOT_FOUND: NotFoundError,
  TASK_NOT_FOUND: NotFoundError,
  PAYLOAD_TOO_LARGE: PayloadTooLargeError,
  FILE_TOO_LARGE: PayloadTooLargeError,
  UNAUTHORIZED: AuthenticationError,
  UNAUTHENTICATED: AuthenticationError,
  INVALID_API_KEY: AuthenticationError,
  AUTHENTICATION_FAILED: AuthenticationError,
};

function classByStatus(status: number): ErrorClass | undefined {
  switch (status) {
    case 400:
    case 422:
      return ValidationError;
    case 401:
    case 403:
      return AuthenticationError;
    case 402:
      return InsufficientCreditsError;
    case 404:
      return NotFoundError;
    case 408:
      return TimeoutError;
    case 413:
      return PayloadTooLargeError;
    case 429:
      return RateLimitedError;
    default:
      return status >= 500 ? ServerError : undefined;
  }
}

/** Statuses whose meaning is exact; a body code never overrides them. */
const DEFINITIVE = new Set([401, 402, 404, 408, 413, 429]);

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A sentence that says what the caller can do, for the cases where there is something to do. */
function hint(errorClass: ErrorClass): string {
  if (errorClass === AuthenticationError)
    return ' Check the API key (THREEDAISTUDIO_API_KEY): it may be invalid, expired or revoked.';
  if (errorClass === InsufficientCreditsError)
    return ` A segmentation costs ${SEGMENTATION_CREDITS} credits; top up the wallet.`;
  if (errorClass === PayloadTooLargeError) return ' The upstream limit is 150 MB.';
  return '';
}

export interface ErrorResponse {
  status: number;
  body: ParsedErrorBody;
  request: RequestInfo;
  retryAfterMs?: number;
}

/** The typed error for an HTTP error response. HTML pages become "HTTP 502 Bad Gateway (...)". */
export function errorFromResponse(response: ErrorResponse): StudioError {
  const { status, body, request } = response;
  const byCode = body.code === undefined ? undefined : BY_CODE[body.code];
  const byStatus = classByStatus(status);
  const errorClass = (DEFINITIVE.has(status) ? byStatus : (byCode ?? byStatus)) ?? StudioError;
  const label = `HTTP ${status}${REASONS[status] === undefined ? '' : ` ${REASONS[status]}`}`;
  let detail: string;
  if (body.html) {
    detail = ` (an HTML error page${body.excerpt === undefined ? '' : `: "${body.excerpt.slice(0, 120)}"`})`;
  } else if (body.message !== undefined) {
    detail = `: ${body.message}`;
  } else {
    detail = '';
  }
  const code = body.code === undefined ? '' : ` [${body.code}]`;
  const message = `${request.method} ${request.url} failed with ${label}${code}${detail}.${hint(errorClass)}`;
  const options: StudioErrorOptions & { retryAfterMs?: number } = { status, request };
  if (body.code !== undefined) options.code = body.code;
  if (body.excerpt !== undefined) options.bodyExcerpt = body.excerpt;
  if (errorClass === RateLimitedError) {
    if (response.retryAfterMs !== undefined) options.retryAfterMs = response.retryAfterMs;
    return new RateLimitedError(message, options);
  }
  return new errorClass(message, options);
}
