import type { FaultKind } from './faults.js';
import type { TaskStatus } from './tasks.js';

/** The API routes the emulator knows, as counted in {@link EmulatorStats.requests}. */
export type ApiRoute = 'submit' | 'status' | 'wallet' | 'other';

/** A snapshot of what the emulator has seen; plain data, safe to keep after `close()`. */
export interface EmulatorStats {
  /** Requests that reached the API origin, by route, including those answered by faults, 401s and 429s. */
  requests: Record<ApiRoute, number> & { total: number };
  /** Tasks created (credits deducted), including those whose answer a fault dropped. */
  submissions: number;
  /** Tasks created per sha256 (hex) of the input bytes: how many times each model was paid for. */
  submissionsByHash: Record<string, number>;
  /** 429 answers, from the budget or from `rateLimit` faults. */
  rateLimited: number;
  /** 401 answers. */
  unauthorized: number;
  /** Tasks by their status now. */
  tasks: Record<TaskStatus, number>;
  /** Wallet balance now, in credits. */
  balance: number;
  /** Requests that reached the storage origin. */
  storageRequests: number;
  /** Storage requests that carried an Authorization header: must stay 0 for a well-behaved client. */
  storageAuthHeaders: number;
  /** How many times each fault kind fired. */
  faults: Partial<Record<FaultKind, number>>;
}

/** The counters behind {@link EmulatorStats}; the parts derived from tasks are added at snapshot time. */
export class StatsRecorder {
  readonly requests: Record<ApiRoute, number> = { submit: 0, status: 0, wallet: 0, other: 0 };
  readonly submissionsByHash = new Map<string, number>();
  submissions = 0;
  rateLimited = 0;
  unauthorized = 0;
  storageRequests = 0;
  storageAuthHeaders = 0;

  request(route: ApiRoute): void {
    this.requests[route]++;
  }

  submission(sha256: string): void {
    this.submissions++;
    this.submissionsByHash.set(sha256, (this.submissionsByHash.get(sha256) ?? 0) + 1);
  }

  snapshot(derived: Pick<EmulatorStats, 'tasks' | 'balance' | 'faults'>): EmulatorStats {
    const r = this.requests;
    return {
      requests: { ...r, total: r.submit + r.status + r.wallet + r.other },
      submissions: this.submissions,
      submissionsByHash: Object.fromEntries(this.submissionsByHash),
      rateLimited: this.rateLimited,
      unauthorized: this.unauthorized,
      storageRequests: this.storageRequests,
      storageAuthHeaders: this.storageAuthHeaders,
      ...derived,
    };
  }
}
