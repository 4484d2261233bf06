import { sha256Hex } from '../../hash.js';
import type { ImageCache } from '../../images/index.js';
import { type EncodedTexture, encodeTexture, outputFormat, type TextureFormat } from './encode-texture.js';

/**
 * The encodes of one model, each made once: whole images converted to another format
 * (`--texture-format`: every part of a model carries the same atlas, and converting it per part would
 * cost parts × an encode), and crops ({@link TextureConversions.cropOnce}). Keyed by content (part
 * Documents hold copies of the source's bytes) and settings.
 */
export class TextureConversions {
  readonly #done = new Map<string, Promise<EncodedTexture | null>>();
  readonly #crops = new Map<string, Promise<unknown>>();
  readonly #hashes = new WeakMap<Uint8Array, string>();

  constructor(readonly images: ImageCache) {}

  /**
   * One encode per distinct crop of an image in a model: parts whose UVs reach the same cells (a pair
   * of wheels, mirrored copies) get the same layout, hence the same pixels and bytes. `source`: the
   * image's bytes (by content: part Documents hold copies; its hash is kept per copy); `key`: what
   * makes the crop (layout, wrap, settings). Held for the model's pack, like the decoded images.
   */
  cropOnce<T>(source: Uint8Array, key: string, make: () => Promise<T>): Promise<T> {
    let hash = this.#hashes.get(source);
    if (hash === undefined) {
      hash = sha256Hex(source);
      this.#hashes.set(source, hash);
    }
    const full = `${hash} ${key}`;
    let done = this.#crops.get(full) as Promise<T> | undefined;
    if (!done) {
      done = make();
      done.catch(() => {});
      this.#crops.set(full, done);
    }
    return done;
  }

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
