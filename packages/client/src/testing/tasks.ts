import type { ResultFile } from './segment-runner.js';

/** The documented task states. */
export type TaskStatus = 'PENDING' | 'IN_PROGRESS' | 'FINISHED' | 'FAILED';

export const TASK_STATUSES: readonly TaskStatus[] = ['PENDING', 'IN_PROGRESS', 'FINISHED', 'FAILED'];

/** The fraction of `durationMs` a task spends PENDING before it reports progress. */
const PENDING_FRACTION = 0.2;

type Outcome =
  | { state: 'running' }
  | { state: 'done'; file: ResultFile; at: number }
  | { state: 'error'; message: string; at: number };

/** One submitted task. Its status is not stored: it is derived from the clock (see {@link TaskStore.view}). */
export interface Task {
  readonly id: string;
  readonly createdAt: number;
  readonly durationMs: number;
  readonly sha256: string;
  readonly filename: string;
  readonly cost: number;
  /** Set by the `fail` fault: the task fails at its end time whatever the segmenter says. */
  failReason: string | undefined;
  /** Set by the `expire` fault: results are expired the moment they exist. */
  expiredOnArrival: boolean;
  /** Status polls answered so far (for the `unknownStatus` option). */
  polls: number;
  outcome: Outcome;
  refunded: boolean;
}

/** What a task looks like at one instant. */
export type TaskView =
  | { status: 'PENDING' | 'IN_PROGRESS'; progress: number }
  | { status: 'FAILED'; progress: number; failureReason: string; endedAt: number }
  | { status: 'FINISHED'; progress: 100; endedAt: number; file: ResultFile; expiresAt: number };

/** Creation input of a task. */
export interface NewTask {
  id: string;
  sha256: string;
  filename: string;
  /** Settles when the segmenter is done; a rejection fails the task with its message. */
  result: Promise<ResultFile>;
}

/**
 * The tasks and the wallet of one emulator. Credits are deducted at creation and refunded once when a
 * task is first observed FAILED; every read of the balance settles first, so the lazy refund is
 * indistinguishable from an eager one and the emulator needs no timers.
 */
export class TaskStore {
  readonly #tasks = new Map<string, Task>();
  readonly #durationMs: number;
  readonly #resultTtlMs: number;
  readonly #cost: number;
  readonly #now: () => number;
  #balance: number;

  constructor(options: {
    balance: number;
    costPerTask: number;
    durationMs: number;
    resultTtlMs: number;
    now: () => number;
  }) {
    this.#now = options.now;
    this.#balance = options.balance;
    this.#cost = options.costPerTask;
    this.#durationMs = options.durationMs;
    this.#resultTtlMs = options.resultTtlMs;
  }

  /** Whether the wallet can pay for one more task at `now`. */
  canAfford(now: number): boolean {
    return this.balance(now) >= this.#cost;
  }

  /** Deducts the cost and records the task. Callers check {@link canAfford} first, synchronously. */
  create(input: NewTask, now: number): Task {
    const task: Task = {
      id: input.id,
      createdAt: now,
      durationMs: this.#durationMs,
      sha256: input.sha256,
      filename: input.filename,
      cost: this.#cost,
      failReason: undefined,
      expiredOnArrival: false,
      polls: 0,
      outcome: { state: 'running' },
      refunded: false,
    };
    this.#balance -= this.#cost;
    this.#tasks.set(task.id, task);
    input.result.then(
      (file) => {
        task.outcome = { state: 'done', file, at: this.#now() };
      },
      (error: unknown) => {
        task.outcome = { state: 'error', message: errorMessage(error), at: this.#now() };
      },
    );
    return task;
  }

  get(id: string): Task | undefined {
    return this.#tasks.get(id);
  }

  all(): IterableIterator<Task> {
    return this.#tasks.values();
  }

  /** The wallet balance after every refund due at `now`. */
  balance(now: number): number {
    for (const task of this.#tasks.values()) this.view(task, now);
    return this.#balance;
  }

  /**
   * The task's state at `now`: PENDING for the first fifth of its duration, then IN_PROGRESS with
   * progress rising linearly to 99, then FINISHED or FAILED once both its duration has passed and the
   * segmenter has settled (a slow segmenter keeps it at 99). Observing FAILED refunds the credits once.
   */
  view(task: Task, now: number): TaskView {
    const elapsed = now - task.createdAt;
    const pendingMs = task.durationMs * PENDING_FRACTION;
    const endsAt = task.createdAt + task.durationMs;
    if (elapsed < pendingMs) return { status: 'PENDING', progress: 0 };
    const running = task.outcome.state === 'running';
    if (now < endsAt || running) {
      const span = task.durationMs - pendingMs;
      const ratio = span > 0 ? (elapsed - pendingMs) / span : 1;
      return { status: 'IN_PROGRESS', progress: Math.min(99, Math.max(1, Math.floor(ratio * 100))) };
    }
    const outcome = task.outcome as Exclude<Outcome, { state: 'running' }>;
    const endedAt = Math.max(endsAt, Math.min(outcome.at, now));
    const failureReason = task.failReason ?? (outcome.state === 'error' ? outcome.message : undefined);
    if (failureReason !== undefined || outcome.state === 'error') {
      if (!task.refunded) {
        task.refunded = true;
        this.#balance += task.cost;
      }
      return {
        status: 'FAILED',
        progress: 99,
        failureReason: failureReason ?? 'Segmentation failed',
        endedAt,
      };
    }
    const file = (outcome as Extract<Outcome, { state: 'done' }>).file;
    const expiresAt = task.expiredOnArrival ? endedAt : endedAt + this.#resultTtlMs;
    return { status: 'FINISHED', progress: 100, endedAt, file, expiresAt };
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  const text = String(error);
  return text.length > 0 ? text : 'Segmentation failed';
}
