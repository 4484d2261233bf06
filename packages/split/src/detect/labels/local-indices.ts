import type { RecycledMemory } from '../../owned-arrays.js';
import type { TriangleSlots } from './label-slots.js';
/** Each slot's triangles renumbered into its own compact vertex range, in one pass. */
export interface LocalIndices {
  /** Every slot's source vertices in order of first use, slots one after another. */
  used: Uint32Array;
  /** Where each slot's vertices start in `used` (`slotCount + 1` entries). */
  vertStart: Uint32Array;
  /** Per slot, its triangles' local indices in source order (null for an empty slot). */
  partIndices: (Uint16Array | Uint32Array | null)[];
}

/**
 * Buckets the triangles by slot and renumbers their vertices per slot, in ONE pass over the
 * index buffer: within a slot, triangles keep their source order and vertices are numbered by
 * first use (so a slot's numbering is what a slot-by-slot remap would give).
 *
 * One remap serves every slot at once: `owner[v]` is the first slot that used vertex `v` and
 * `local[v]` its number there (two arrays over the vertices, nothing per slot). A vertex used by a
 * second slot — a boundary vertex, duplicated into each side — is numbered there through that slot's
 * own Map; only those references pay a hash.
 * `used` is then filled from the remap in one pass over the vertices.
 *
 * Index arrays: a slot that cannot reach 65536 vertices (at most 65535 index references, or a
 * source of at most 65535 vertices) writes straight into one packed Uint16Array and gets a view
 * of its range (so 65535, the restart value, is never an index). The others write into one
 * packed Uint32Array and get a view of it, or a Uint16 copy when they turn out to have at most
 * 65535 vertices (their range of the Uint32Array then stays allocated with the others' views).
 *
 * `owner` is as narrow as the slot count allows (one byte per vertex below 255 slots), with the slot
 * count itself for "no slot yet".
 *
 * @param triStart first triangle of each slot in slot order, `slotCount + 1` entries (a count
 *   and a prefix sum of `triangleSlots`).
 * @param memory `indicesRead` is called once the pass has read `indices` for the last time, before
 *   `used` is allocated, which then comes from `recycled` when it has room (the label split gives
 *   the index buffer's memory back there, and takes `used` from it).
 * @throws RangeError for an index past `vertices`.
 */
export function localIndices(
  indices: ArrayLike<number>,
  triangleSlots: TriangleSlots,
  triStart: Uint32Array,
  vertices: number,
  memory: { indicesRead?: () => void; recycled?: RecycledMemory } = {},
): LocalIndices {
  const slotCount = triStart.length - 1;
  const references = (s: number) => 3 * (triStart[s + 1]! - triStart[s]!);
  const narrow = new Uint8Array(slotCount);
  // cursor[s]: where slot s writes its next triangle, in `shorts` (narrow) or `longs` (the others).
  const cursor = new Uint32Array(slotCount);
  let shortTotal = 0;
  let longTotal = 0;
  for (let s = 0; s < slotCount; s++) {
    if (vertices <= 65535 || references(s) <= 65535) {
      narrow[s] = 1;
      cursor[s] = shortTotal;
      shortTotal += references(s);
    } else {
      cursor[s] = longTotal;
      longTotal += references(s);
    }
  }
  const shorts = new Uint16Array(shortTotal);
  const longs = new Uint32Array(longTotal);
  const starts = cursor.slice();

  const none = slotCount;
  const owner = new (slotCount < 255 ? Uint8Array : slotCount < 65535 ? Uint16Array : Uint32Array)(
    vertices,
  ).fill(none);
  const local = new Uint32Array(vertices);
  const counts = new Uint32Array(slotCount);
  // Per slot, numbers of the vertices it shares with the slot that used them first (boundary vertices).
  const shared: (Map<number, number> | undefined)[] = new Array(slotCount);
  for (let t = 0; t < triangleSlots.length; t++) {
    const s = triangleSlots[t]!;
    const out = narrow[s] === 1 ? shorts : longs;
    const k = cursor[s]!;
    cursor[s] = k + 3;
    for (let j = 0; j < 3; j++) {
      const v = indices[3 * t + j]!;
      const o = owner[v];
      let l: number;
      if (o === s) l = local[v]!;
      else if (o === none) {
        owner[v] = s;
        l = counts[s]!++;
        local[v] = l;
      } else {
        if (o === undefined)
          throw new RangeError(`index ${v} at ${3 * t + j} is past the ${vertices} vertices`);
        let numbers = shared[s];
        if (!numbers) {
          numbers = new Map<number, number>();
          shared[s] = numbers;
        }
        const known = numbers.get(v);
        if (known === undefined) {
          l = counts[s]!++;
          numbers.set(v, l);
        } else l = known;
      }
      out[k + j] = l;
    }
  }

  memory.indicesRead?.();
  const vertStart = new Uint32Array(slotCount + 1);
  for (let s = 0; s < slotCount; s++) vertStart[s + 1] = vertStart[s]! + counts[s]!;
  // Every entry is written below (each slot's vertices are numbered 0 … count − 1).
  const total = vertStart[slotCount]!;
  const used = memory.recycled?.take<Uint32Array>(Uint32Array, total) ?? new Uint32Array(total);
  for (let v = 0; v < vertices; v++) {
    const o = owner[v]!;
    if (o !== none) used[vertStart[o]! + local[v]!] = v;
  }
  shared.forEach((numbers, s) => {
    if (numbers) for (const [v, l] of numbers) used[vertStart[s]! + l] = v;
  });

  const partIndices: (Uint16Array | Uint32Array | null)[] = [];
  for (let s = 0; s < slotCount; s++) {
    const begin = starts[s]!;
    const end = begin + references(s);
    if (begin === end) partIndices.push(null);
    else if (narrow[s] === 1) partIndices.push(shorts.subarray(begin, end));
    else if (counts[s]! <= 65535) partIndices.push(new Uint16Array(longs.subarray(begin, end)));
    else partIndices.push(longs.subarray(begin, end));
  }
  return { used, vertStart, partIndices };
}
