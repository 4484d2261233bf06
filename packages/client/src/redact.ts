/**
 * Secret hygiene. The API key must never reach an error message, a log line, a serialized error or
 * a URL we print, so every text that leaves the client passes through these helpers.
 */

/** Replacement text for anything secret. */
export const REDACTED = '[REDACTED]';

/**
 * Replace every occurrence of each secret in `text`. Secrets shorter than 4 characters are ignored
 * (redacting "a" everywhere would mangle messages without protecting anything real).
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * JSON.parse with every secret replaced in every string value: what a server sends back (task ids,
 * statuses, failure reasons, URLs) may echo the key, and none of it may reach a caller, a log or a
 * file. (Property names are left alone: the client reads only the fields it knows, and prints none.)
 */
export function parseRedactedJson(text: string, secrets: readonly (string | undefined)[]): unknown {
  const active = secrets.filter((secret): secret is string => secret !== undefined && secret.length >= 4);
  if (active.length === 0) return JSON.parse(text);
  return JSON.parse(text, (_key, value: unknown) =>
    typeof value === 'string' ? redactSecrets(value, active) : value,
  );
}

/** Query parameters whose values are credentials or signatures (presigned storage URLs carry these). */
const SECRET_PARAM = /(sig|signature|token|key|secret|credential|auth|policy|password)/i;

/**
 * The URL as it may appear in an error or a log: credentials in the userinfo and the values of
 * secret-looking query parameters are replaced, everything else kept so the URL stays useful.
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return '<invalid URL>';
  }
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = 'REDACTED';
    parsed.password = '';
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, 'REDACTED');
  }
  return parsed.toString();
}
