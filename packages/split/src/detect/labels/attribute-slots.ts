import type { Primitive } from '@gltf-transform/core';
import { findLabelAttribute } from './attribute-labels.js';
import { SMALL_LABELS, type TriangleSlots } from './label-slots.js';
import { majorityLabel, triangleListIndices } from './triangles.js';

/** Slots of a mesh's triangles from a label attribute, found in two passes over its triangles. */
export interface AttributeSlots {
  /** Per labelled primitive, the slot of each triangle. */
  slots: Map<Primitive, TriangleSlots>;
  /** Per slot, the label value (ascending). */
  values: number[];
  /** The label attributes used. */
  semantics: Set<string>;
}

/**
 * The `attribute` strategy's slots when every triangle label is an integer in [0, SMALL_LABELS)
 * — what `_PART_ID`, `_SEGMENT` and EXT_mesh_features feature IDs hold (UNSIGNED_BYTE,
 * UNSIGNED_SHORT, or FLOAT storing whole numbers) — else `null`, and the caller takes the
 * general path (`attributeLabelsOf`, then `distinctLabels` and `assignSlots`), which gives the
 * same result for these labels.
 *
 * The general path makes four passes over the triangles and a Float64Array of labels; this one
 * makes one or two and writes the slots over the labels: the first pass takes each triangle's
 * majority label (as `attributeTriangleLabels`) and marks it in a bitmap, the second turns
 * labels into slots through a lookup table, and is skipped when the labels are 0 … n-1 without
 * gaps (they are their slots already). On 2M triangles that is the difference between the
 * largest cost of labelling and a small one.
 */
export function attributeSlots(primitives: readonly Primitive[], requested?: string): AttributeSlots | null {
  const found = smallAttributeLabels(primitives, requested);
  if (!found) return null;
  const values: number[] = [];
  const table = new Uint32Array(SMALL_LABELS);
  for (let value = 0; value < SMALL_LABELS; value++) {
    if (found.present[value] === 0) continue;
    table[value] = values.length;
    values.push(value);
  }
  // Labels 0 … n-1 without gaps (the usual `_PART_ID`) are their own slots: no pass needed.
  if (values.length > 0 && values[values.length - 1] !== values.length - 1) {
    for (const labels of found.labels.values()) {
      for (let t = 0; t < labels.length; t++) labels[t] = table[labels[t]!]!;
    }
  }
  return { slots: found.labels, values, semantics: found.semantics };
}

/** What {@link smallAttributeLabels} finds. */
export interface SmallAttributeLabels {
  /** Per labelled primitive, each triangle's label (below SMALL_LABELS: 16 bits). */
  labels: Map<Primitive, Uint16Array>;
  /** `present[value]` is 1 for each label value that some triangle has. */
  present: Uint8Array;
  /** The label attributes used. */
  semantics: Set<string>;
}

/**
 * Each triangle's label from the primitives' label attributes (the first pass of
 * {@link attributeSlots}; `findLabelSource` needs no more than this to count labels), or
 * `null` when one is not an integer in [0, SMALL_LABELS).
 */
export function smallAttributeLabels(
  primitives: readonly Primitive[],
  requested?: string,
): SmallAttributeLabels | null {
  const present = new Uint8Array(SMALL_LABELS);
  const labels = new Map<Primitive, Uint16Array>();
  const semantics = new Set<string>();
  for (const primitive of primitives) {
    const semantic = findLabelAttribute(primitive, requested);
    if (semantic === null) continue;
    const triangleLabels = smallTriangleLabels(primitive, semantic, present);
    if (!triangleLabels) return null;
    semantics.add(semantic);
    labels.set(primitive, triangleLabels);
  }
  return { labels, present, semantics };
}

/**
 * Majority label of each triangle (first vertex's when all three differ), with `present` marked
 * for each; `null` as soon as one is not an integer in [0, SMALL_LABELS).
 */
function smallTriangleLabels(
  primitive: Primitive,
  semantic: string,
  present: Uint8Array,
): Uint16Array | null {
  const values = primitive.getAttribute(semantic)!.getArray()!;
  const indices = triangleListIndices(primitive);
  const labels = new Uint16Array(indices.length / 3);
  for (let t = 0; t < labels.length; t++) {
    const label = majorityLabel(values, indices, t);
    // `>>> 0` keeps exactly the integers in [0, 2^32): fractions, negatives and NaN fail.
    if (label >>> 0 !== label || label >= SMALL_LABELS) return null;
    labels[t] = label;
    present[label] = 1;
  }
  return labels;
}
