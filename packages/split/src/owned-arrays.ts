import type { TypedArray } from '@gltf-transform/core';

/**
 * Accessor arrays whose memory one accessor alone holds: the byte-level reader gives each accessor
 * of its Document memory of its own (fast/fast-document.ts) and marks it here. A step that has read
 * such an accessor for the last time before the Document lets it go (the label split, whose source
 * primitive is disposed once its parts are made) can then give the memory back at once.
 *
 * Why: a disposed accessor's array is not garbage while glTF-Transform's graph still lists it
 * (property-graph 4.1 keeps a disposed node's entry in `Graph._parentEdges` and `_childEdges`), and a
 * source read long before is in V8's old generation, freed only by a full collection, which a split
 * that allocates little rarely triggers. Splitting labels-2m by `_PART_ID` kept its 51 MB of
 * source arrays to the end: peak RSS 171 MiB (BENCHMARKS.md, table 2).
 *
 * How: the memory is moved (structuredClone's transfer) to a new ArrayBuffer, which the label split
 * fills with the parts' gathered attributes (memory used before costs nothing to touch again: see
 * part-arena.ts) or drops for the next young-generation collection to free; the accessor's array is
 * then detached (length 0).
 * Only marked arrays are released: an array of glTF-Transform's reader may be a view of memory other
 * accessors share.
 */
const owned = new WeakSet<ArrayBufferLike>();

/** Marks `array`, which must be the only view of its whole ArrayBuffer, as its accessor's alone. */
export function markOwned<T extends TypedArray>(array: T): T {
  if (array.byteOffset === 0 && array.byteLength === array.buffer.byteLength) owned.add(array.buffer);
  return array;
}

/** Whether {@link releaseOwned} would release `array`. */
export function isOwned(array: TypedArray | null | undefined): boolean {
  return !!array && owned.has(array.buffer);
}

/**
 * Takes the memory of a marked array away from it (the array is detached: length 0) and returns it
 * as a new ArrayBuffer, which the caller may use again (its contents are the array's) or drop (the
 * next young-generation collection frees it); null, and nothing done, for any other array. The
 * caller must be the last reader of the array and of its accessor.
 */
export function releaseOwned(array: TypedArray | null | undefined): ArrayBuffer | null {
  if (!array || !owned.has(array.buffer)) return null;
  const buffer = array.buffer as ArrayBuffer;
  owned.delete(buffer);
  return structuredClone(buffer, { transfer: [buffer] });
}

type TypedArrayType = new (buffer: ArrayBuffer, byteOffset: number, length: number) => TypedArray;

/**
 * Released memory (releaseOwned's buffers) handed out again as new arrays: each request takes the
 * first buffer with room left, from where the last one taken ended (8-byte aligned). Its contents are
 * whatever was there: for writers that fill every element.
 *
 * A buffer is kept only when one of the requests the caller expects would fill at least half of it:
 * a kept buffer lives as long as the arrays taken from it, so a mostly unused one would hold more
 * memory than its reuse saves. Why keep rather than let go at all: a released buffer is freed by the
 * next young-generation collection, which a split allocating little may not run for a while, so new
 * memory asked for meanwhile comes on top of it (labels-2m: peak RSS 143–156 MiB letting go, against
 * ~130 reusing). There, the 24 MB index buffer holds the 12 MB of gathered positions, and the source
 * positions' 12 MB the gathered normals.
 */
export class RecycledMemory {
  readonly #buffers: { buffer: ArrayBuffer; used: number }[] = [];
  readonly #expected: readonly number[];

  /** `expectedBytes`: the sizes of the requests to come, as far as the caller knows them. */
  constructor(expectedBytes: readonly number[] = []) {
    this.#expected = expectedBytes;
  }

  /** Keeps `buffer` for later requests, or drops it (see the class). */
  add(buffer: ArrayBuffer | null): void {
    if (!buffer) return;
    const size = buffer.byteLength;
    if (this.#expected.some((bytes) => bytes <= size && bytes >= size / 2))
      this.#buffers.push({ buffer, used: 0 });
  }

  /** `length` elements of `Type` in released memory, or null when no buffer has room. */
  take<T extends TypedArray>(Type: TypedArrayType, length: number): T | null {
    const bytes = length * (Type as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    for (const slot of this.#buffers) {
      const start = (slot.used + 7) & ~7;
      if (start + bytes > slot.buffer.byteLength) continue;
      slot.used = start + bytes;
      return new Type(slot.buffer, start, length) as T;
    }
    return null;
  }
}
