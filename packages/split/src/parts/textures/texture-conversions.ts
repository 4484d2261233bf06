import { sha256Hex } from '../../hash.js';
import type { ImageCache } from '../../images/index.js';
import { type EncodedTexture, encodeTexture, outputFormat, type TextureFormat } from './encode-texture.js';

/**
 * Whole images converted to another format (`--texture-format`), once per model: every part of a
 * model carries the same atlas, and converting it per part would cost parts × an encode. Keyed by
 * content (part Documents hold copies of the source's bytes), format and quality.
 */
export class TextureConversions {
  readonly #done = new Map<string, Promise<EncodedTexture | null>>();

  constructor(readonly images: ImageCache) {}

  /**
   * `bytes` in `format`, or null when nothing changes (same format already, or a format sharp cannot
   * decode, such as KTX2, which is passed through as it is).
   */
  convert(bytes: Uint8Array, format: TextureFormat, quality?: number): Promise<EncodedTexture | null> {
    const target = outputFormat(bytes, format);
    const source = outputFormat(bytes, 'keep');
    if (target === null || source === null || target === source) return Promise.resolve(null);
    const key = `${sha256Hex(bytes)} ${format} ${quality ?? ''}`;
    let done = this.#done.get(key);
    if (!done) {
      done = convertWhole(this.images, bytes, format, quality);
      done.catch(() => {});
      this.#done.set(key, done);
    }
    return done;
  }
}

async function convertWhole(
  images: ImageCache,
  bytes: Uint8Array,
  format: TextureFormat,
  quality: number | undefined,
): Promise<EncodedTexture | null> {
  const pixels = await images.get(bytes);
  return encodeTexture(pixels, bytes, format, quality === undefined ? {} : { quality });
}
