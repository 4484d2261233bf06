import type { Primitive } from '@gltf-transform/core';
import { SMALL_LABELS } from './label-slots.js';
import { isTriangleList, majorityLabel, triangleListIndices } from './triangles.js';

/** Label attributes recognised without `--attribute`, in order of preference. */
export const LABEL_ATTRIBUTES: readonly string[] = ['_PART_ID', '_SEGMENT'];

/**
 * EXT_mesh_features stores feature IDs in `_FEATURE_ID_n` vertex attributes. glTF-Transform
 * does not implement that extension, so its JSON (feature counts, labels, property tables) is
 * not available on a Document; the attributes themselves survive reading, and they are what
 * per-vertex feature IDs are. Feature IDs stored in textures or implicit (no attribute) are
 * not supported: they do not partition triangles by vertex.
 */
const FEATURE_ID = /^_FEATURE_ID_(\d+)$/u;

/**
 * The label attribute of a primitive: `requested` when given (and present), else `_PART_ID`,
 * `_SEGMENT`, then the lowest-numbered `_FEATURE_ID_n`. Only SCALAR attributes qualify.
 */
export function findLabelAttribute(primitive: Primitive, requested?: string): string | null {
  if (!isTriangleList(primitive)) return null;
  const isScalar = (semantic: string) => primitive.getAttribute(semantic)?.getType() === 'SCALAR';
  if (requested !== undefined) return isScalar(requested) ? requested : null;
  for (const semantic of LABEL_ATTRIBUTES) if (isScalar(semantic)) return semantic;
  const features = primitive
    .listSemantics()
    .map((semantic) => FEATURE_ID.exec(semantic))
    .filter((match): match is RegExpExecArray => match !== null && isScalar(match[0]))
    .sort((a, b) => Number(a[1]) - Number(b[1]));
  return features[0]?.[0] ?? null;
}

/**
 * One label per triangle from a per-vertex label attribute: the majority of the triangle's
 * three vertex labels, or its first vertex's when all three differ. Majority rather than
 * first-vertex, because segmenters that label vertices (not faces) leave seam triangles whose
 * vertices disagree; the majority puts such a triangle with the part it mostly belongs to,
 * independently of the vertex order. Values are the stored numbers (normalized integers are
 * not rescaled: a label is an id, not a quantity).
 */
export function attributeTriangleLabels(primitive: Primitive, semantic: string): Float64Array {
  const values = primitive.getAttribute(semantic)!.getArray()!;
  const indices = triangleListIndices(primitive);
  const labels = new Float64Array(indices.length / 3);
  for (let t = 0; t < labels.length; t++) {
    labels[t] = majorityLabel(values, indices, t);
  }
  return labels;
}

/** Triangle labels of every primitive that has a label attribute, and the attributes used. */
export function attributeLabelsOf(
  primitives: readonly Primitive[],
  requested?: string,
): { labels: Map<Primitive, Float64Array>; semantics: Set<string> } {
  const labels = new Map<Primitive, Float64Array>();
  const semantics = new Set<string>();
  for (const primitive of primitives) {
    const semantic = findLabelAttribute(primitive, requested);
    if (semantic === null) continue;
    semantics.add(semantic);
    labels.set(primitive, attributeTriangleLabels(primitive, semantic));
  }
  return { labels, semantics };
}

/**
 * Add the distinct values of `labels` to `into`. Labels come in runs and are usually small
 * integers: repeats are skipped, and small integers are checked in a bitmap, so millions of
 * triangles cost a linear scan rather than millions of hash look-ups.
 */
export function addDistinct(into: Set<number>, labels: Float64Array): void {
  const seen = new Uint8Array(SMALL_LABELS);
  let last = Number.NaN;
  for (let t = 0; t < labels.length; t++) {
    const value = labels[t]!;
    if (value === last) continue;
    last = value;
    if (value >= 0 && value < SMALL_LABELS && Math.floor(value) === value) {
      if (seen[value] === 1) continue;
      seen[value] = 1;
    }
    into.add(value);
  }
}
