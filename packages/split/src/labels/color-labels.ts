import type { Primitive } from '@gltf-transform/core';
import { isTriangleList, normalizedDivisor, triangleIndices } from './triangles.js';

/** Per-triangle colour labels of one primitive, with how many triangles were flat. */
export interface ColorLabels {
  /** Quantised colour key of each triangle (see {@link colorKeyName}). */
  labels: Float64Array;
  /** Triangles whose three vertices have the same quantised colour. */
  flatTriangles: number;
}

/** Levels per channel for a tolerance: channel values are rounded to multiples of `tolerance`. */
function levels(tolerance: number): number {
  return Math.ceil(1 / tolerance) + 1;
}

/**
 * Per-triangle colour of a triangle list from COLOR_0 (RGB; alpha is ignored: segmentation
 * palettes are opaque). Each channel is decoded (normalized integers → 0–1) and quantised to
 * multiples of `tolerance`; a triangle's label is its first vertex's quantised colour. `null`
 * when the primitive has no COLOR_0 or is not a triangle list.
 */
export function colorTriangleLabels(primitive: Primitive, tolerance: number): ColorLabels | null {
  const color = primitive.getAttribute('COLOR_0');
  if (!color || !isTriangleList(primitive)) return null;
  const array = color.getArray()!;
  const size = color.getElementSize();
  const scale = 1 / normalizedDivisor(array, color.getNormalized()) / tolerance;
  const n = levels(tolerance);
  const keys = new Float64Array(color.getCount());
  for (let v = 0; v < keys.length; v++) {
    const r = Math.min(n - 1, Math.max(0, Math.round(array[v * size]! * scale)));
    const g = Math.min(n - 1, Math.max(0, Math.round(array[v * size + 1]! * scale)));
    const b = Math.min(n - 1, Math.max(0, Math.round(array[v * size + 2]! * scale)));
    keys[v] = (r * n + g) * n + b;
  }
  const indices = triangleIndices(primitive);
  const labels = new Float64Array(indices.length / 3);
  let flatTriangles = 0;
  for (let t = 0; t < labels.length; t++) {
    const a = keys[indices[3 * t]!]!;
    labels[t] = a;
    if (a === keys[indices[3 * t + 1]!] && a === keys[indices[3 * t + 2]!]) flatTriangles++;
  }
  return { labels, flatTriangles };
}

/** `color_ff8000`: the quantised colour of a key as 8-bit sRGB-encoded hex, for naming parts. */
export function colorKeyName(key: number, tolerance: number): string {
  const n = levels(tolerance);
  const channel = (q: number) =>
    Math.round(Math.min(1, q * tolerance) * 255)
      .toString(16)
      .padStart(2, '0');
  const b = key % n;
  const g = Math.floor(key / n) % n;
  const r = Math.floor(key / (n * n));
  return `color_${channel(r)}${channel(g)}${channel(b)}`;
}
