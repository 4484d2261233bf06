/**
 * Byte-length helpers. File-name limits are in bytes (ext4, APFS and NTFS components allow
 * 255 bytes / UTF-16 units), so names are bounded by their UTF-8 size, and cut only between
 * grapheme clusters so that an emoji ZWJ sequence or a base letter with its accents is never torn.
 */

const ENCODER = new TextEncoder();

/** UTF-8 size of a string in bytes. */
export function utf8Length(text: string): number {
  return ENCODER.encode(text).length;
}

/**
 * The longest prefix of `text`, made of whole grapheme clusters, whose UTF-8 size is at most
 * `maxBytes`. A single cluster larger than the budget (a pathological run of combining marks)
 * is cut by code points instead, never inside a surrogate pair.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let out = '';
  let used = 0;
  for (const { segment } of segmenter.segment(text)) {
    const size = utf8Length(segment);
    if (used + size > maxBytes) {
      if (out === '') return truncateCodePoints(segment, maxBytes);
      break;
    }
    out += segment;
    used += size;
  }
  return out;
}

function truncateCodePoints(text: string, maxBytes: number): string {
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = utf8Length(char);
    if (used + size > maxBytes) break;
    out += char;
    used += size;
  }
  return out;
}
