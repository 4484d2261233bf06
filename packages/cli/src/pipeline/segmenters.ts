import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  AuthenticationError,
  CLIENT_DEFAULTS,
  detectFormat,
  InsufficientCreditsError,
  NotFoundError,
  PayloadTooLargeError,
  pickResult,
  type QueuedRequest,
  RateLimitedError,
  ResultExpiredError,
  StudioClient,
  type StudioClientOptions,
  StudioError,
  TaskFailedError,
  TimeoutError,
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
export type { QueuedRequest, StudioClient };

export function createClient(options: ClientOptions): StudioClient {
  return new StudioClient(options);
}

/** The largest upload the API takes (the client's pre-check), for the free check before paying. */
export function maxUploadBytes(options: ClientOptions | undefined): number {
  return options?.maxUploadBytes ?? CLIENT_DEFAULTS.maxUploadBytes;
}

/**
 * The upload format of a file from its head and name (the client's rule: GLB, glTF, FBX, OBJ, STL),
 * or why it cannot be submitted: checked before paying.
 */
export async function uploadFormat(
  file: string,
): Promise<{ ok: true; format: string } | { ok: false; reason: string }> {
  const handle = await open(file, 'r');
  try {
    const head = new Uint8Array(32);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return detectFormat(head.subarray(0, bytesRead), basename(file));
  } finally {
    await handle.close();
  }
}

/** What is uploaded: a file as it is, or the bytes of a model packed into one GLB. */
export type UploadSource = { file: string } | { bytes: Uint8Array; filename: string };

/** The paid step's hooks (see the client's SubmitOptions). */
export interface SubmitHooks {
  signal?: AbortSignal | undefined;
  /** Awaited right before the upload leaves: where the intent is journaled. */
  beforeSend: () => Promise<void>;
  onQueued: (queued: QueuedRequest) => void;
}

/** Submits a model. Resolves with the paid task id as soon as the API answers. */
export async function submitSegmentation(
  client: StudioClient,
  source: UploadSource,
  hooks: SubmitHooks,
): Promise<string> {
  const input =
    'file' in source ? { model: source.file } : { model: source.bytes, filename: source.filename };
  const { taskId } = await client.segmentation.create(input, {
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    beforeSend: hooks.beforeSend,
    onQueued: hooks.onQueued,
  });
  return taskId;
}

/**
 * Whether a failed request provably never reached the API (the client knows: it was given up in
 * the rate limiter's queue or before its upload began, the connection was refused, or the write-ahead
 * hook threw). For the submission: no task, nothing paid.
 */
export function isNotSent(error: unknown): boolean {
  return error instanceof StudioError && error.notSent;
}

/** A 404 for a task: the API does not know it (purged, or created by another API). */
export function isTaskGone(error: unknown): boolean {
  return error instanceof NotFoundError;
}

export interface TaskProgress {
  status: string;
  progress: number;
}

/**
 * The client's give-up on a task's wait, in the command line's words: the client tells a script to
 * call `client.tasks.wait(id)` again, which means nothing in a terminal; the wait is `--wait-timeout`.
 * Other errors pass as they are.
 */
function commandLineWaitError(error: unknown, taskId: string): unknown {
  if (!(error instanceof TimeoutError) || error.code !== 'WAIT_TIMEOUT') return error;
  const head = error.message.replace(/ The task is paid for and may still finish: .*$/su, '');
  return new TimeoutError(
    `${head} (the wait limit: --wait-timeout). The task is paid for and may still finish.`,
    { taskId, cause: error },
  );
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
    /** When the next poll is due (epoch ms). */
    onNextPoll?: (at: number) => void;
  },
): Promise<string> {
  let task: Awaited<ReturnType<StudioClient['tasks']['wait']>>;
  try {
    task = await client.tasks.wait(taskId, {
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      createdAt: options.createdAt,
      onProgress: (t) =>
        options.onProgress?.({ status: String(t.status), progress: Number(t.progress ?? 0) }),
      ...(options.onNextPoll ? { onNextPoll: options.onNextPoll } : {}),
    });
  } catch (error) {
    throw commandLineWaitError(error, taskId);
  }
  if (task.results.length === 0) {
    throw new ModelError('segment', `task ${taskId} finished without a result`, taskId);
  }
  return pickResult(task.results).url;
}

/** Downloads a result to `to` (atomically, by the client); with its sha256, for the journal. */
export async function downloadResult(
  client: StudioClient,
  url: string,
  to: string,
  signal: AbortSignal | undefined,
): Promise<{ path: string; byteLength: number; sha256: string }> {
  const { path, byteLength, sha256 } = await client.download(url, { to, signal });
  return { path, byteLength, sha256 };
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

export function isAuthenticationError(error: unknown): boolean {
  return error instanceof AuthenticationError;
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

/**
 * One-call segmentation of a model URL to a file (`meshparts segment --url`): the provider fetches
 * the model; `onSubmitted` gets the paid task id before any waiting.
 */
export async function segmentUrlToFile(
  client: StudioClient,
  url: string,
  to: string,
  options: {
    signal?: AbortSignal;
    /** The longest wait for the whole segmentation (submission, task, download). */
    waitTimeoutMs?: number;
    onSubmitted: (taskId: string) => void;
    onProgress: (progress: TaskProgress) => void;
  },
): Promise<{ taskId: string; path: string; byteLength: number }> {
  const result = await client.segment(
    { modelUrl: url },
    {
      to,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.waitTimeoutMs !== undefined ? { timeoutMs: options.waitTimeoutMs } : {}),
      onSubmitted: options.onSubmitted,
      onProgress: (t) => options.onProgress({ status: String(t.status), progress: Number(t.progress ?? 0) }),
    },
  );
  return { taskId: result.taskId, path: result.path, byteLength: result.byteLength };
}
