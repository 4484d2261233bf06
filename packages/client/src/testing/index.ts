/**
 * @meshparts/client/testing — an emulator of the 3D AI Studio API for tests and offline work: the API
 * origin and a storage origin on loopback, with credits, a task lifecycle, rate limiting, result expiry
 * and fault injection. See README.md in this folder.
 */
export { API_PATHS } from './api-server.js';
export { RATE_LIMIT_HEADER_FORMS, type RateLimitHeaderForm } from './budget-headers.js';
export { type Emulator, startEmulator } from './emulator.js';
export { ERROR_SHAPES, type ErrorCodeCase, type ErrorShape } from './error-body.js';
export type {
  AcceptThenDropFault,
  DelayFault,
  EmptyResultsFault,
  ExpireFault,
  FailFault,
  FaultKind,
  FaultMatch,
  FaultRule,
  FaultRuleBase,
  HtmlFault,
  RateLimitFault,
  ResetFault,
  StatusFault,
  TruncateFault,
  TruncateNoLengthFault,
} from './faults.js';
export type { EmulatorLogger } from './logger.js';
export {
  EMULATOR_DEFAULTS,
  type EmulatorOptions,
  type FetchModelUrl,
  type SegmentFunction,
  type SegmentInfo,
  type StatusShape,
  type UnknownStatusOption,
} from './options.js';
export {
  describeRateLimitShape,
  parseRateLimitShape,
  type RateLimitShape,
} from './rate-shape.js';
export type { RetryAfterForm } from './retry-after.js';
export { type ServeOptions, serveEmulator } from './serve.js';
export type { ApiRoute, EmulatorStats } from './stats.js';
export type { StatusBody, StatusResult } from './status-body.js';
export type { TaskStatus } from './tasks.js';

/** The package entry's name, kept for the CLI skeleton that imports it. */
export const TESTING_PACKAGE = '@meshparts/client/testing';
