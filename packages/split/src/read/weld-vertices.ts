/**
 * Vertices of a triangle soup merged where every attribute value is bitwise the same (what
 * glTF-Transform's `weld` does since 4.0), for mesh-import.ts: OBJ and STL loaders give three
 * vertices per triangle. Written here rather than calling `weld` because that lives in
 * @gltf-transform/functions, whose import is most of a cold start, and `@meshparts/split/inspect`
 * (and `meshparts split`) must never load it (test/inspect-entry.test.ts); this is one pass with an
 * open-addressing table over the vertices' 32-bit words.
 */
export interface Welded {
  /** Per attribute, the merged vertices' values (same item sizes as the input). */
  attributes: Float32Array[];
  /** Three per triangle, into the merged vertices. */
  indices: Uint32Array;
}

/**
 * Welds `count` vertices whose attributes are `attributes[i]` (`sizes[i]` floats per vertex). The
 * merged vertices keep the order of their first use.
 */
export function weldVertices(
  attributes: readonly Float32Array[],
  sizes: readonly number[],
  count: number,
): Welded {
  const words = attributes.map((array) => new Uint32Array(array.buffer, array.byteOffset, array.length));
  let capacity = 1;
  while (capacity < count * 2) capacity <<= 1;
  const table = new Int32Array(capacity).fill(-1);
  const firstOf = new Uint32Array(count); // merged vertex → its first source vertex
  const indices = new Uint32Array(count);
  let merged = 0;
  const same = (a: number, b: number) => {
    for (let k = 0; k < words.length; k++) {
      const size = sizes[k]!;
      const w = words[k]!;
      for (let j = 0; j < size; j++) if (w[a * size + j] !== w[b * size + j]) return false;
    }
    return true;
  };
  for (let v = 0; v < count; v++) {
    let hash = 0x811c9dc5;
    for (let k = 0; k < words.length; k++) {
      const size = sizes[k]!;
      const w = words[k]!;
      for (let j = 0; j < size; j++) hash = Math.imul(hash ^ w[v * size + j]!, 0x01000193);
    }
    let slot = (hash >>> 0) & (capacity - 1);
    for (;;) {
      const held = table[slot]!;
      if (held === -1) {
        table[slot] = merged;
        firstOf[merged] = v;
        indices[v] = merged++;
        break;
      }
      if (same(firstOf[held]!, v)) {
        indices[v] = held;
        break;
      }
      slot = (slot + 1) & (capacity - 1);
    }
  }
  const out = attributes.map((array, k) => {
    const size = sizes[k]!;
    const result = new Float32Array(merged * size);
    for (let m = 0; m < merged; m++)
      result.set(array.subarray(firstOf[m]! * size, firstOf[m]! * size + size), m * size);
    return result;
  });
  return { attributes: out, indices };
}
