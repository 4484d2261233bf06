import type { Primitive } from '@gltf-transform/core';
import type { TriangleSlots } from '../labels/label-slots.js';
import { normalizedDivisor, triangleListIndices } from '../labels/triangles.js';
import { weldPositions } from '../labels/weld.js';
import { SurfaceSamples } from './surface-samples.js';

/** Positions of a primitive as decoded numbers: the array and the factor that decodes it. */
function positionsOf(primitive: Primitive): { array: ArrayLike<number>; scale: number } {
  const accessor = primitive.getAttribute('POSITION')!;
  const array = accessor.getArray()!;
  return { array, scale: 1 / normalizedDivisor(array, accessor.getNormalized()) };
}

/**
 * Twice the area of triangle `t` (vertex indices from `indices`, xyz from `p`): `Math.sqrt` of the
 * squared cross product rather than `Math.hypot`, which guards against overflow these values never
 * reach and was 4x slower (half of labelling a 2M-triangle mesh: BENCHMARKS.md, issue 17).
 */
function doubleArea(p: ArrayLike<number>, indices: ArrayLike<number>, t: number): number {
  const a = 3 * indices[3 * t]!;
  const b = 3 * indices[3 * t + 1]!;
  const c = 3 * indices[3 * t + 2]!;
  const ux = p[b]! - p[a]!;
  const uy = p[b + 1]! - p[a + 1]!;
  const uz = p[b + 2]! - p[a + 2]!;
  const vx = p[c]! - p[a]!;
  const vy = p[c + 1]! - p[a + 1]!;
  const vz = p[c + 2]! - p[a + 2]!;
  const x = uy * vz - uz * vy;
  const y = uz * vx - ux * vz;
  const z = ux * vy - uy * vx;
  return Math.sqrt(x * x + y * y + z * z);
}

/** Area of each triangle of a triangle list, in the mesh's own space. */
export function triangleAreas(primitive: Primitive): Float64Array {
  const { array: p, scale } = positionsOf(primitive);
  const indices = triangleListIndices(primitive);
  const areas = new Float64Array(indices.length / 3);
  const factor = 0.5 * scale * scale;
  for (let t = 0; t < areas.length; t++) areas[t] = factor * doubleArea(p, indices, t);
  return areas;
}

/** Surface area per slot over the labelled primitives (summed as it goes: no array of areas). */
export function slotAreas(slots: ReadonlyMap<Primitive, TriangleSlots>, slotCount: number): number[] {
  const areas = new Float64Array(slotCount);
  for (const [primitive, labels] of slots) {
    const { array: p, scale } = positionsOf(primitive);
    const indices = triangleListIndices(primitive);
    const factor = 0.5 * scale * scale;
    for (let t = 0; t < labels.length; t++) areas[labels[t]!]! += factor * doubleArea(p, indices, t);
  }
  return [...areas];
}

/**
 * Length of boundary shared by each pair of slots, after welding positions (a UV seam's duplicated
 * vertices are one vertex): for each edge whose two triangles carry different slots, its length goes
 * to both. Only edges between vertices used by two slots are hashed, so a mesh of millions of
 * triangles with a few boundaries costs two linear passes and a small map.
 */
export function slotBoundaries(
  slots: ReadonlyMap<Primitive, TriangleSlots>,
  slotCount: number,
  weldTolerance: number,
): Map<number, number>[] {
  const primitives = [...slots.keys()];
  const weld = weldPositions(primitives, weldTolerance);
  // First slot that uses each welded vertex, and whether a second one does (a boundary vertex).
  const first = new Int32Array(weld.count).fill(-1);
  const shared = new Uint8Array(weld.count);
  primitives.forEach((primitive, p) => {
    const indices = triangleListIndices(primitive);
    const ids = weld.ids[p]!;
    const labels = slots.get(primitive)!;
    for (let i = 0; i < indices.length; i++) {
      const w = ids[indices[i]!]!;
      const slot = labels[(i / 3) | 0]!;
      if (first[w] === -1) first[w] = slot;
      else if (first[w] !== slot) shared[w] = 1;
    }
  });
  const boundaries = Array.from({ length: slotCount }, () => new Map<number, number>());
  const edges = new Map<number, number>();
  const position = weld.positions;
  primitives.forEach((primitive, p) => {
    const indices = triangleListIndices(primitive);
    const ids = weld.ids[p]!;
    const labels = slots.get(primitive)!;
    for (let t = 0; t < labels.length; t++) {
      const slot = labels[t]!;
      for (let j = 0; j < 3; j++) {
        const a = ids[indices[3 * t + j]!]!;
        const b = ids[indices[3 * t + ((j + 1) % 3)]!]!;
        if (a === b || shared[a] === 0 || shared[b] === 0) continue;
        const key = a < b ? a * weld.count + b : b * weld.count + a;
        const other = edges.get(key);
        if (other === undefined) {
          edges.set(key, slot);
          continue;
        }
        if (other === slot) continue;
        const length = Math.hypot(
          position[3 * a]! - position[3 * b]!,
          position[3 * a + 1]! - position[3 * b + 1]!,
          position[3 * a + 2]! - position[3 * b + 2]!,
        );
        boundaries[slot]!.set(other, (boundaries[slot]!.get(other) ?? 0) + length);
        boundaries[other]!.set(slot, (boundaries[other]!.get(slot) ?? 0) + length);
      }
    }
  });
  return boundaries;
}

/** Surface samples of each slot, for parts that touch no other (see {@link SurfaceSamples}). */
export function slotSamples(slots: ReadonlyMap<Primitive, TriangleSlots>, slotCount: number): SurfaceSamples {
  const samples = new SurfaceSamples(slotCount);
  const sources = [...slots].map(([primitive, labels]) => ({
    ...positionsOf(primitive),
    indices: triangleListIndices(primitive),
    labels,
  }));
  for (const { array, scale } of sources) {
    for (let i = 0; i + 2 < array.length; i += 3)
      samples.extend(array[i]! * scale, array[i + 1]! * scale, array[i + 2]! * scale);
  }
  samples.setSpacing();
  const a = [0, 0, 0];
  const b = [0, 0, 0];
  const c = [0, 0, 0];
  const read = (into: number[], array: ArrayLike<number>, scale: number, v: number) => {
    into[0] = array[3 * v]! * scale;
    into[1] = array[3 * v + 1]! * scale;
    into[2] = array[3 * v + 2]! * scale;
  };
  for (const { array, scale, indices, labels } of sources) {
    for (let t = 0; t < labels.length; t++) {
      read(a, array, scale, indices[3 * t]!);
      read(b, array, scale, indices[3 * t + 1]!);
      read(c, array, scale, indices[3 * t + 2]!);
      samples.addTriangle(labels[t]!, a, b, c);
    }
  }
  return samples;
}
