/**
 * @meshparts/client — a client for the 3D AI Studio API's Tripo mesh segmentation.
 * See README.md in this folder. The emulator lives in `@meshparts/client/testing`.
 */
export { type SegmentOptions, type SegmentResult, StudioClient } from './client.js';
export { CLIENT_DEFAULTS, type StudioClientOptions } from './client-options.js';
export type { Clock } from './clock.js';
export { DOWNLOAD_DEFAULTS, type DownloadOptions, type DownloadResult } from './download.js';
export {
  AuthenticationError,
  ConnectionError,
  InsufficientCreditsError,
  InvalidResponseError,
  NotFoundError,
  NotSentError,
  PayloadTooLargeError,
  RateLimitedError,
  type RequestInfo,
  ResultExpiredError,
  ServerError,
  StudioError,
  type StudioErrorOptions,
  SubmissionUnknownError,
  TaskFailedError,
  TimeoutError,
  UnsupportedInputError,
  ValidationError,
} from './errors.js';
export type { ModelSource } from './input.js';
export { detectFormat, MODEL_CONTENT_TYPES, type ModelFormat } from './input-format.js';
export type { Logger } from './logger.js';
export { POLL_DEFAULTS, type PollOptions } from './poll-schedule.js';
export { SEGMENTATION_CREDITS } from './pricing.js';
export type { ResponseHeaders } from './rate-limit-headers.js';
export {
  type Permit,
  type QueuedRequest,
  RATE_LIMITER_DEFAULTS,
  RateLimiter,
  type RateLimiterOptions,
} from './rate-limiter.js';
export { REDACTED, redactSecrets } from './redact.js';
export type {
  ModelUpload,
  ModelUrlInput,
  RequestOptions,
  SegmentationInput,
  SubmitOptions,
} from './resources/segmentation.js';
export { WAIT_DEFAULTS, type WaitOptions } from './resources/tasks.js';
export { RETRY_DEFAULTS, type RetryOptions } from './retry-policy.js';
export {
  type CreatedTask,
  type KnownTaskStatus,
  pickResult,
  type Task,
  type TaskResult,
  type TaskStatus,
} from './task.js';
/** Package name, kept for the CLI's diagnostics. */
export const CLIENT_PACKAGE = '@meshparts/client';
