/**
 * Copying accessor values out of a model's bytes: interleaved elements spaced out or packed, signalling
 * NaNs quieted as glTF-Transform's reader quiets them, an accessor read in pieces into memory of its
 * own. The byte-level split, the byte-level reader and the reader's worker thread (fast/
 * accessor-worker.ts, which runs these very functions: their source text) share them.
 *
 * Every function here refers to nothing outside this list but its parameters and built-ins, so that
 * its `toString()` runs as it is on a worker thread.
 */

/**
 * Copies `count` elements of `elementBytes` each from `from` (`fromStride` apart) into `to` at
 * `toOffset` (`toStride` apart): in 4-byte words when all of it is word-aligned (vertex attributes
 * are: glTF aligns them to 4 bytes), byte by byte otherwise.
 */
export function copyStrided(
  from: Uint8Array,
  fromStride: number,
  to: Uint8Array,
  toOffset: number,
  toStride: number,
  elementBytes: number,
  count: number,
): void {
  const source = from.byteOffset;
  const target = to.byteOffset + toOffset;
  if ((source | target | fromStride | toStride | elementBytes) % 4 === 0) {
    const words = elementBytes / 4;
    const a = new Uint32Array(from.buffer, source, Math.floor(from.byteLength / 4));
    const b = new Uint32Array(to.buffer, target, Math.floor((to.byteLength - toOffset) / 4));
    const aStep = fromStride / 4;
    const bStep = toStride / 4;
    for (let i = 0; i < count; i++) {
      const s = i * aStep;
      const d = i * bStep;
      for (let w = 0; w < words; w++) b[d + w] = a[s + w]!;
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < elementBytes; k++) to[toOffset + i * toStride + k] = from[i * fromStride + k]!;
  }
}

/**
 * Sets the quiet bit of every signalling NaN among `count` elements of float32 words (`elementBytes`
 * each, `stride` apart from `offset` in `bytes`, all 4-byte aligned). Why: glTF-Transform's reader
 * de-interleaves through `DataView.getFloat32`, which quiets a signalling NaN (bit 22 set, payload
 * kept), and the byte-level split and reader, which copy bytes, must give the same bytes.
 */
export function quietSignallingNaNs(
  bytes: Uint8Array,
  offset: number,
  stride: number,
  elementBytes: number,
  count: number,
): void {
  const words = new Uint32Array(
    bytes.buffer,
    bytes.byteOffset + offset,
    (stride * (count - 1) + elementBytes) / 4,
  );
  const step = stride / 4;
  const size = elementBytes / 4;
  for (let i = 0; i < count; i++) {
    for (let w = i * step; w < i * step + size; w++) {
      const word = words[w]!;
      // Exponent all ones, a payload, the quiet bit clear: a signalling NaN.
      if ((word & 0x7f800000) === 0x7f800000 && (word & 0x003fffff) !== 0 && (word & 0x00400000) === 0)
        words[w] = word | 0x00400000;
    }
  }
}

/** Where one accessor's values lie in the model, and how to copy them into memory of their own. */
export interface AccessorCopy {
  /** Offset of the first element in the model. */
  offset: number;
  count: number;
  elementBytes: number;
  /** Bytes from one element to the next when interleaved; undefined when packed. */
  stride: number | undefined;
  /** Float32 components de-interleaved: signalling NaNs quieted (quietSignallingNaNs). */
  quiet: boolean;
}

/**
 * Fills `out` (`count × elementBytes` bytes) with an accessor's values, reading the model through
 * `read(offset, length)` (bytes valid until the next call) at most `chunkBytes` at a time (a whole
 * element at least): packed values are copied as they are, interleaved ones de-interleaved.
 */
export function copyAccessorBytes(
  copy: AccessorCopy,
  read: (offset: number, length: number) => Uint8Array,
  out: Uint8Array,
  chunkBytes: number,
): void {
  const { offset, count, elementBytes, stride, quiet } = copy;
  const step = stride ?? elementBytes;
  const rows = Math.max(1, Math.floor(chunkBytes / step));
  for (let first = 0; first < count; first += rows) {
    const n = Math.min(rows, count - first);
    const bytes = read(offset + first * step, step * (n - 1) + elementBytes);
    if (stride === undefined) out.set(bytes, first * elementBytes);
    else {
      copyStrided(bytes, stride, out, first * elementBytes, elementBytes, elementBytes, n);
      if (quiet) quietSignallingNaNs(out, first * elementBytes, elementBytes, elementBytes, n);
    }
  }
}
