/**
 * The task model and its defensive parser. API-NOTES.md documents one status shape and an older one
 * (`asset_url` + `thumbnail` instead of `asset`), and leaves `progress`, `failure_reason` and
 * `metadata` optional; statuses may come in any case, and an unknown status means "still running".
 */

import { isRecord } from './json.js';

/** The statuses the API documents. Other strings are passed through and treated as running. */
export type KnownTaskStatus = 'PENDING' | 'IN_PROGRESS' | 'FINISHED' | 'FAILED';

/** A task status: one of the documented ones, or any other (upper-cased) string the API sends. */
export type TaskStatus = KnownTaskStatus | (string & {});

export interface TaskResult {
  /** Where the asset can be downloaded (a storage origin, not the API's). Expires after 24 hours. */
  url: string;
  /** `asset_type`, e.g. `3D_MODEL`; null when absent. */
  type: string | null;
  /** `metadata` as sent (null for segmentation). */
  metadata: unknown;
  /** `thumbnail` of the older shape, when present. */
  thumbnailUrl?: string;
}

export interface Task {
  id: string;
  /** Upper-cased status. */
  status: TaskStatus;
  /** 0–100, or null when the API did not say. */
  progress: number | null;
  failureReason: string | null;
  results: TaskResult[];
}

export interface CreatedTask {
  taskId: string;
  /** `created_at` as the API sent it (ISO-8601), or the local time when it sent none. */
  createdAt: string;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function parseProgress(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return null;
  // Some services report 0–1 fractions; every documented example is 0–100, so only clamp.
  return Math.min(100, Math.max(0, n));
}

function parseResult(value: unknown): TaskResult | undefined {
  if (!isRecord(value)) return undefined;
  const url = nonEmptyString(value.asset) ?? nonEmptyString(value.asset_url) ?? nonEmptyString(value.url);
  if (url === undefined) return undefined;
  const result: TaskResult = {
    url,
    type: nonEmptyString(value.asset_type) ?? nonEmptyString(value.type) ?? null,
    metadata: value.metadata ?? null,
  };
  const thumbnail = nonEmptyString(value.thumbnail) ?? nonEmptyString(value.thumbnail_url);
  if (thumbnail !== undefined) result.thumbnailUrl = thumbnail;
  return result;
}

/** Parse a status body. Returns undefined when it has no status at all (the caller reports it). */
export function parseTask(taskId: string, body: unknown): Task | undefined {
  if (!isRecord(body)) return undefined;
  const status = nonEmptyString(body.status);
  if (status === undefined) return undefined;
  const results = Array.isArray(body.results)
    ? body.results.map(parseResult).filter((r): r is TaskResult => r !== undefined)
    : [];
  return {
    id: nonEmptyString(body.task_id) ?? nonEmptyString(body.id) ?? taskId,
    status: status.toUpperCase().replace(/[\s-]+/g, '_'),
    progress: parseProgress(body.progress),
    failureReason: nonEmptyString(body.failure_reason) ?? nonEmptyString(body.error) ?? null,
    results,
  };
}

/** Parse the submission answer `{ task_id, created_at }`. Undefined when there is no task id. */
export function parseCreated(body: unknown, now: () => number): CreatedTask | undefined {
  if (!isRecord(body)) return undefined;
  const taskId = nonEmptyString(body.task_id) ?? nonEmptyString(body.id);
  if (taskId === undefined) return undefined;
  return { taskId, createdAt: nonEmptyString(body.created_at) ?? new Date(now()).toISOString() };
}

/** Whether a status is final. Unknown statuses are not: they count as running. */
export function isTerminal(status: TaskStatus): boolean {
  return status === 'FINISHED' || status === 'FAILED';
}

/**
 * The result to download from a finished task: the first 3D model (`asset_type` 3D_MODEL, in any
 * case), else the first `.glb` URL, else the first result. The one rule, used by `segment()` and by
 * callers that resume a task themselves (the meshparts pipeline). Throws on an empty list.
 */
export function pickResult(results: readonly TaskResult[]): TaskResult {
  const picked =
    results.find((r) => r.type?.toUpperCase() === '3D_MODEL') ??
    results.find((r) => /\.glb($|\?)/i.test(r.url)) ??
    results[0];
  if (!picked) throw new RangeError('the task has no results to download');
  return picked;
}
