import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { handleApiRequest } from './api-server.js';
import { FaultPlan, type FaultRule } from './faults.js';
import { type EmulatorLogger, logRequest, redactingLogger, SILENT_LOGGER } from './logger.js';
import { type EmulatorOptions, resolveOptions } from './options.js';
import { createRateBudget } from './rate-shape.js';
import { sendError } from './responses.js';
import { listen, originOf } from './servers.js';
import type { EmulatorState } from './state.js';
import { type EmulatorStats, StatsRecorder } from './stats.js';
import { handleStorageRequest } from './storage-server.js';
import { summarize } from './summary.js';
import { TASK_STATUSES, type TaskStatus, TaskStore } from './tasks.js';

/** A running emulator. */
export interface Emulator {
  /** API origin, e.g. `http://127.0.0.1:41234` (no trailing slash): the client's `baseUrl`. */
  readonly url: string;
  /** Storage origin serving results: a different port, so a different origin. */
  readonly storageUrl: string;
  readonly port: number;
  readonly storagePort: number;
  /** A few lines for a terminal: both URLs and how to point the client at them (never the key). */
  readonly printable: string;
  /** A snapshot of the counters; see {@link EmulatorStats}. */
  stats(): EmulatorStats;
  /** Fault rules not yet used up (a test can assert that its faults really happened). */
  pendingFaults(): FaultRule[];
  /**
   * Closes both servers and every socket, stops segmenters and fetches, cuts delays short, and
   * removes the temp folder. Idempotent; resolves when nothing of the emulator is left running.
   */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts an emulator of the 3D AI Studio API on loopback: the API origin and a storage origin, both
 * real `node:http` servers. See README.md in this folder for the options and fault kinds.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const resolved = resolveOptions(options);
  const faults = new FaultPlan(resolved.faults);
  const logger: EmulatorLogger = redactingLogger(options.logger ?? SILENT_LOGGER, resolved.apiKey);
  const lifetime = new AbortController();
  const work = new Set<Promise<unknown>>();
  const sleepers = new Map<NodeJS.Timeout, () => void>();
  const dir = await mkdtemp(join(tmpdir(), 'meshparts-emulator-'));
  const dispatcher = new Agent({ connections: 8 });

  const apiServer = createServer();
  const storageServer = createServer();
  const startServers = async () => {
    const api = await listen(apiServer, resolved.host, resolved.port);
    try {
      const storage = await listen(storageServer, resolved.host, resolved.storagePort);
      return { api, storage };
    } catch (error) {
      await api.close();
      throw error;
    }
  };
  let listening: Awaited<ReturnType<typeof startServers>>;
  try {
    listening = await startServers();
  } catch (error) {
    await Promise.all([dispatcher.close(), rm(dir, { recursive: true, force: true })]);
    throw error;
  }
  const url = originOf(resolved.host, listening.api.port);
  const storageUrl = originOf(resolved.host, listening.storage.port);

  const state: EmulatorState = {
    options: resolved,
    tasks: new TaskStore(resolved),
    faults,
    stats: new StatsRecorder(),
    window: createRateBudget(resolved.rateLimit),
    logger,
    dir,
    storageUrl,
    dispatcher,
    signal: lifetime.signal,
    track(promise) {
      work.add(promise);
      const forget = () => work.delete(promise);
      promise.then(forget, forget);
      return promise;
    },
    sleep(ms) {
      if (lifetime.signal.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          sleepers.delete(timer);
          resolve();
        }, ms);
        sleepers.set(timer, resolve);
      });
    },
  };

  const serve =
    (origin: 'api' | 'storage', handler: typeof handleApiRequest) =>
    (req: IncomingMessage, res: ServerResponse): void => {
      logRequest(logger, origin, req, res);
      void state.track(
        handler(state, req, res).catch((error: unknown) => {
          logger.error('emulator handler failed', {
            error: error instanceof Error ? error.message : String(error),
          });
          if (!res.headersSent && !res.destroyed) {
            sendError(res, resolved, { status: 500, code: 'INTERNAL_ERROR', message: 'emulator error' });
          } else {
            res.destroy();
          }
        }),
      );
    };
  apiServer.on('request', serve('api', handleApiRequest));
  storageServer.on('request', serve('storage', handleStorageRequest));

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      lifetime.abort(new Error('emulator closed'));
      for (const [timer, resolve] of sleepers) {
        clearTimeout(timer);
        resolve();
      }
      sleepers.clear();
      await Promise.all([listening.api.close(), listening.storage.close()]);
      while (work.size > 0) await Promise.allSettled([...work]);
      await dispatcher.close();
      await rm(dir, { recursive: true, force: true });
      logger.info('emulator closed');
    })();
    return closing;
  };

  const stats = (): EmulatorStats => {
    const now = resolved.now();
    const tasks = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
    for (const task of state.tasks.all()) tasks[state.tasks.view(task, now).status]++;
    return state.stats.snapshot({ tasks, balance: state.tasks.balance(now), faults: faults.firedByKind() });
  };

  logger.info('emulator listening', { url, storageUrl });
  return {
    url,
    storageUrl,
    port: listening.api.port,
    storagePort: listening.storage.port,
    printable: summarize({ url, storageUrl, options: resolved }),
    stats,
    pendingFaults: () => faults.pending(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
