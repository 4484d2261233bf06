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

/** Characters Windows forbids in names (`<>:"/\|?*`; `/` and `\` are also path separators). */
const RESERVED = /[<>:"/\\|?*]/u;
/** C0/C1 controls and DEL. */
const CONTROL = /\p{Cc}/u;
/**
 * Invisible characters: direction controls (LRM/RLM, embeddings, overrides, isolates, ALM) let a
 * name display differently from what it is (`txt.exe` shown as `exe.txt`); zero-width space,
 * word joiner, invisible operators, BOM, soft hyphen and the Mongolian vowel separator make two
 * names that look identical different files. ZWJ/ZWNJ stay: emoji sequences and several
 * scripts need them.
 */
const INVISIBLE = /[\u00AD\u061C\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/gu;
/** A lone UTF-16 surrogate cannot be encoded in a file name. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
const UNSAFE_RUN = new RegExp(
  `(?:${[RESERVED, CONTROL, LONE_SURROGATE].map((r) => r.source).join('|')})+`,
  'gu',
);

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

/** No leading/trailing dots or white space: hidden files on Unix, silently stripped by Windows. */
function trimEdges(name: string): string {
  return name.replace(/^[\s.]+|[\s.]+$/gu, '');
}

/**
 * Make `name` usable as one file-name component on Linux, macOS and Windows.
 *
 * - NFC (macOS stores names decomposed; comparing and writing NFC keeps names stable).
 * - Invisible characters (bidi controls, zero-width space, BOM, soft hyphen) are removed; runs
 *   of reserved characters (`<>:"/\|?*`), controls and lone surrogates become one `_`; path pieces that are only dots (`.`, `..`) are dropped, so `../x` → `x`.
 * - No leading or trailing dots or spaces; never empty (falls back to `part`).
 * - Windows device names (`CON`, `nul.txt`, `COM1`, `LPT9`, …) get `_` after the stem.
 * - At most `maxLength` UTF-8 bytes, cut between grapheme clusters.
 *
 * A name that is already safe is returned unchanged: `head` stays `head`. This does not guard
 * engine import suffixes or uniqueness: {@link nameParts} does, on top of this.
 */
export function safeFileName(name: string, maxLength = 100): string {
  assertNameBudget(maxLength);
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
