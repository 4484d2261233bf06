import { describe, expect, it } from 'vitest';
import { FaultPlan, type FaultRule } from '../src/testing/faults.js';
import { redactingLogger } from '../src/testing/logger.js';
import { SlidingWindow } from '../src/testing/rate-window.js';
import { formatRetryAfter } from '../src/testing/retry-after.js';
import type { ResultFile } from '../src/testing/segment-runner.js';
import { TaskStore } from '../src/testing/tasks.js';

describe('SlidingWindow', () => {
  it('admits `limit` requests per window per key and says exactly when the next one fits', () => {
    const window = new SlidingWindow(2, 1_000);
    expect(window.admit('a', 0)).toEqual({ allowed: true });
    expect(window.admit('a', 400)).toEqual({ allowed: true });
    expect(window.admit('a', 500)).toEqual({ allowed: false, retryAfterMs: 500 });
    expect(window.admit('b', 500)).toEqual({ allowed: true });
    expect(window.admit('a', 999)).toEqual({ allowed: false, retryAfterMs: 1 });
    expect(window.admit('a', 1_000)).toEqual({ allowed: true });
    expect(window.admit('a', 1_001)).toEqual({ allowed: false, retryAfterMs: 399 });
    expect(window.admit('a', 1_400)).toEqual({ allowed: true });
  });

  it('has no limit at Infinity', () => {
    const window = new SlidingWindow(Number.POSITIVE_INFINITY, 1_000);
    for (let i = 0; i < 1_000; i++) expect(window.admit('a', 0).allowed).toBe(true);
  });
});

describe('formatRetryAfter', () => {
  const now = Date.parse('2026-11-24T10:00:00.250Z');
  it('gives whole seconds rounded up, an HTTP date never earlier than the wait, or nothing', () => {
    expect(formatRetryAfter('seconds', 1.2, now)).toBe('2');
    expect(formatRetryAfter('seconds', 0, now)).toBe('0');
    expect(formatRetryAfter('http-date', 2, now)).toBe('Tue, 24 Nov 2026 10:00:03 GMT');
    expect(formatRetryAfter('none', 5, now)).toBeUndefined();
  });
});

describe('FaultPlan', () => {
  const api = { origin: 'api', method: 'GET', path: '/account/user/wallet/' } as const;
  const storage = { origin: 'storage', method: 'GET', path: '/assets/x.glb' } as const;

  it('offers each request to the rules of its point only, generic rules to the API origin by default', () => {
    const plan = new FaultPlan([{ kind: 'truncate' }, { kind: 'reset' }, { kind: 'fail' }]);
    expect(plan.take('arrival', storage)).toBeUndefined();
    expect(plan.take('asset', storage)?.kind).toBe('truncate');
    expect(plan.take('arrival', api)?.kind).toBe('reset');
    expect(plan.take('created', api, ['expire'])).toBeUndefined();
    expect(plan.take('created', api, ['fail'])?.kind).toBe('fail');
    expect(plan.pending()).toEqual([]);
    expect(plan.firedByKind()).toEqual({ truncate: 1, reset: 1, fail: 1 });
  });

  it('counts `after` on every matching request, even ones an earlier rule took', () => {
    const rules: FaultRule[] = [
      { kind: 'reset', times: 2 },
      { kind: 'html', after: 1 },
    ];
    const plan = new FaultPlan(rules);
    const kinds = [1, 2, 3, 4].map(() => plan.take('arrival', api)?.kind);
    expect(kinds).toEqual(['reset', 'reset', 'html', undefined]);
  });

  it('matches method case-insensitively and paths by prefix or RegExp (global ones too)', () => {
    const plan = new FaultPlan([
      { kind: 'delay', ms: 1, match: { method: 'post' }, times: Number.POSITIVE_INFINITY },
      { kind: 'reset', match: { path: /wallet/g }, times: 2 },
      { kind: 'html', match: { path: '/v1/' } },
    ]);
    expect(plan.take('arrival', { ...api, method: 'POST' })?.kind).toBe('delay');
    expect(plan.take('arrival', api)?.kind).toBe('reset');
    expect(plan.take('arrival', api)?.kind).toBe('reset');
    expect(plan.take('arrival', api)).toBeUndefined();
    expect(plan.take('arrival', { ...api, path: '/v1/generation-request/x/status/' })?.kind).toBe('html');
  });
});

describe('TaskStore', () => {
  const file: ResultFile = { path: '/nonexistent', byteLength: 1 };
  const store = (now: () => number) =>
    new TaskStore({ balance: 200, costPerTask: 80, durationMs: 1_000, resultTtlMs: 5_000, now });

  it('deducts at creation and refunds a failed task exactly once, whoever looks first', async () => {
    let now = 0;
    const tasks = store(() => now);
    const task = tasks.create(
      { id: 'a', sha256: 'x', filename: 'a.glb', result: Promise.reject(new Error('bad mesh')) },
      now,
    );
    await Promise.resolve();
    expect(tasks.balance(now)).toBe(120);
    now = 1_000;
    expect(tasks.view(task, now)).toMatchObject({
      status: 'FAILED',
      failureReason: 'bad mesh',
      endedAt: 1_000,
    });
    expect(tasks.balance(now)).toBe(200);
    expect(tasks.view(task, now + 1)).toMatchObject({ status: 'FAILED' });
    expect(tasks.balance(now + 1)).toBe(200);
    expect(tasks.canAfford(now)).toBe(true);
  });

  it('expires results resultTtlMs after they finished, or at once when marked', async () => {
    const now = 0;
    const tasks = store(() => now);
    const kept = tasks.create({ id: 'k', sha256: 'x', filename: 'k.glb', result: Promise.resolve(file) }, 0);
    const gone = tasks.create({ id: 'g', sha256: 'y', filename: 'g.glb', result: Promise.resolve(file) }, 0);
    gone.expiredOnArrival = true;
    await Promise.resolve();
    expect(tasks.view(kept, 1_000)).toMatchObject({ status: 'FINISHED', endedAt: 1_000, expiresAt: 6_000 });
    expect(tasks.view(gone, 1_000)).toMatchObject({ status: 'FINISHED', expiresAt: 1_000 });
    expect(tasks.canAfford(0)).toBe(false);
  });
});

describe('redactingLogger', () => {
  it('scrubs the secret from the message and nested fields', () => {
    const lines: unknown[] = [];
    const sink = (message: string, fields?: Record<string, unknown>) => lines.push([message, fields]);
    const log = redactingLogger({ debug: sink, info: sink, warn: sink, error: sink }, 'sk-123');
    log.warn('key sk-123 seen', { url: '/x?k=sk-123', nested: { list: ['sk-123', 4] } });
    expect(lines).toEqual([
      ['key [REDACTED] seen', { url: '/x?k=[REDACTED]', nested: { list: ['[REDACTED]', 4] } }],
    ]);
  });
});
