/** A manual clock for the limiter and scheduler unit tests: time moves only when the test says so. */
import type { Clock } from '../src/index.js';

export interface FakeClock extends Clock {
  /** Move time forward, firing due timers in order. */
  advance(ms: number): Promise<void>;
  pendingTimers(): number;
}

export function fakeClock(start = 1_000_000): FakeClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    pendingTimers: () => timers.size,
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        // Let promise continuations (granted permits, released slots) run before looking for timers.
        await new Promise((resolve) => setImmediate(resolve));
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (due === undefined) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].callback();
      }
      now = end;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}
