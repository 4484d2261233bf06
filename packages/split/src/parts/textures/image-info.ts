/**
 * What the encoded bytes of an image say about how to re-encode it without losing anything that
 * matters: a JPEG's quality and chroma subsampling (so that a crop re-encoded on the same 8×8 grid
 * with the same quantisation is nearly the same file), a PNG's bit depth (sharp's 8-bit pixels would
 * lose a 16-bit PNG's low byte), whether a WebP is lossless. Header parsing only: no decode.
 *
 * Hand-written because it is a few dozen lines over the JPEG and PNG headers, and the libraries that
 * read JPEG markers (exif readers, full decoders) report neither the quantisation tables nor an IJG
 * quality estimate.
 */

/** Facts about one encoded image that decide how a crop of it is encoded. */
export interface ImageInfo {
  format: 'png' | 'jpeg' | 'webp' | 'other';
  /** JPEG: the IJG quality (1–100) whose standard tables are closest to the file's luminance table. */
  jpegQuality?: number;
  /** JPEG: '4:4:4' when chroma is not subsampled, '4:2:0' otherwise (4:2:2 is treated as 4:2:0). */
  chromaSubsampling?: '4:4:4' | '4:2:0';
  /** JPEG: the MCU size in texels (8 without chroma subsampling, 16 with). */
  blockSize?: number;
  /** PNG: bits per sample (1, 2, 4, 8 or 16). */
  bitDepth?: number;
  /** WebP: lossless (VP8L) rather than lossy (VP8). */
  lossless?: boolean;
}

// The JPEG standard's luminance quantisation table (Annex K), which libjpeg scales by quality.
const STANDARD_LUMINANCE = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22,
  29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103,
  121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const STANDARD_SUM = STANDARD_LUMINANCE.reduce((a, b) => a + b, 0);

/** The IJG quality whose scaled standard table has the same sum as `table` (libjpeg's own mapping). */
function ijgQuality(table: readonly number[]): number {
  const sum = table.reduce((a, b) => a + b, 0);
  const scale = (sum * 100) / STANDARD_SUM;
  const quality = scale <= 100 ? (200 - scale) / 2 : 5000 / scale;
  return Math.max(1, Math.min(100, Math.round(quality)));
}

function jpegInfo(bytes: Uint8Array): ImageInfo {
  const info: ImageInfo = { format: 'jpeg' };
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) break;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const body = at + 4;
    const end = at + 2 + length;
    if (length < 2 || end > bytes.length) break;
    if (marker === 0xdb) {
      // DQT: one or more tables (precision nibble, id nibble, 64 values of 8 or 16 bits).
      for (let p = body; p < end; ) {
        const precision = bytes[p]! >> 4;
        const id = bytes[p]! & 15;
        const size = precision ? 128 : 64;
        if (p + 1 + size > end) break;
        if (id === 0 && info.jpegQuality === undefined) {
          const table: number[] = [];
          for (let i = 0; i < 64; i++)
            table.push(precision ? (bytes[p + 1 + 2 * i]! << 8) | bytes[p + 2 + 2 * i]! : bytes[p + 1 + i]!);
          info.jpegQuality = ijgQuality(table);
        }
        p += 1 + size;
      }
    } else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      // SOFn: components with their sampling factors; the first (luma) says the MCU size.
      const components = bytes[body + 5] ?? 0;
      let maxH = 1;
      let maxV = 1;
      for (let c = 0; c < components; c++) {
        const factors = bytes[body + 7 + c * 3] ?? 0x11;
        maxH = Math.max(maxH, factors >> 4);
        maxV = Math.max(maxV, factors & 15);
      }
      const subsampled = components > 1 && (maxH > 1 || maxV > 1);
      info.chromaSubsampling = subsampled ? '4:2:0' : '4:4:4';
      info.blockSize = 8 * Math.max(maxH, maxV);
    } else if (marker === 0xda) {
      break; // start of scan: the headers are over
    }
    at = end;
  }
  return info;
}

function pngInfo(bytes: Uint8Array): ImageInfo {
  // IHDR is the first chunk: width(4) height(4) bit depth(1) at byte 24.
  return { format: 'png', bitDepth: bytes[24] ?? 8 };
}

function webpInfo(bytes: Uint8Array): ImageInfo {
  // RIFF....WEBP then the first chunk: 'VP8L' (lossless), 'VP8 ' (lossy) or 'VP8X' (extended).
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
    if (id === 'VP8L') return { format: 'webp', lossless: true };
    if (id === 'VP8 ') return { format: 'webp', lossless: false };
    const size =
      (bytes[at + 4]! | (bytes[at + 5]! << 8) | (bytes[at + 6]! << 16) | (bytes[at + 7]! << 24)) >>> 0;
    at += 8 + size + (size & 1);
  }
  return { format: 'webp', lossless: false };
}

/** Reads what {@link ImageInfo} holds from an image's first bytes. */
export function readImageInfo(bytes: Uint8Array): ImageInfo {
  const at = (i: number) => bytes[i] ?? -1;
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return pngInfo(bytes);
  if (at(0) === 0xff && at(1) === 0xd8) return jpegInfo(bytes);
  if (at(0) === 0x52 && at(1) === 0x49 && at(8) === 0x57 && at(9) === 0x45) return webpInfo(bytes);
  return { format: 'other' };
}
