import { type DecodedImage, type EncodeImageOptions, encodeImage, isOpaque } from '../../images/index.js';
import type { TextureFormat } from '../../options.js';
import { readImageInfo } from './image-info.js';

export type { TextureFormat } from '../../options.js';

/** Encoded image bytes with their MIME type. */
export interface EncodedTexture {
  bytes: Uint8Array;
  mimeType: 'image/png' | 'image/jpeg' | 'image/webp';
}

/** Options for {@link encodeTexture}. */
export interface EncodeTextureOptions {
  /**
   * Quality of JPEG and lossy WebP output made from a lossless source (default 90). A JPEG source
   * keeps its own quality (estimated from its quantisation tables) and chroma subsampling.
   */
  quality?: number;
}

const MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;

/** The format a texture is written in: the requested one, or the source's for `keep`. */
export function outputFormat(source: Uint8Array, format: TextureFormat): 'png' | 'jpeg' | 'webp' | null {
  if (format !== 'keep') return format;
  const { format: sourceFormat } = readImageInfo(source);
  return sourceFormat === 'other' ? null : sourceFormat;
}

/**
 * Encodes pixels that came from `source` (whole or cropped) in the requested format, losing nothing
 * the source did not already lose:
 * - a lossless source (PNG, lossless WebP) stays lossless: PNG, or lossless WebP;
 * - a JPEG source is encoded once more as JPEG at its own estimated quality, with its chroma
 *   subsampling and the standard tables, so a crop aligned to its 8×8 (or 16×16) blocks re-quantises
 *   the same coefficients: PSNR above 50 dB on the shared models (README.md);
 * - JPEG has no alpha: pixels with transparency asked as JPEG are written as PNG instead.
 */
export async function encodeTexture(
  pixels: DecodedImage,
  source: Uint8Array,
  format: TextureFormat,
  options: EncodeTextureOptions = {},
): Promise<EncodedTexture> {
  const info = readImageInfo(source);
  let target = outputFormat(source, format) ?? 'png';
  // A JPEG's pixels are opaque (decoded with alpha 255, and crops fill with opaque colours): no scan.
  if (target === 'jpeg' && info.format !== 'jpeg' && !isOpaque(pixels)) target = 'png';
  const lossless = info.format === 'png' || (info.format === 'webp' && info.lossless === true);
  const settings: EncodeImageOptions = { quality: options.quality ?? 90 };
  if (target === 'jpeg' && info.format === 'jpeg') {
    settings.quality = info.jpegQuality ?? settings.quality;
    settings.mozjpeg = false;
    if (info.chromaSubsampling) settings.chromaSubsampling = info.chromaSubsampling;
  } else if (target === 'jpeg') {
    settings.chromaSubsampling = '4:4:4';
  } else if (target === 'webp') {
    if (lossless) settings.lossless = true;
    else if (info.format === 'jpeg') settings.quality = info.jpegQuality ?? settings.quality;
  }
  const bytes = await encodeImage(pixels, target, settings);
  return { bytes, mimeType: MIME[target] };
}
