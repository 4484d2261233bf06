import { describe, expect, it } from 'vitest';
import { readServerBudget } from '../src/rate-limit-headers.js';

const NOW = 1_000_000;

describe('readServerBudget', () => {
  it('reads X-RateLimit-*: reset in seconds from now, or a Unix time when it is that large', () => {
    expect(
      readServerBudget(
        { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '59', 'x-ratelimit-reset': '7' },
        NOW,
      ),
    ).toEqual({ limit: 60, remaining: 59, resetAt: NOW + 7_000 });
    expect(
      readServerBudget(
        { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': '1372700873' },
        NOW,
      ),
    ).toEqual({ limit: 5000, remaining: 4999, resetAt: 1_372_700_873_000 });
    expect(readServerBudget({ 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '2' }, NOW)).toEqual({
      limit: 3,
      remaining: 2,
    });
  });

  it('reads the IETF draft forms: separate fields (first list item), draft 7 combined, draft 8 structured', () => {
    expect(
      readServerBudget(
        { 'ratelimit-limit': '5, 5;w=5, 100;w=3600', 'ratelimit-remaining': '4', 'ratelimit-reset': '3' },
        NOW,
      ),
    ).toEqual({ limit: 5, remaining: 4, resetAt: NOW + 3_000 });
    expect(readServerBudget({ ratelimit: 'limit=10, remaining=0, reset=2' }, NOW)).toEqual({
      limit: 10,
      remaining: 0,
      resetAt: NOW + 2_000,
    });
    expect(
      readServerBudget({ 'ratelimit-policy': '"default";q=5;w=5', ratelimit: '"default";r=4;t=1' }, NOW),
    ).toEqual({ limit: 5, remaining: 4, resetAt: NOW + 1_000 });
  });

  it('with several policies, the one with the fewest requests remaining counts', () => {
    expect(
      readServerBudget(
        {
          'ratelimit-policy': '"burst";q=10;w=1, "daily";q=1000;w=86400',
          ratelimit: '"burst";r=9;t=1, "daily";r=3;t=3600',
        },
        NOW,
      ),
    ).toEqual({ limit: 1000, remaining: 3, resetAt: NOW + 3_600_000 });
  });

  it('says nothing without both a limit and a remaining count, or with values it cannot read', () => {
    expect(readServerBudget({}, NOW)).toBeUndefined();
    expect(readServerBudget({ 'x-ratelimit-remaining': '59' }, NOW)).toBeUndefined();
    expect(readServerBudget({ 'x-ratelimit-limit': '60' }, NOW)).toBeUndefined();
    expect(
      readServerBudget({ 'x-ratelimit-limit': 'many', 'x-ratelimit-remaining': 'some' }, NOW),
    ).toBeUndefined();
    expect(
      readServerBudget({ 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '-1' }, NOW),
    ).toBeUndefined();
    expect(readServerBudget({ ratelimit: '"default";r=4;t=1' }, NOW)).toBeUndefined(); // no policy: no limit
    expect(readServerBudget({ 'retry-after': '5' }, NOW)).toBeUndefined();
  });

  it('never reports more remaining than the limit, and reads repeated headers as a list', () => {
    expect(readServerBudget({ 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '9' }, NOW)).toEqual({
      limit: 5,
      remaining: 5,
    });
    expect(
      readServerBudget({ 'x-ratelimit-limit': ['5', '100'], 'x-ratelimit-remaining': ['4', '99'] }, NOW),
    ).toEqual({ limit: 5, remaining: 4 });
  });
});
