import type { Dispatcher } from 'undici';
import type { FaultPlan } from './faults.js';
import type { EmulatorLogger } from './logger.js';
import type { ResolvedOptions } from './options.js';
import type { RateBudget } from './rate-window.js';
import type { StatsRecorder } from './stats.js';
import type { TaskStore } from './tasks.js';

/**
 * Everything one running emulator holds, passed to both origins' handlers. Nothing here is global:
 * two emulators in one process share nothing.
 */
export interface EmulatorState {
  readonly options: ResolvedOptions;
  readonly tasks: TaskStore;
  readonly faults: FaultPlan;
  readonly stats: StatsRecorder;
  /** The API key's request budget, in the configured shape. */
  readonly window: RateBudget;
  readonly logger: EmulatorLogger;
  /** Private temp folder for uploads and results, removed by `close()`. */
  readonly dir: string;
  readonly storageUrl: string;
  /** Agent for loopback `model_url` fetches, closed by `close()`. */
  readonly dispatcher: Dispatcher;
  /** Aborted by `close()`: segmenters and fetches stop, delays end. */
  readonly signal: AbortSignal;
  /** Background work (segmenter runs, request handlers) that `close()` waits for. */
  track<T>(work: Promise<T>): Promise<T>;
  /** A delay that `close()` cuts short, so no timer outlives the emulator. */
  sleep(ms: number): Promise<void>;
}
