/**
 * From per-triangle label values to slots (0 … n-1, in ascending label order): the step between
 * "what each triangle is labelled" and the counting sort that splits a primitive.
 *
 * Labels are usually small non-negative integers (`_PART_ID`, feature IDs, component ranks,
 * palette indices), so both steps take a typed-array path for them: presence in a bitmap and a
 * lookup table, never a hash per triangle. That matters because label order in the index buffer
 * is arbitrary: with interleaved labels every triangle changes label, and a per-triangle
 * `Map.get` was the largest cost of labelling 2M triangles. Anything else (negative, fractional,
 * large, NaN) still works, through a Set and a Map.
 */

/** Integer labels in [0, SMALL_LABELS) take the typed-array path. */
export const SMALL_LABELS = 65536;

/**
 * Each triangle's slot. The `attribute` strategy's small labels (attribute-slots.ts) fit 16 bits:
 * half the memory of 32 (4 MB less on labels-2m's 2M triangles, at the split's peak).
 */
export type TriangleSlots = Uint16Array | Uint32Array;

/**
 * The distinct values over all `arrays`, ascending (NaN, if present, last). A bitmap records the
 * small integers; the rest go to a Set, which stays empty for ordinary labels.
 */
export function distinctLabels(arrays: Iterable<Float64Array>): number[] {
  const present = new Uint8Array(SMALL_LABELS);
  const others = new Set<number>();
  let last = Number.NaN;
  for (const labels of arrays) {
    for (let t = 0; t < labels.length; t++) {
      const value = labels[t]!;
      if (value === last) continue;
      last = value;
      // `value >>> 0 === value` holds exactly for integers in [0, 2^32), -0 included (as 0).
      if (value >>> 0 === value && value < SMALL_LABELS) present[value] = 1;
      else others.add(value);
    }
  }
  const values: number[] = [];
  for (let value = 0; value < SMALL_LABELS; value++) if (present[value] === 1) values.push(value);
  if (others.size === 0) return values;
  const rest = [...others].filter((value) => !Number.isNaN(value));
  const sorted = [...values, ...rest].sort((a, b) => a - b);
  if (rest.length < others.size) sorted.push(Number.NaN);
  return sorted;
}

/**
 * The slot of each triangle: the index of its label in `values` (ascending distinct values that
 * include every label, as {@link distinctLabels} returns them).
 */
export function assignSlots(labels: Float64Array, values: readonly number[]): Uint32Array {
  const slots = new Uint32Array(labels.length);
  const largest = values[values.length - 1];
  if (largest !== undefined && largest < SMALL_LABELS && values.every((value) => value >>> 0 === value)) {
    const table = new Uint32Array(largest + 1);
    values.forEach((value, slot) => {
      table[value] = slot;
    });
    for (let t = 0; t < labels.length; t++) slots[t] = table[labels[t]!]!;
    return slots;
  }
  // Map keys compare with SameValueZero: NaN finds NaN, -0 finds 0.
  const slotOf = new Map(values.map((value, slot) => [value, slot]));
  let lastValue = Number.NaN;
  let lastSlot = 0;
  for (let t = 0; t < labels.length; t++) {
    const value = labels[t]!;
    // Labels often come in runs: a repeated value needs no lookup (NaN never equals itself, so
    // it is always looked up).
    if (value !== lastValue) {
      lastValue = value;
      lastSlot = slotOf.get(value)!;
    }
    slots[t] = lastSlot;
  }
  return slots;
}
