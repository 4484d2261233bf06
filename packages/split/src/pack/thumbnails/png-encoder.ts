import { crc32, deflate, deflateSync, type ZlibOptions } from 'node:zlib';
import type { DecodedImage } from '../../images/index.js';

/**
 * A PNG encoder for RGBA thumbnails on node:zlib: PNG is a zlib stream of the rows, each prefixed
 * by a filter byte, in three chunks (IHDR, IDAT, IEND). Written here rather than through sharp
 * (`images/encodeImage`) because sharp's per-image set-up and its level-9 adaptive filtering cost
 * 2–3 ms of CPU per 256² thumbnail against under 1 ms here (bench/thumbnails.mjs, "PNG encoding"),
 * and because the renderer can resolve straight into the rows this encoder compresses: no RGBA
 * image is allocated per thumbnail. The npm PNG encoders (pngjs, fast-png, UPNG.js) filter in
 * JavaScript on the main thread and copy the image again; zlib.deflate runs on libuv's threads.
 */

/**
 * zlib settings for thumbnail rows: level 2 without filtering, one 64 KiB output chunk (a thumbnail
 * compresses to 10–40 KiB: one round trip to the thread pool instead of two or three). Measured on a
 * nodes-500 part's 256² thumbnail (262 KB of rows): level 2 wrote 27.7 KB in 0.75–2 ms, level 4
 * (lazy matching) 19.7 KB in 3× the time, level 1 29.8 KB in about the same; PNG's Up or Sub filters
 * saved under 2 % at level 2 for a pass in JavaScript on the main thread. The thread pool's time is
 * the second core's on a 2-core machine, so the fast level wins there.
 */
export const THUMBNAIL_DEFLATE: Readonly<ZlibOptions> = Object.freeze({ level: 2, chunkSize: 64 * 1024 });

/** Bytes of PNG rows for a `width` × `height` RGBA image: a filter byte and 4 bytes per pixel a row. */
export function scanlineBytes(width: number, height: number): number {
  return height * (1 + width * 4);
}

/**
 * The PNG rows (filter 0, none) of an RGBA image, in `out` when given (at least
 * {@link scanlineBytes} long), else in a new array.
 */
export function scanlinesOf(image: DecodedImage, out?: Uint8Array): Uint8Array {
  const { width, height, data } = image;
  const stride = width * 4;
  const rows = out ?? new Uint8Array(scanlineBytes(width, height));
  for (let y = 0; y < height; y++) {
    rows[y * (stride + 1)] = 0;
    rows.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return rows;
}

/**
 * Where zlib compresses a thumbnail's rows: `pool` on libuv's threads while the caller goes on (the
 * second core's time when this thread draws alone), `inline` on the calling thread before the call
 * returns. On the pool a thumbnail costs about twice the CPU (bench/deflate.mjs: 1.5–1.9 against
 * 0.73–0.75 ms, mostly system time; both ways make a new zlib stream per call, whose memory seems to
 * come fresh on the pool's threads: a guess), so inline is for threads that all draw: with a worker sharing the drawing on 2 cores, nodes-500 took
 * 2.43 s inline against 2.61 s on the pool, median of 5 alternated runs (BENCHMARKS.md, Thumbnails).
 */
export type DeflateOn = 'pool' | 'inline';

/**
 * Compresses PNG rows (from {@link scanlinesOf}, or written in place: see RenderTarget.resolveInto)
 * and wraps them as a PNG file: 8-bit RGBA, straight alpha. On the pool (`deflateOn`, default),
 * `rows` must not change until the promise settles; inline, they are read before this returns.
 */
export function encodeScanlines(
  rows: Uint8Array,
  width: number,
  height: number,
  options: Readonly<ZlibOptions> = THUMBNAIL_DEFLATE,
  deflateOn: DeflateOn = 'pool',
): Promise<Uint8Array> {
  if (deflateOn === 'inline') {
    try {
      return Promise.resolve(pngFile(width, height, deflateSync(rows, options)));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return new Promise((resolve, reject) => {
    deflate(rows, options, (error, compressed) => {
      if (error) reject(error);
      else resolve(pngFile(width, height, compressed));
    });
  });
}

/** An RGBA image as PNG bytes ({@link THUMBNAIL_DEFLATE}, no filtering). */
export function encodeRgbaPng(image: DecodedImage): Promise<Uint8Array> {
  return encodeScanlines(scanlinesOf(image), image.width, image.height);
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Signature, IHDR (8-bit RGBA, not interlaced), one IDAT with the zlib stream, IEND. */
function pngFile(width: number, height: number, idat: Uint8Array): Uint8Array {
  const file = new Uint8Array(8 + 25 + 12 + idat.byteLength + 12);
  const view = new DataView(file.buffer);
  file.set(SIGNATURE, 0);
  let at = 8;
  const chunk = (type: string, length: number, write: (offset: number) => void) => {
    view.setUint32(at, length);
    for (let i = 0; i < 4; i++) file[at + 4 + i] = type.charCodeAt(i);
    write(at + 8);
    view.setUint32(at + 8 + length, crc32(file.subarray(at + 4, at + 8 + length)));
    at += 12 + length;
  };
  chunk('IHDR', 13, (offset) => {
    view.setUint32(offset, width);
    view.setUint32(offset + 4, height);
    // Bit depth 8, colour type 6 (RGBA), deflate, adaptive filtering method 0, no interlace.
    file.set([8, 6, 0, 0, 0], offset + 8);
  });
  chunk('IDAT', idat.byteLength, (offset) => file.set(idat, offset));
  chunk('IEND', 0, () => {});
  return file;
}
