/**
 * Hand-made GLBs for tests that need a byte layout glTF-Transform's writer never makes (odd strides,
 * misaligned data, values a reader must refuse): the JSON and the BIN chunk as given.
 */

const pad4 = (n: number): number => (n + 3) & ~3;

/** A GLB of `json` (buffers[0].byteLength is set to the BIN's length) and `bin`. */
export function glbBytes(json: Record<string, unknown>, bin: Uint8Array): Uint8Array {
  const full = { ...json, buffers: [{ byteLength: bin.byteLength }] };
  const text = new TextEncoder().encode(JSON.stringify(full));
  const jsonLength = pad4(text.byteLength);
  const binLength = pad4(bin.byteLength);
  const out = new Uint8Array(12 + 8 + jsonLength + 8 + binLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x46546c67, true);
  view.setUint32(4, 2, true);
  view.setUint32(8, out.byteLength, true);
  view.setUint32(12, jsonLength, true);
  view.setUint32(16, 0x4e4f534a, true);
  out.set(text, 20);
  out.fill(0x20, 20 + text.byteLength, 20 + jsonLength);
  const at = 20 + jsonLength;
  view.setUint32(at, binLength, true);
  view.setUint32(at + 4, 0x004e4942, true);
  out.set(bin, at + 8);
  return out;
}

/** Appends typed arrays to one BIN, each at a 4-byte boundary; returns the BIN and each one's offset. */
export function binOf(arrays: ArrayBufferView[]): { bin: Uint8Array; offsets: number[] } {
  const offsets: number[] = [];
  let length = 0;
  for (const array of arrays) {
    offsets.push(length);
    length = pad4(length + array.byteLength);
  }
  const bin = new Uint8Array(length);
  for (const [i, array] of arrays.entries()) {
    bin.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offsets[i]!);
  }
  return { bin, offsets };
}

/**
 * One indexed mesh (POSITION, 16-bit indices, taken as given: hostile values included; null for a
 * mesh without indices, one accessor in all) drawn by `names.length` nodes named `names`, the i-th
 * moved 2i along x: one node is what `auto` leaves to the Document path, two are what the byte-level
 * split takes.
 */
export function indexedMeshGlb(
  positions: Float32Array,
  indices: Uint16Array | null,
  names: readonly string[],
): Uint8Array {
  const { bin, offsets } = binOf(indices ? [positions, indices] : [positions]);
  return glbBytes(
    {
      asset: { version: '2.0' },
      scenes: [{ nodes: names.map((_, i) => i) }],
      nodes: names.map((name, i) => ({ name, mesh: 0, ...(i > 0 ? { translation: [2 * i, 0, 0] } : {}) })),
      meshes: [{ primitives: [{ attributes: { POSITION: 0 }, ...(indices ? { indices: 1 } : {}) }] }],
      accessors: [
        { bufferView: 0, componentType: 5126, count: positions.length / 3, type: 'VEC3' },
        ...(indices ? [{ bufferView: 1, componentType: 5123, count: indices.length, type: 'SCALAR' }] : []),
      ],
      bufferViews: [
        { buffer: 0, byteOffset: offsets[0], byteLength: positions.byteLength },
        ...(indices ? [{ buffer: 0, byteOffset: offsets[1], byteLength: indices.byteLength }] : []),
      ],
    },
    bin,
  );
}
