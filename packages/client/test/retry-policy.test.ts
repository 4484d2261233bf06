import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  isRetryable,
  parseRetryAfter,
  RETRY_DEFAULTS,
  retryDelay,
  wasNotSent,
} from '../src/retry-policy.js';

describe('retry policy', () => {
  it('parses Retry-After as delta-seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-24T12:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1500);
    expect(parseRetryAfter('Tue, 24 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(['3', '9'], now)).toBe(3000);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('retries GETs on connection errors, timeouts, 408, 429 and 5xx only', () => {
    expect(isRetryable('GET', { kind: 'network', sent: true })).toBe(true);
    expect(isRetryable('GET', { kind: 'timeout' })).toBe(true);
    for (const status of [408, 429, 500, 502, 503, 504]) {
      expect(isRetryable('GET', { kind: 'response', status })).toBe(true);
    }
    for (const status of [400, 401, 402, 403, 404, 413, 422]) {
      expect(isRetryable('GET', { kind: 'response', status })).toBe(false);
    }
  });

  it('retries the paid POST only on 429 or a connection refused before sending', () => {
    expect(isRetryable('POST', { kind: 'response', status: 429 })).toBe(true);
    expect(isRetryable('POST', { kind: 'network', sent: false })).toBe(true);
    expect(isRetryable('POST', { kind: 'network', sent: true })).toBe(false);
    expect(isRetryable('POST', { kind: 'timeout' })).toBe(false);
    for (const status of [408, 500, 502, 503, 504]) {
      expect(isRetryable('POST', { kind: 'response', status })).toBe(false);
    }
  });

  it('recognises "not sent" errors through their cause chain', () => {
    expect(wasNotSent(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(
      wasNotSent(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }) })),
    ).toBe(true);
    expect(wasNotSent(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(false);
    expect(wasNotSent(Object.assign(new Error('closed'), { code: 'UND_ERR_SOCKET' }))).toBe(false);
  });

  it('backs off exponentially with equal jitter, capped', () => {
    const opts = { ...RETRY_DEFAULTS, initialDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(0, opts, () => 0)).toBe(50);
    expect(backoffDelay(0, opts, () => 1)).toBe(100);
    expect(backoffDelay(2, opts, () => 0.5)).toBe(300);
    expect(backoffDelay(10, opts, () => 1)).toBe(1000);
  });

  it('uses Retry-After instead of the backoff, capped by maxRetryAfterMs, and stops when retries are spent', () => {
    const opts = { ...RETRY_DEFAULTS, maxRetries: 2, maxRetryAfterMs: 10_000 };
    expect(retryDelay('GET', { kind: 'response', status: 429, retryAfterMs: 3000 }, 0, opts)).toBe(3000);
    expect(retryDelay('GET', { kind: 'response', status: 503, retryAfterMs: 3_600_000 }, 0, opts)).toBe(
      10_000,
    );
    expect(retryDelay('GET', { kind: 'response', status: 503 }, 1, opts, () => 0)).toBe(500);
    expect(retryDelay('GET', { kind: 'response', status: 503 }, 2, opts)).toBeUndefined();
    expect(retryDelay('POST', { kind: 'response', status: 502 }, 0, opts)).toBeUndefined();
  });
});
