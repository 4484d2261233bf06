/**
 * Turns a request target into path segments under the served folder, refusing anything that could
 * name a file outside it. Pure: no file system access (symlinks are checked by the server, on the
 * real path).
 *
 * Refused (403): `..` and `.` segments, raw or percent-encoded (`%2e%2e`); encoded separators
 * (`%2f`, `%5c`) and backslashes; NUL; empty segments (`//`); hidden names (a leading `.`: a run's
 * `.meshparts/` journal and cache are not the gallery's business). Refused (400): a target that is
 * not origin-form (`http://host/…`, `*`, a Windows drive path) or whose percent-encoding is broken.
 */

export type RequestPath =
  | { ok: true; segments: string[]; directory: boolean }
  | { ok: false; status: 400 | 403; reason: string };

export function parseRequestPath(target: string): RequestPath {
  if (!target.startsWith('/')) return { ok: false, status: 400, reason: 'not an origin-form path' };
  const path = target.replace(/[?#].*$/s, '');
  const raw = path.slice(1).split('/');
  const directory = path.endsWith('/');
  if (directory) raw.pop();
  const segments: string[] = [];
  for (const piece of raw) {
    let segment: string;
    try {
      segment = decodeURIComponent(piece);
    } catch {
      return { ok: false, status: 400, reason: 'bad percent-encoding' };
    }
    if (segment === '') return { ok: false, status: 403, reason: 'empty path segment' };
    if (segment === '.' || segment === '..') return { ok: false, status: 403, reason: 'dot segment' };
    if (/[/\\\0]/.test(segment)) return { ok: false, status: 403, reason: 'separator inside a segment' };
    if (segment.startsWith('.')) return { ok: false, status: 403, reason: 'hidden name' };
    segments.push(segment);
  }
  return { ok: true, segments, directory: directory || segments.length === 0 };
}
