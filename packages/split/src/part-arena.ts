/**
 * A bump allocator over one buffer, used again for every part. Why: on the virtual machines this runs
 * on, memory costs ~3 ms per MB the first time it is touched (`node bench/machine.mjs`); memory used
 * before costs none of it. The byte-level split reads each part into one (fast/byte-source.ts), and
 * both ways of splitting build each part's file in one (parts/direct-part.ts: EncodedPart.borrowed).
 */
export class PartArena {
  #buffer: Uint8Array;
  #used = 0;

  constructor(initialBytes = 1 << 20) {
    this.#buffer = new Uint8Array(initialBytes);
  }

  /**
   * `length` bytes (8-byte aligned) valid until {@link reset}. A request past the buffer's end gets a
   * new, larger buffer; what was taken from the old one stays valid (it is still referenced).
   */
  take(length: number): Uint8Array {
    const start = (this.#used + 7) & ~7;
    if (start + length > this.#buffer.byteLength) {
      this.#buffer = new Uint8Array(Math.max(this.#buffer.byteLength * 2, length + 8));
      this.#used = length;
      return this.#buffer.subarray(0, length);
    }
    this.#used = start + length;
    return this.#buffer.subarray(start, start + length);
  }

  reset(): void {
    this.#used = 0;
  }

  /**
   * Lets the buffer go (what was taken from it stays valid while referenced); the next take gets a
   * new one. For an arena whose owner lives on but is done with it.
   */
  free(): void {
    this.#buffer = new Uint8Array(0);
    this.#used = 0;
  }
}
