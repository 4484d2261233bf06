/**
 * A server's own account of its rate limit, read from the headers of its answers. It is the one piece
 * of evidence the rate limiter accepts that the server allows bursts (see rate-limiter.ts): a server
 * that says "limit 60, remaining 59" will take 59 more requests now, whatever the shape of its window.
 *
 * Forms read (names are case-insensitive; undici gives them lower-cased):
 * - the IETF draft's structured fields (draft-ietf-httpapi-ratelimit-headers-08 and later):
 *   `RateLimit: "name";r=REMAINING;t=SECONDS` with `RateLimit-Policy: "name";q=LIMIT;w=SECONDS`;
 *   with several policies, the one with the fewest requests remaining counts;
 * - the draft's earlier forms: `RateLimit: limit=L, remaining=R, reset=S` (draft 7), or
 *   `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (drafts 1–6; the first list item);
 * - the common `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset`, whose reset is
 *   seconds from now, or a Unix time in seconds when it is that large (GitHub's form).
 *
 * Not `ratelimit-header-parser` (npm, 0.1.0, the one library for this): it computes resets from the
 * wall clock (the limiter's clock is injectable, and tests move it), reads a `Retry-After` as a Unix
 * time when no reset is sent, returns NaN fields for a partial set of headers, and does not read the
 * structured form of draft 8 and later.
 */

/** Response headers as undici and node:http give them. */
export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** What the server says of its budget at the moment it answered. */
export interface ServerBudget {
  /** Requests its budget holds when full (a window's limit, a bucket's capacity). */
  limit: number;
  /** Requests it will still accept now. */
  remaining: number;
  /** When `remaining` grows again, in the clock's ms; absent when the server did not say. */
  resetAt?: number;
}

/** A reset this large is a Unix time in seconds, not a delay (1e9 s is the year 2001). */
const UNIX_SECONDS = 1e9;

function header(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A whole number of at least 0 from the start of `text` (`"5"`, `"5;w=60"`, `"5, 50;w=3600"`). */
function leadingCount(text: string | undefined): number | undefined {
  const match = /^\s*(\d+)(?!\.)/.exec(text ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Parameter `name=value` (a whole number) of one structured-field item or a draft-7 list. */
function parameter(text: string, name: string): number | undefined {
  const match = new RegExp(`(?:^|[;,\\s])${name}\\s*=\\s*(\\d+)`, 'i').exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** The items of a structured-field list, keyed by their (quoted or token) names. */
function items(text: string): { name: string; text: string }[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => ({ name: /^"?([^";]*)"?/.exec(item)?.[1] ?? '', text: item }));
}

function budget(limit: number | undefined, remaining: number | undefined, resetAt: number | undefined) {
  if (limit === undefined || remaining === undefined) return undefined;
  const result: ServerBudget = { limit, remaining: Math.min(remaining, limit) };
  if (resetAt !== undefined) result.resetAt = resetAt;
  return result;
}

/** Draft 8 and later: `RateLimit: "p";r=..;t=..` items, their limits from `RateLimit-Policy`. */
function structured(combined: string, policy: string | undefined, now: number): ServerBudget | undefined {
  const limits = new Map(items(policy ?? '').map((item) => [item.name, parameter(item.text, 'q')]));
  let best: ServerBudget | undefined;
  for (const item of items(combined)) {
    const remaining = parameter(item.text, 'r');
    const reset = parameter(item.text, 't');
    const found = budget(
      limits.get(item.name),
      remaining,
      reset === undefined ? undefined : now + reset * 1000,
    );
    if (found !== undefined && (best === undefined || found.remaining < best.remaining)) best = found;
  }
  return best;
}

/**
 * The server's budget as its headers state it, or undefined when they do not state both a limit and
 * the requests remaining. `now` is the limiter's clock, which delays are added to.
 */
export function readServerBudget(headers: ResponseHeaders, now: number): ServerBudget | undefined {
  const combined = header(headers, 'ratelimit');
  if (combined !== undefined) {
    if (/(?:^|;)\s*r\s*=/i.test(combined))
      return structured(combined, header(headers, 'ratelimit-policy'), now);
    const reset = parameter(combined, 'reset');
    return budget(
      parameter(combined, 'limit'),
      parameter(combined, 'remaining'),
      reset === undefined ? undefined : now + reset * 1000,
    );
  }
  for (const prefix of ['ratelimit-', 'x-ratelimit-']) {
    const remaining = leadingCount(header(headers, `${prefix}remaining`));
    if (remaining === undefined) continue;
    const reset = leadingCount(header(headers, `${prefix}reset`));
    let resetAt: number | undefined;
    if (reset !== undefined) resetAt = reset >= UNIX_SECONDS ? reset * 1000 : now + reset * 1000;
    return budget(leadingCount(header(headers, `${prefix}limit`)), remaining, resetAt);
  }
  return undefined;
}
