import { sha256Hex } from '../hash.js';
import { type DecodedImage, decodeImage } from './decode-image.js';

/**
 * Decoded images of one model, each decoded once however many parts use it (an AI model's single
 * texture atlas is shared by every part: decoding it per part would cost parts × decode time).
 * Keyed by the encoded bytes' identity: glTF-Transform hands out the same Uint8Array for one
 * Texture, and the direct encoder reads the same slice of the source's BIN chunk each time. Part
 * Documents made by copyToDocument hold copies of those bytes, so on an identity miss the content's
 * sha256 is the key (hashing a 4 MB image costs about 3 ms; decoding it about 100).
 * A failed decode is remembered too (the same bytes fail the same way).
 *
 * One cache per model: it holds full-size pixels (a 4K atlas is 64 MiB), so the caller drops it
 * when the model's pack is written.
 */
export class ImageCache {
  // Weak: a part Document's copy of an image must not outlive the part because it was decoded once.
  #byBytes = new WeakMap<Uint8Array, Promise<DecodedImage>>();
  readonly #byContent = new Map<string, Promise<DecodedImage>>();

  /** The decoded pixels of `bytes` (decoded on first request). */
  get(bytes: Uint8Array): Promise<DecodedImage> {
    let decoded = this.#byBytes.get(bytes);
    if (decoded) return decoded;
    const key = sha256Hex(bytes);
    decoded = this.#byContent.get(key);
    if (!decoded) {
      decoded = decodeImage(bytes);
      // The rejection is observed by whoever awaits; this keeps an unawaited failure from being
      // reported as unhandled when no one asks again.
      decoded.catch(() => {});
      this.#byContent.set(key, decoded);
    }
    this.#byBytes.set(bytes, decoded);
    return decoded;
  }

  /** How many distinct images were asked for. */
  get size(): number {
    return this.#byContent.size;
  }

  clear(): void {
    this.#byBytes = new WeakMap();
    this.#byContent.clear();
  }
}
