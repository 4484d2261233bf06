import {
  AuthenticationError,
  InsufficientCreditsError,
  NotFoundError,
  PayloadTooLargeError,
  pickResult,
  RateLimitedError,
  ResultExpiredError,
  StudioClient,
  type StudioClientOptions,
  StudioError,
  TaskFailedError,
  UnsupportedInputError,
  ValidationError,
} from '@meshparts/client';
import { ModelError } from './errors.js';

/**
 * The one place that knows @meshparts/client's API: the pipeline talks to Tripo only through the
 * functions here, so a change in the client touches this file alone. The journal is written by the
 * caller between these steps (submit → journal `submitted` → wait → journal `finished` → download).
 */

export type ClientOptions = StudioClientOptions;
export type { StudioClient };

export function createClient(options: ClientOptions): StudioClient {
  return new StudioClient(options);
}

/** Submits a model file. Resolves with the paid task id as soon as the API answers. */
export async function submitSegmentation(
  client: StudioClient,
  file: string,
  signal: AbortSignal | undefined,
): Promise<string> {
  const { taskId } = await client.segmentation.create({ model: file }, { signal });
  return taskId;
}

export interface TaskProgress {
  status: string;
  progress: number;
}

/** Waits for a task and returns its result URL (the first 3D model asset). */
export async function waitForResult(
  client: StudioClient,
  taskId: string,
  options: {
    signal?: AbortSignal;
    timeoutMs?: number;
    /** When a resumed task was created (its journaled submission time): aims its polls from its age. */
    createdAt?: string;
    onProgress?: (progress: TaskProgress) => void;
  },
): Promise<string> {
  const task = await client.tasks.wait(taskId, {
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    createdAt: options.createdAt,
    onProgress: (t) => options.onProgress?.({ status: String(t.status), progress: Number(t.progress ?? 0) }),
  });
  if (task.results.length === 0) {
    throw new ModelError('segment', `task ${taskId} finished without a result`, taskId);
  }
  return pickResult(task.results).url;
}

/** Downloads a result to `to` (atomically, by the client). */
export async function downloadResult(
  client: StudioClient,
  url: string,
  to: string,
  signal: AbortSignal | undefined,
): Promise<{ path: string; byteLength: number }> {
  const { path, byteLength } = await client.download(url, { to, signal });
  return { path, byteLength };
}

/** The wallet balance in credits. */
export function walletBalance(client: StudioClient, signal?: AbortSignal): Promise<number> {
  return client.wallet.balance({ signal });
}

/**
 * Whether a failed POST certainly created no task. Only a definite refusal by the API counts (bad
 * request, auth, credits, size, rate limit after retries, a local pre-check); anything else (a
 * dropped connection, a timeout, a 5xx) may hide a paid task, so the pipeline journals it as
 * `unknown` and never resubmits it on its own.
 */
export function submissionSurelyRejected(error: unknown): boolean {
  return (
    error instanceof ValidationError ||
    error instanceof AuthenticationError ||
    error instanceof InsufficientCreditsError ||
    error instanceof PayloadTooLargeError ||
    error instanceof RateLimitedError ||
    error instanceof UnsupportedInputError ||
    error instanceof NotFoundError
  );
}

export function isTaskFailed(error: unknown): error is TaskFailedError {
  return error instanceof TaskFailedError;
}

export function isResultExpired(error: unknown): boolean {
  return error instanceof ResultExpiredError;
}

export function isInputRejected(error: unknown): boolean {
  return error instanceof UnsupportedInputError || error instanceof PayloadTooLargeError;
}

export function isStudioError(error: unknown): error is StudioError {
  return error instanceof StudioError;
}

/** One-call segmentation to a file (`meshparts segment`): create → onSubmitted → wait → download. */
export async function segmentToFile(
  client: StudioClient,
  input: { file: string } | { url: string },
  to: string,
  options: {
    signal?: AbortSignal;
    onSubmitted?: (taskId: string) => void;
    onProgress?: (progress: TaskProgress) => void;
  },
): Promise<{ taskId: string; path: string; byteLength: number }> {
  const source = 'file' in input ? { model: input.file } : { modelUrl: input.url };
  const result = await client.segment(source, {
    to,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onSubmitted ? { onSubmitted: options.onSubmitted } : {}),
    onProgress: (t) => options.onProgress?.({ status: String(t.status), progress: Number(t.progress ?? 0) }),
  });
  return { taskId: result.taskId, path: result.path, byteLength: result.byteLength };
}
