/**
 * `client.tasks`: status of a task, and waiting for it to finish within the rate budget
 * (see poll-schedule.ts for how polls are timed).
 */
import { deadline, sleep } from '../abort.js';
import { type ClientContext, clientClosedError, withLifetime } from '../context.js';
import {
  ConnectionError,
  InvalidResponseError,
  RateLimitedError,
  ServerError,
  StudioError,
  TaskFailedError,
  TimeoutError,
  ValidationError,
} from '../errors.js';
import { statusPath } from '../paths.js';
import { firstPollDelay, nextPollDelay } from '../poll-schedule.js';
import { parseTask, type Task } from '../task.js';
import type { RequestOptions } from './segmentation.js';

export interface WaitOptions {
  signal?: AbortSignal;
  /** Give up waiting after this many ms (the task keeps running server-side). Default 30 minutes. */
  timeoutMs?: number;
  /** Called with the task after every poll (status and progress), including the last one. */
  onProgress?: (task: Task) => void;
  /** Called with the time (epoch ms) the next poll is scheduled for, each time one is scheduled. */
  onNextPoll?: (at: number) => void;
  /**
   * When the task was created, for a task this client did not submit (one resumed after a restart):
   * the `createdAt` that `segmentation.create()` returned, or the time its id was written down, as a
   * Date, an ISO-8601 string or epoch ms. Its progress then counts from its creation, so the poll after
   * the first (which is at once, to confirm the task) is aimed at the finish that the task's own pace
   * projects. Without it, progress counts only from that first poll, and until a later poll shows some,
   * the 3-minute prior aims the next one. Compared with this machine's clock; a time ahead of it
   * counts as now.
   */
  createdAt?: Date | string | number;
  /**
   * The last progress seen of that task (0–100), with `createdAt`: the first poll is aimed at the
   * finish this pace projects instead of going at once (counted from the creation until now, so a
   * progress seen long ago errs late, never beyond `polling.maxIntervalMs`).
   */
  lastProgress?: number;
}

export const WAIT_DEFAULTS = { timeoutMs: 30 * 60_000 } as const;

function checkTaskId(taskId: string): void {
  if (typeof taskId !== 'string' || taskId.trim() === '') {
    throw new ValidationError('A task id is required (the task_id the submission returned).');
  }
}

/** `createdAt` as epoch ms, no later than `now`; undefined when absent or unreadable. */
function creationTime(createdAt: WaitOptions['createdAt'], now: number): number | undefined {
  if (createdAt === undefined) return undefined;
  const time =
    createdAt instanceof Date
      ? createdAt.getTime()
      : typeof createdAt === 'number'
        ? createdAt
        : Date.parse(createdAt);
  return Number.isFinite(time) ? Math.min(time, now) : undefined;
}

/** Poll failures worth another poll: the request's own retries may just have been unlucky. */
function isTransient(error: unknown): boolean {
  return (
    error instanceof ConnectionError ||
    error instanceof ServerError ||
    error instanceof RateLimitedError ||
    (error instanceof TimeoutError && error.taskId === undefined)
  );
}

export class Tasks {
  readonly #context: ClientContext;

  constructor(context: ClientContext) {
    this.#context = context;
  }

  /** One status request. Unknown statuses are passed through (upper-cased) and mean "still running". */
  async retrieve(taskId: string, options: RequestOptions = {}): Promise<Task> {
    checkTaskId(taskId);
    const path = statusPath(taskId);
    const body = await withLifetime(this.#context, options.signal, (signal) =>
      this.#context.transport.json({ method: 'GET', path, ...options, signal }),
    );
    const task = parseTask(taskId, body);
    if (task === undefined) {
      throw new InvalidResponseError(`The status of task ${taskId} has no "status" field.`, {
        taskId,
        request: { method: 'GET', url: this.#context.transport.url(path).toString() },
      });
    }
    return task;
  }

  /**
   * Poll until the task is FINISHED with at least one result (returned) or FAILED (TaskFailedError).
   * Errors carry `taskId`; a timeout leaves the task running and says how to resume.
   */
  async wait(taskId: string, options: WaitOptions = {}): Promise<Task> {
    checkTaskId(taskId);
    const { clock, limiter, logger, poll, durations, activeWaits, submittedAt } = this.#context;
    const timeoutMs = options.timeoutMs ?? WAIT_DEFAULTS.timeoutMs;
    const limit = deadline([options.signal, this.#context.lifetime], timeoutMs, clock);
    const submitted = submittedAt.get(taskId);
    // When the task started, if known: submitted here, or created when the caller says (a resumed
    // task). The baseline of the progress-based estimate is that start at progress 0; otherwise the
    // first poll of the task, whose progress then is not ours to count.
    const created = submitted ?? creationTime(options.createdAt, clock.now());
    const started = created ?? clock.now();
    let baselineProgress: number | undefined = created === undefined ? undefined : 0;
    const fairShare = (): number => Math.max(poll.minIntervalMs, limiter.intervalMs * activeWaits.count);
    let last: Task | undefined;
    // A resumed task's duration is known only if this wait saw it running (it may have finished long ago).
    let sawRunning = submitted !== undefined;
    activeWaits.count++;
    try {
      const firstDelay = this.#firstDelay(submitted, created, options.lastProgress, fairShare());
      if (firstDelay !== undefined) {
        options.onNextPoll?.(clock.now() + firstDelay);
        await sleep(firstDelay, clock, limit.signal);
      }
      let emptyPolls = 0;
      let failedPolls = 0;
      for (;;) {
        let task: Task;
        try {
          task = await this.retrieve(taskId, { signal: limit.signal });
          failedPolls = 0;
        } catch (error) {
          if (limit.signal.aborted || !isTransient(error) || ++failedPolls > poll.maxConsecutivePollErrors)
            throw error;
          logger.warn('studio poll failed, polling again', { taskId, error: (error as Error).message });
          options.onNextPoll?.(clock.now() + fairShare());
          await sleep(fairShare(), clock, limit.signal);
          continue;
        }
        last = task;
        baselineProgress ??= task.progress ?? 0;
        options.onProgress?.(task);
        let delay: number;
        if (task.status === 'FAILED') {
          throw new TaskFailedError(taskId, task.failureReason ?? undefined);
        } else if (task.status === 'FINISHED') {
          if (task.results.length > 0) {
            if (created !== undefined && sawRunning) durations.record(clock.now() - started);
            submittedAt.delete(taskId);
            return task;
          }
          if (++emptyPolls > poll.emptyResultPolls) {
            throw new StudioError(
              `Task ${taskId} is FINISHED but the API returned no results after ${emptyPolls} polls. ` +
                'The result may still appear: wait for the task again later.',
              { taskId, code: 'EMPTY_RESULTS' },
            );
          }
          delay = fairShare();
        } else {
          sawRunning = true;
          // A task whose start is known reports progress from 0: its pace projects its whole
          // duration, which schedules the first polls of the tasks submitted after it.
          if (created !== undefined && task.progress !== null && task.progress > 0 && task.progress < 100)
            durations.project(((clock.now() - started) * 100) / task.progress);
          delay = nextPollDelay({
            elapsedMs: clock.now() - started,
            progress: task.progress,
            baselineProgress,
            expectedDurationMs: durations.expected(poll.expectedDurationMs),
            minIntervalMs: fairShare(),
            maxIntervalMs: poll.maxIntervalMs,
          });
        }
        logger.debug('studio task polled', {
          taskId,
          status: task.status,
          progress: task.progress,
          nextPollMs: delay,
        });
        options.onNextPoll?.(clock.now() + delay);
        await sleep(delay, clock, limit.signal);
      }
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (this.#context.lifetime.aborted) throw clientClosedError(taskId);
      if (limit.timedOut()) {
        const status =
          last === undefined
            ? ''
            : ` (last status ${last.status}${last.progress === null ? '' : `, ${last.progress}%`})`;
        throw new TimeoutError(
          `Gave up waiting for task ${taskId} after ${timeoutMs} ms${status}. The task is paid for and may ` +
            `still finish: wait for it again with client.tasks.wait('${taskId}').`,
          { taskId, code: 'WAIT_TIMEOUT', cause: error },
        );
      }
      if (error instanceof StudioError && error.taskId === undefined) error.taskId = taskId;
      throw error;
    } finally {
      activeWaits.count--;
      limit.dispose();
    }
  }

  /**
   * The delay before the first poll, or undefined to poll at once. A task submitted here is not polled
   * at once (the submission's answer confirmed it: a poll now would only learn "PENDING, 0 %"); its
   * first poll is aimed at the expected finish, or probes its pace (see poll-schedule.ts). A resumed task
   * is polled at once, which confirms it exists and measures its progress, unless the caller knows its
   * creation time and a progress: then the pace they show aims the first poll already.
   */
  #firstDelay(
    submitted: number | undefined,
    created: number | undefined,
    lastProgress: number | undefined,
    fairShare: number,
  ): number | undefined {
    const { clock, poll, durations } = this.#context;
    const expectedDurationMs = durations.expected(poll.expectedDurationMs);
    if (submitted !== undefined) {
      return firstPollDelay({
        elapsedMs: clock.now() - submitted,
        expectedDurationMs,
        observed: durations.observed,
        minIntervalMs: fairShare,
        maxIntervalMs: poll.maxIntervalMs,
      });
    }
    if (created === undefined || lastProgress === undefined || !(lastProgress > 0 && lastProgress < 100))
      return undefined;
    return nextPollDelay({
      elapsedMs: clock.now() - created,
      progress: lastProgress,
      expectedDurationMs,
      minIntervalMs: fairShare,
      maxIntervalMs: poll.maxIntervalMs,
    });
  }
}
