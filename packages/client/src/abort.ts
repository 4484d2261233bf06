/**
 * AbortSignal plumbing. Node's convention is followed throughout: when the caller's signal aborts, the
 * operation rejects with `signal.reason` (an `AbortError` DOMException unless the caller gave another
 * reason). Every helper removes its listeners and clears its timers, so nothing dangles after a call.
 */
import type { Clock } from './clock.js';

/** Throw the signal's reason if it has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

/** Resolve after `ms`, or reject with the signal's reason as soon as it aborts. */
export function sleep(ms: number, clock: Clock, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A signal that aborts when any parent aborts (with that parent's reason) or when `timeoutMs` passes,
 * whichever comes first.
 * `timedOut()` tells the two apart, so callers can throw a TimeoutError for their own limit and rethrow
 * the caller's reason otherwise. Always call `dispose()` (in a `finally`).
 */
export interface Deadline {
  readonly signal: AbortSignal;
  timedOut(): boolean;
  dispose(): void;
}

export function deadline(
  parent: AbortSignal | readonly (AbortSignal | undefined)[] | undefined,
  timeoutMs: number | undefined,
  clock: Clock,
): Deadline {
  const controller = new AbortController();
  let expired = false;
  const parents = (Array.isArray(parent) ? parent : [parent]).filter(
    (p): p is AbortSignal => p !== undefined,
  );
  const listeners = parents.map((p) => ({ p, onAbort: (): void => controller.abort(p.reason) }));
  for (const { p, onAbort } of listeners) {
    if (p.aborted) controller.abort(p.reason);
    else p.addEventListener('abort', onAbort, { once: true });
  }
  const handle =
    timeoutMs !== undefined && Number.isFinite(timeoutMs)
      ? clock.setTimeout(
          () => {
            expired = true;
            controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
          },
          Math.max(0, timeoutMs),
        )
      : undefined;
  return {
    signal: controller.signal,
    timedOut: () => expired,
    dispose: () => {
      if (handle !== undefined) clock.clearTimeout(handle);
      for (const { p, onAbort } of listeners) p.removeEventListener('abort', onAbort);
    },
  };
}
