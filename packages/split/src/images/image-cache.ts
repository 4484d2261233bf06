import { type DecodedImage, decodeImage } from './decode-image.js';

/**
 * Decoded images of one model, each decoded once however many parts use it (an AI model's single
 * texture atlas is shared by every part: decoding it per part would cost parts × decode time).
 * Keyed by the encoded bytes' identity: glTF-Transform hands out the same Uint8Array for one
 * Texture, and the direct encoder reads the same slice of the source's BIN chunk each time.
 * A failed decode is remembered too (the same bytes fail the same way).
 *
 * One cache per model: it holds full-size pixels (a 4K atlas is 64 MiB), so the caller drops it
 * when the model's pack is written.
 */
export class ImageCache {
  readonly #decoded = new Map<Uint8Array, Promise<DecodedImage>>();

  /** The decoded pixels of `bytes` (decoded on first request). */
  get(bytes: Uint8Array): Promise<DecodedImage> {
    let decoded = this.#decoded.get(bytes);
    if (!decoded) {
      decoded = decodeImage(bytes);
      // The rejection is observed by whoever awaits; this keeps an unawaited failure from being
      // reported as unhandled when no one asks again.
      decoded.catch(() => {});
      this.#decoded.set(bytes, decoded);
    }
    return decoded;
  }

  /** How many distinct images were asked for. */
  get size(): number {
    return this.#decoded.size;
  }

  clear(): void {
    this.#decoded.clear();
  }
}
