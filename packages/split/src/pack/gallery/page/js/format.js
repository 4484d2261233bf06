/**
 * Formatting and URL helpers shared by the pack page and the run page. Plain ES module, no three.js.
 * Every path that comes from a manifest or a catalog is untrusted: it is encoded segment by segment
 * before it becomes a URL, and refused when a segment could leave the folder.
 */

const integer = new Intl.NumberFormat('en-US');
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** 12345 → "12,345". */
export function formatCount(value) {
  return Number.isFinite(value) ? integer.format(value) : '–';
}

/** Bytes in SI units: 980 B, 12.3 kB, 4.5 MB. */
export function formatBytes(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${decimal.format(value)} ${units[unit]}`;
}

/** "1 part", "3 parts". */
export function plural(count, word) {
  return `${formatCount(count)} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * A relative `/`-separated path from a manifest or catalog as a relative URL: each segment
 * percent-encoded (so `#`, `%`, `?`, spaces and non-ASCII names load), and null when the path is
 * empty, absolute, or has an empty, `.` or `..` segment or a backslash.
 */
export function relativeUrl(path) {
  if (typeof path !== 'string' || path === '' || path.includes('\\')) return null;
  const segments = path.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) return null;
  return segments.map((segment) => encodeURIComponent(segment)).join('/');
}

/** The first of several strings that is a non-empty string, else ''. */
export function firstText(...values) {
  for (const value of values) if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return '';
}
