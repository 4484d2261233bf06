/**
 * How a response says when to come back (API-NOTES.md: a 429 may carry `Retry-After` as seconds, as an
 * HTTP date, or not at all).
 */
export type RetryAfterForm = 'seconds' | 'http-date' | 'none';

/**
 * The `Retry-After` header value for a wait of `seconds`, or undefined for `none`. An HTTP date has
 * one-second resolution, so it is rounded up: a client that waits until that date never comes back early.
 */
export function formatRetryAfter(form: RetryAfterForm, seconds: number, now: number): string | undefined {
  const whole = Math.max(0, Math.ceil(seconds));
  switch (form) {
    case 'seconds':
      return String(whole);
    case 'http-date':
      return new Date(Math.ceil((now + whole * 1000) / 1000) * 1000).toUTCString();
    case 'none':
      return undefined;
  }
}
