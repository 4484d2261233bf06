import { isLoopbackHost } from '../loopback.js';
import { SEGMENTATION_CREDITS } from '../pricing.js';
import { RATE_LIMIT_HEADER_FORMS, type RateLimitHeaderForm } from './budget-headers.js';
import type { ErrorCodeCase, ErrorShape } from './error-body.js';
import type { FaultRule } from './faults.js';
import type { EmulatorLogger } from './logger.js';
import { checkRateLimitShape, type RateLimitShape } from './rate-shape.js';
import type { RetryAfterForm } from './retry-after.js';

/** What the injected segmenter is told about the task it computes. */
export interface SegmentInfo {
  /** The uploaded file's name as sent in the multipart part (or the last path segment of `model_url`). */
  filename: string;
  taskId: string;
  /** Aborted when the emulator closes, so a long local segmentation can stop early. */
  signal: AbortSignal;
}

/**
 * Computes a task's result from the uploaded bytes. Whatever it returns is served as the result GLB;
 * if it throws (or rejects), the task ends FAILED with the error's message as `failure_reason` and
 * its credits are refunded. The CLI's `meshparts emulate` plugs the local geometric segmenter in here,
 * which is why this package needs no glTF code.
 */
export type SegmentFunction = (input: Uint8Array, info: SegmentInfo) => Promise<Uint8Array> | Uint8Array;

/**
 * Fetches a non-loopback `model_url`. The emulator never reaches the internet on its own: without this
 * hook such a submission is answered 400 VALIDATION_FAILED.
 */
export type FetchModelUrl = (url: URL) => Promise<Uint8Array> | Uint8Array;

/** `asset`: the documented shape. `asset_url`: the older shape, with `asset_url` and `thumbnail`. */
export type StatusShape = 'asset' | 'asset_url';

/** Some polls answer a status string the client does not know (the API may add states). */
export interface UnknownStatusOption {
  /** The status string, e.g. `QUEUED`. */
  status: string;
  /** How many of each task's first status polls answer it while the task is still pending (default 1). */
  polls?: number;
}

/** Options of {@link startEmulator}. Every field is optional; see {@link EMULATOR_DEFAULTS}. */
export interface EmulatorOptions {
  /** The only key accepted as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Starting wallet balance in credits. */
  balance?: number;
  /** Credits deducted per submission (refunded when the task fails). */
  costPerTask?: number;
  /** Time from submission to FINISHED/FAILED. The first fifth is PENDING, the rest IN_PROGRESS. */
  durationMs?: number;
  /** Computes the result from the upload; default: the upload itself. */
  segment?: SegmentFunction;
  /** See {@link FetchModelUrl}. Loopback `model_url`s are fetched by the emulator itself. */
  fetchModelUrl?: FetchModelUrl;
  /** Budget per API key per window; every API request counts. `Infinity` disables the limit. */
  requestsPerMinute?: number;
  /** Length of the sliding window (default one minute; tests may shorten it). */
  rateLimitWindowMs?: number;
  /**
   * How requests are counted, when not a sliding window of `requestsPerMinute` per `rateLimitWindowMs`
   * (which this replaces): a sliding or fixed window of any length and limit, or a token bucket.
   */
  rateLimit?: RateLimitShape;
  /** Rate-limit headers on every authenticated API answer (default `none`, as far as the API is known). */
  rateLimitHeaders?: RateLimitHeaderForm;
  /** How the emulator's own 429s say when to come back. */
  rateLimitRetryAfter?: RetryAfterForm;
  /** Fault rules, consumed in order. See faults.ts and the README. */
  faults?: readonly FaultRule[];
  statusShape?: StatusShape;
  /** Shape of every JSON error body. */
  errorShape?: ErrorShape;
  /** Case of error codes: `VALIDATION_FAILED` or `validation_failed`. */
  errorCodeCase?: ErrorCodeCase;
  unknownStatus?: UnknownStatusOption;
  /** How long a finished result stays downloadable. */
  resultTtlMs?: number;
  /** What storage answers for an expired result: 403 (S3 presigned URL) or 404. */
  expiredStatus?: 403 | 404;
  /** Number of 302 hops the asset URL takes on storage before the bytes (true = 1). */
  redirect?: boolean | number;
  /** Largest accepted upload; larger ones get 413 (the upstream limit is 150 MB). */
  maxUploadBytes?: number;
  /** API origin port; 0 picks a free one. */
  port?: number;
  /** Storage origin port; 0 picks a free one. */
  storagePort?: number;
  /**
   * Loopback address both servers listen on (127.0.0.0/8, `::1` or `localhost`). Anything else is
   * refused: the emulator accepts one fixed key and hands out files, so it must not face a network.
   */
  host?: string;
  /** Opt-in request log; the API key is redacted from every line. Default: silent. */
  logger?: EmulatorLogger;
  /** The clock the task lifecycle, expiry and rate limiting read (default `Date.now`). */
  now?: () => number;
}

/** Defaults of {@link EmulatorOptions}: the documented API where there is one. */
export const EMULATOR_DEFAULTS = {
  apiKey: 'test-key',
  balance: 150,
  costPerTask: SEGMENTATION_CREDITS,
  durationMs: 3_000,
  requestsPerMinute: 3,
  rateLimitWindowMs: 60_000,
  rateLimitRetryAfter: 'seconds',
  rateLimitHeaders: 'none',
  statusShape: 'asset',
  errorShape: 'nested',
  errorCodeCase: 'upper',
  resultTtlMs: 24 * 60 * 60 * 1000,
  expiredStatus: 403,
  redirect: 0,
  maxUploadBytes: 150 * 1024 * 1024,
  port: 0,
  storagePort: 0,
  host: '127.0.0.1',
} as const satisfies EmulatorOptions;

/** Options with every default applied; what the servers read. */
export interface ResolvedOptions {
  apiKey: string;
  balance: number;
  costPerTask: number;
  durationMs: number;
  segment: SegmentFunction | undefined;
  fetchModelUrl: FetchModelUrl | undefined;
  requestsPerMinute: number;
  rateLimitWindowMs: number;
  /** The shape enforced: `rateLimit`, else a sliding window of requestsPerMinute per rateLimitWindowMs. */
  rateLimit: RateLimitShape;
  rateLimitHeaders: RateLimitHeaderForm;
  rateLimitRetryAfter: RetryAfterForm;
  faults: readonly FaultRule[];
  statusShape: StatusShape;
  errorShape: ErrorShape;
  errorCodeCase: ErrorCodeCase;
  unknownStatus: Required<UnknownStatusOption> | undefined;
  resultTtlMs: number;
  expiredStatus: 403 | 404;
  redirectHops: number;
  maxUploadBytes: number;
  port: number;
  storagePort: number;
  host: string;
  now: () => number;
}

/** Applies defaults and rejects options that cannot work, with a message that names the option. */
export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const d = EMULATOR_DEFAULTS;
  const resolved: ResolvedOptions = {
    apiKey: options.apiKey ?? d.apiKey,
    balance: options.balance ?? d.balance,
    costPerTask: options.costPerTask ?? d.costPerTask,
    durationMs: options.durationMs ?? d.durationMs,
    segment: options.segment,
    fetchModelUrl: options.fetchModelUrl,
    requestsPerMinute: options.requestsPerMinute ?? d.requestsPerMinute,
    rateLimitWindowMs: options.rateLimitWindowMs ?? d.rateLimitWindowMs,
    rateLimit: options.rateLimit ?? {
      kind: 'sliding',
      limit: options.requestsPerMinute ?? d.requestsPerMinute,
      windowMs: options.rateLimitWindowMs ?? d.rateLimitWindowMs,
    },
    rateLimitHeaders: options.rateLimitHeaders ?? d.rateLimitHeaders,
    rateLimitRetryAfter: options.rateLimitRetryAfter ?? d.rateLimitRetryAfter,
    faults: options.faults ?? [],
    statusShape: options.statusShape ?? d.statusShape,
    errorShape: options.errorShape ?? d.errorShape,
    errorCodeCase: options.errorCodeCase ?? d.errorCodeCase,
    unknownStatus: options.unknownStatus
      ? { status: options.unknownStatus.status, polls: options.unknownStatus.polls ?? 1 }
      : undefined,
    resultTtlMs: options.resultTtlMs ?? d.resultTtlMs,
    expiredStatus: options.expiredStatus ?? d.expiredStatus,
    redirectHops: redirectHops(options.redirect ?? d.redirect),
    maxUploadBytes: options.maxUploadBytes ?? d.maxUploadBytes,
    port: options.port ?? d.port,
    storagePort: options.storagePort ?? d.storagePort,
    host: options.host ?? d.host,
    now: options.now ?? Date.now,
  };
  if (!isLoopbackHost(resolved.host)) {
    throw new RangeError(`emulator: host must be a loopback address (got ${resolved.host})`);
  }
  if (resolved.apiKey.length === 0) throw new TypeError('emulator: apiKey must not be empty');
  for (const name of ['balance', 'costPerTask', 'durationMs', 'resultTtlMs', 'maxUploadBytes'] as const) {
    const value = resolved[name];
    if (!(value >= 0)) throw new RangeError(`emulator: ${name} must be a number >= 0 (got ${value})`);
  }
  if (!(resolved.requestsPerMinute > 0)) {
    throw new RangeError('emulator: requestsPerMinute must be > 0 (use Infinity to disable the limit)');
  }
  if (!(resolved.rateLimitWindowMs > 0)) throw new RangeError('emulator: rateLimitWindowMs must be > 0');
  if (options.rateLimit !== undefined) checkRateLimitShape(options.rateLimit);
  if (!RATE_LIMIT_HEADER_FORMS.includes(resolved.rateLimitHeaders)) {
    throw new RangeError(
      `emulator: rateLimitHeaders must be one of ${RATE_LIMIT_HEADER_FORMS.join(', ')} (got ${resolved.rateLimitHeaders})`,
    );
  }
  return resolved;
}

function redirectHops(redirect: boolean | number): number {
  if (redirect === true) return 1;
  if (redirect === false) return 0;
  if (!Number.isInteger(redirect) || redirect < 0 || redirect > 20) {
    throw new RangeError(`emulator: redirect must be a boolean or an integer 0..20 (got ${redirect})`);
  }
  return redirect;
}
