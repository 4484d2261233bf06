/**
 * Decoding and encoding of the images a model carries, through sharp (libvips: the library
 * glTF-Transform's own texture functions use). One place for both, so that texture cropping
 * (parts/textures) and thumbnails (pack/thumbnails) read pixels the same way.
 *
 * sharp is imported on first use, not at module load: a split that touches no image (most
 * segmented models, `inspect`) never pays its ~60 ms of start-up.
 */

/** Pixels of a decoded image: 8-bit RGBA, rows top to bottom, no padding. */
export interface DecodedImage {
  width: number;
  height: number;
  /** width × height × 4 bytes. */
  data: Uint8Array;
}

/** The image formats glTF core and its image extensions carry. */
export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'ktx2' | 'avif' | 'unknown';

/** The format from the first bytes (the MIME type in a file is a hint, the magic is the truth). */
export function imageFormatOf(bytes: Uint8Array): ImageFormat {
  const at = (i: number) => bytes[i] ?? -1;
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return 'png';
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'jpeg';
  if (
    at(0) === 0x52 &&
    at(1) === 0x49 &&
    at(2) === 0x46 &&
    at(3) === 0x46 &&
    at(8) === 0x57 &&
    at(9) === 0x45
  )
    return 'webp';
  if (at(0) === 0xab && at(1) === 0x4b && at(2) === 0x54 && at(3) === 0x58) return 'ktx2';
  if (at(4) === 0x66 && at(5) === 0x74 && at(6) === 0x79 && at(7) === 0x70) return 'avif';
  return 'unknown';
}

/** Whether sharp can decode this format here (KTX2 is GPU-compressed: not decodable by libvips). */
export function canDecode(format: ImageFormat): boolean {
  return format === 'png' || format === 'jpeg' || format === 'webp' || format === 'avif';
}

type Sharp = typeof import('sharp')['default'];

async function loadSharp(): Promise<Sharp> {
  return (await import('sharp')).default;
}

/**
 * Decodes PNG, JPEG, WebP or AVIF bytes to 8-bit RGBA. Throws for formats sharp cannot read (KTX2)
 * and for corrupt data; callers that can do without the pixels (a thumbnail falls back to the
 * material's base colour) catch it.
 */
export async function decodeImage(bytes: Uint8Array): Promise<DecodedImage> {
  const sharp = await loadSharp();
  const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: 16384 * 16384 })
    .ensureAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 4) throw new Error(`decoded image has ${info.channels} channels, expected 4`);
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** Options for {@link encodeImage}. */
export interface EncodeImageOptions {
  /** JPEG and WebP quality, 1–100 (default 90). PNG is lossless whatever this says. */
  quality?: number;
  /** Drop the alpha channel when every pixel is opaque (default true: smaller PNG and JPEG). */
  dropOpaqueAlpha?: boolean;
  /**
   * JPEG: mozjpeg's tables and trellis quantisation (default true). False uses the JPEG standard's
   * tables, the ones most encoders write: re-encoding such a JPEG on its own 8×8 grid at its own
   * quality then changes almost nothing (texture cropping relies on it).
   */
  mozjpeg?: boolean;
  /** JPEG chroma subsampling (default '4:2:0', sharp's). */
  chromaSubsampling?: '4:4:4' | '4:2:0';
  /** WebP: lossless (default false). */
  lossless?: boolean;
  /**
   * PNG zlib level, 0–9 (default 9). Level 9 with adaptive filtering can cost 10–25× level 4
   * without it for a few percent of size, and on smooth renders it is larger (thumbnails use 4).
   */
  compressionLevel?: number;
  /** PNG adaptive row filtering (default true). */
  adaptiveFiltering?: boolean;
}

/** Encodes RGBA pixels as PNG, JPEG or WebP. */
export async function encodeImage(
  image: DecodedImage,
  format: 'png' | 'jpeg' | 'webp',
  options: EncodeImageOptions = {},
): Promise<Uint8Array> {
  const sharp = await loadSharp();
  const {
    quality = 90,
    dropOpaqueAlpha = true,
    mozjpeg = true,
    chromaSubsampling,
    lossless = false,
    compressionLevel = 9,
    adaptiveFiltering = true,
  } = options;
  let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } });
  if (format === 'jpeg' || (dropOpaqueAlpha && isOpaque(image))) pipeline = pipeline.removeAlpha();
  if (format === 'png') pipeline = pipeline.png({ compressionLevel, adaptiveFiltering });
  else if (format === 'jpeg')
    pipeline = pipeline.jpeg({
      quality,
      mozjpeg,
      optimiseCoding: true,
      ...(chromaSubsampling ? { chromaSubsampling } : {}),
    });
  else pipeline = pipeline.webp(lossless ? { lossless: true } : { quality });
  const out = await pipeline.toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** True when every pixel's alpha is 255. */
export function isOpaque(image: DecodedImage): boolean {
  const { data } = image;
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return false;
  return true;
}
