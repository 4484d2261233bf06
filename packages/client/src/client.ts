/**
 * StudioClient: the entry point. Resource namespaces (`segmentation`, `tasks`, `wallet`) like the
 * Stainless SDKs, plus `download()` and the one-call `segment()`. One client owns one rate limiter and,
 * unless a dispatcher is given, one undici Agent; `close()` (or `await using`) releases them.
 */
import { setMaxListeners } from 'node:events';
import { Agent, type Dispatcher } from 'undici';
import { deadline } from './abort.js';
import { ApiTransport } from './api-transport.js';
import {
  CLIENT_DEFAULTS,
  resolveApiKey,
  resolveBaseUrl,
  type StudioClientOptions,
} from './client-options.js';
import { systemClock } from './clock.js';
import { type ClientContext, clientClosedError, withLifetime } from './context.js';
import { type DownloadOptions, type DownloadResult, downloadResult } from './download.js';
import { NotSentError, StudioError, TimeoutError } from './errors.js';
import { silentLogger } from './logger.js';
import { DurationStats, POLL_DEFAULTS } from './poll-schedule.js';
import { RateLimiter } from './rate-limiter.js';
import { Segmentation, type SegmentationInput, Tasks, Wallet } from './resources/index.js';
import { RETRY_DEFAULTS } from './retry-policy.js';
import { type CreatedTask, pickResult, type Task } from './task.js';
import { CLIENT_VERSION } from './version.js';

export interface SegmentOptions {
  /** Where the segmented GLB is written (atomically). */
  to: string;
  signal?: AbortSignal;
  /** Limit for the whole call (upload, wait, download) in ms. Default: each stage's own limits. */
  timeoutMs?: number;
  /**
   * Called with the task id as soon as the task is paid for, before any waiting; awaited, so a caller
   * can write the id to a journal first. If it throws, segment() stops (the task keeps running).
   */
  onSubmitted?: (taskId: string, created: CreatedTask) => void | Promise<void>;
  onProgress?: (task: Task) => void;
  /** Download size cap in bytes. Default 150 MB. */
  maxBytes?: number;
}

export interface SegmentResult {
  taskId: string;
  path: string;
  byteLength: number;
  sha256: string;
  /** The finished task as last polled. */
  task: Task;
}

export class StudioClient {
  readonly segmentation: Segmentation;
  readonly tasks: Tasks;
  readonly wallet: Wallet;
  /** The API base URL in use. */
  readonly baseUrl: string;
  readonly #context: ClientContext;
  readonly #ownedAgent: Agent | undefined;
  readonly #lifetime = new AbortController();

  constructor(options: StudioClientOptions = {}) {
    // Every call in flight listens to the client's lifetime (close() ends them all): many at once
    // are expected, not a leak, so Node's "possible memory leak" warning at 11 is turned off.
    setMaxListeners(0, this.#lifetime.signal);
    const apiKey = resolveApiKey(options.apiKey, process.env);
    const baseUrl = resolveBaseUrl(options.baseUrl, process.env);
    this.baseUrl = baseUrl.toString();
    this.#ownedAgent = options.dispatcher === undefined ? new Agent() : undefined;
    const dispatcher: Dispatcher = options.dispatcher ?? this.#ownedAgent!;
    const clock = options.clock ?? systemClock();
    const logger = options.logger ?? silentLogger();
    const random = options.random ?? Math.random;
    const timeoutMs = options.timeoutMs ?? CLIENT_DEFAULTS.timeoutMs;
    const retry = {
      ...RETRY_DEFAULTS,
      ...options.retry,
      maxRetries: options.maxRetries ?? RETRY_DEFAULTS.maxRetries,
    };
    const limiter = new RateLimiter({
      ...(options.requestsPerMinute === undefined ? {} : { requestsPerMinute: options.requestsPerMinute }),
      ...(options.rateLimitWindowMs === undefined ? {} : { windowMs: options.rateLimitWindowMs }),
      clock,
    });
    const userAgent = `meshparts-client/${CLIENT_VERSION} node/${process.versions.node}`;
    const transport = new ApiTransport({
      baseUrl,
      apiKey,
      dispatcher,
      limiter,
      retry,
      timeoutMs,
      logger,
      clock,
      random,
      userAgent,
    });
    this.#context = {
      transport,
      limiter,
      clock,
      logger,
      poll: { ...POLL_DEFAULTS, ...options.polling },
      durations: new DurationStats(),
      submittedAt: new Map(),
      activeWaits: { count: 0 },
      timeoutMs,
      maxUploadBytes: options.maxUploadBytes ?? CLIENT_DEFAULTS.maxUploadBytes,
      // A caller's dispatcher may give sockets larger write buffers than file-chunks.ts's ring covers.
      reuseUploadBuffers: options.dispatcher === undefined,
      lifetime: this.#lifetime.signal,
    };
    this.segmentation = new Segmentation(this.#context);
    this.tasks = new Tasks(this.#context);
    this.wallet = new Wallet(this.#context);
  }

  /**
   * Download a result asset to `options.to`: no credentials to storage, size-capped, GLB-checked,
   * truncation retried, written atomically. Storage downloads do not use the API's rate budget.
   */
  download(url: string, options: DownloadOptions): Promise<DownloadResult> {
    return withLifetime(this.#context, options.signal, (signal) =>
      downloadResult(url, { ...options, signal }, this.#context.transport),
    );
  }

  /**
   * Submit, report the task id, wait, download. Any error after the submission carries `taskId`, so a
   * paid task is never lost; a timeout says how to resume.
   */
  async segment(input: SegmentationInput, options: SegmentOptions): Promise<SegmentResult> {
    const { clock } = this.#context;
    const limit = deadline([options.signal, this.#context.lifetime], options.timeoutMs, clock);
    const started = clock.now();
    const remaining = (): number | undefined =>
      options.timeoutMs === undefined ? undefined : Math.max(0, options.timeoutMs - (clock.now() - started));
    let taskId: string | undefined;
    try {
      const created = await this.segmentation.create(input, { signal: limit.signal });
      taskId = created.taskId;
      await options.onSubmitted?.(taskId, created);
      const timeLeft = remaining();
      const task = await this.tasks.wait(taskId, {
        signal: limit.signal,
        ...(timeLeft === undefined ? {} : { timeoutMs: timeLeft }),
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      });
      const file = await this.download(pickResult(task.results).url, {
        to: options.to,
        signal: limit.signal,
        ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
      });
      return { taskId, path: file.path, byteLength: file.byteLength, sha256: file.sha256, task };
    } catch (error) {
      // A submission cancelled before it left says so (NotSentError): nothing to resume, nothing paid.
      if (options.signal?.aborted) throw error instanceof NotSentError ? error : options.signal.reason;
      if (this.#context.lifetime.aborted) throw clientClosedError(taskId);
      if (
        limit.timedOut() ||
        (error instanceof TimeoutError && options.timeoutMs !== undefined && remaining() === 0)
      ) {
        const resume =
          taskId === undefined
            ? ' It happened during the submission, which may have created a task; it was NOT resubmitted.'
            : ` Task ${taskId} is paid for and may still finish: resume with client.tasks.wait('${taskId}') ` +
              'and client.download().';
        throw new TimeoutError(`segment() timed out after ${options.timeoutMs} ms.${resume}`, {
          ...(taskId === undefined ? {} : { taskId }),
          cause: error,
        });
      }
      if (error instanceof StudioError && taskId !== undefined && error.taskId === undefined)
        error.taskId = taskId;
      throw error;
    } finally {
      limit.dispose();
    }
  }

  /**
   * End every call in flight (they reject with a CLIENT_CLOSED StudioError; a task already submitted
   * keeps running server-side), stop the rate limiter, and close the owned Agent (a given dispatcher is
   * left open).
   */
  async close(): Promise<void> {
    if (!this.#lifetime.signal.aborted) {
      this.#lifetime.abort(clientClosedError());
    }
    this.#context.limiter.close();
    await this.#ownedAgent?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
