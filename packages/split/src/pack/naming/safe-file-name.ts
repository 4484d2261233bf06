import { truncateUtf8 } from './utf8.js';

/** Used when a name is empty once unsafe characters are gone. */
export const FALLBACK_NAME = 'part';

/** Smallest accepted byte budget: room for a short name plus a dedup or engine-suffix guard. */
export const MIN_NAME_BYTES = 16;
/**
 * Largest accepted byte budget: 255 bytes per path component on Linux/macOS, minus room for
 * the `.glb` extension and a temporary-file suffix.
 */
export const MAX_NAME_BYTES = 240;

/**
 * Invisible characters: direction controls (LRM/RLM, embeddings, overrides, isolates, ALM) let a
 * name display differently from what it is (`txt.exe` shown as `exe.txt`); zero-width space,
 * word joiner, invisible operators, BOM, soft hyphen and the Mongolian vowel separator make two
 * names that look identical different files. ZWJ/ZWNJ stay: emoji sequences and several
 * scripts need them.
 */
const INVISIBLE = /[\u00AD\u061C\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/gu;
/**
 * What a name may hold: letters, marks and digits of any script, `-`, `_` and `.`, and the pieces of
 * emoji sequences (pictographs, skin-tone modifiers, flags, ZWJ/ZWNJ, VS16). Everything else is a
 * run to replace with one `_`: every ASCII character a URL path segment must escape or that has a
 * meaning there (`#` starts a fragment, `?` a query, `%` an escape, `&` `+` `=` `;` are read by
 * servers and query parsers), white space, quotes, Windows' reserved `<>:"/\|?*`, controls, lone
 * surrogates, and non-ASCII punctuation and symbols. Non-ASCII letters stay: they have no meaning in
 * a URL, and browsers, fetch and three.js percent-encode them (UTF-8) on their own, so `头部.glb`
 * loads as it is; replacing them would throw away the only readable name many models have.
 * (Transliteration was the other choice: it guesses, per language, and `头部` has no ASCII spelling.)
 */
const UNSAFE_RUN =
  /(?:(?![\p{L}\p{M}\p{N}\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}]|\u200C|\u200D|\uFE0F)[^\-_.])+/gu;

/**
 * Windows device names, reserved with any extension and in any case (`con`, `Con.txt`,
 * `COM1.glb`); `COM0`/`LPT0` and the superscript digits are reserved since Windows 10/11 too.
 */
const DEVICE_STEM = /^(?:CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9¹²³]|LPT[0-9¹²³])$/iu;

/** Whether `name`'s stem (before the first dot, trailing spaces ignored) is a Windows device. */
export function isDeviceName(name: string): boolean {
  const stem = name.split('.', 1)[0] ?? '';
  return DEVICE_STEM.test(stem.trimEnd());
}

/** `CON` → `CON_`, `con.txt` → `con_.txt`: the stem gains an underscore, so it is no longer a device. */
function escapeDeviceName(name: string): string {
  if (!isDeviceName(name)) return name;
  const dot = name.indexOf('.');
  const stem = (dot === -1 ? name : name.slice(0, dot)).trimEnd();
  return `${stem}_${dot === -1 ? '' : name.slice(dot)}`;
}

/**
 * No leading `.` or `-` (a hidden file on Unix; an option to every command-line tool) and no trailing
 * `.` (silently stripped by Windows).
 */
function trimEdges(name: string): string {
  return name.replace(/^[.-]+|\.+$/gu, '');
}

/**
 * Make `name` usable as one file-name component on Linux, macOS and Windows, and as one URL path
 * segment as it is (no percent-encoding needed for anything but non-ASCII letters).
 *
 * - NFC (macOS stores names decomposed; comparing and writing NFC keeps names stable).
 * - Invisible characters (bidi controls, zero-width space, BOM, soft hyphen) are removed; every run
 *   of other characters than letters, marks, digits (any script), emoji, `-`, `_` and `.` becomes
 *   one `_` (`sides#1` → `sides_1`, `My Robot (final)` → `My_Robot_final`, `50% scale` →
 *   `50_scale`); path pieces that are only dots (`.`, `..`) are dropped, so `../x` → `x`.
 * - No leading `.` or `-`, no trailing `.`; never empty (falls back to `part`).
 * - Windows device names (`CON`, `nul.txt`, `COM1`, `LPT9`, …) get `_` after the stem.
 * - At most `maxLength` UTF-8 bytes, cut between grapheme clusters.
 *
 * A name that is already safe is returned unchanged: `head` stays `head`. This does not guard
 * engine import suffixes or uniqueness: {@link nameParts} does, on top of this.
 */
export function safeFileName(name: string, maxLength = 100): string {
  assertNameBudget(maxLength);
  // Most names are plain ASCII and already safe: kept without the Unicode expressions below, whose
  // first use in a process costs ~10-20 ms (a 500-part split names every part).
  if (name.length <= maxLength && PLAIN_SAFE.test(name) && !isDeviceName(name)) return name;
  return generalSafeFileName(name, maxLength);
}

/**
 * A name of ASCII letters, digits, `_`, `-` and `.` that does not start with `.` or `-` nor end with
 * `.`: every step of {@link generalSafeFileName} but the device-name check leaves it as it is.
 */
const PLAIN_SAFE = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$/;

/** {@link safeFileName} for any name (exported for the test that checks the shortcut against it). */
export function generalSafeFileName(name: string, maxLength: number): string {
  const pieces = name
    .replace(INVISIBLE, '') // before NFC: removing one can bring a letter and its accent together
    .normalize('NFC')
    .split(UNSAFE_RUN)
    .filter((piece) => trimEdges(piece) !== '');
  let safe = trimEdges(pieces.join('_'));
  if (safe === '') safe = FALLBACK_NAME;
  safe = escapeDeviceName(safe);
  safe = trimEdges(truncateUtf8(safe, maxLength));
  if (safe === '') safe = FALLBACK_NAME;
  // A cut can only shorten the stem into a device name (`CONSOLE…` cut to `CON`): escape it
  // within the budget.
  if (isDeviceName(safe)) safe = escapeDeviceName(trimEdges(truncateUtf8(safe, maxLength - 1)));
  return safe;
}

/** Byte budgets outside [16, 240] cannot hold a guarded, deduplicated name plus `.glb`. */
export function assertNameBudget(maxLength: number): void {
  if (!Number.isInteger(maxLength) || maxLength < MIN_NAME_BYTES || maxLength > MAX_NAME_BYTES) {
    throw new RangeError(
      `maxLength must be an integer number of bytes from ${MIN_NAME_BYTES} to ${MAX_NAME_BYTES}, got ${maxLength}`,
    );
  }
}

/**
 * Whether `name` is already what {@link safeFileName} makes of it: one safe file-name component and
 * URL path segment, at most `maxLength` UTF-8 bytes. For checking names that did not come through
 * {@link nameParts} (the paths of a pack's additional files).
 */
export function isSafeFileName(name: string, maxLength = MAX_NAME_BYTES): boolean {
  return name !== '' && safeFileName(name, maxLength) === name;
}
