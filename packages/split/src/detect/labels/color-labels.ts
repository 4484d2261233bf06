import type { Primitive } from '@gltf-transform/core';
import { isTriangleList, normalizedDivisor, triangleListIndices } from './triangles.js';

/** Per-triangle colour labels of one primitive, with how many triangles were flat. */
export interface ColorLabels {
  /** Palette entry (see {@link ColorPalette}) of each triangle: its first vertex's colour. */
  labels: Float64Array;
  /** Triangles whose three vertices fall in one palette entry. */
  flatTriangles: number;
}

/**
 * The colours met so far, clustered: a colour joins the first entry whose centre is within
 * `tolerance` on every channel (0–1 scale), else starts a new entry. Clustering (rather than
 * rounding to a fixed grid) keeps a colour and its re-encoding noise together even when they
 * straddle a grid line (130/255 ± 1 would split on a 5/255 grid). One palette is shared by all
 * primitives of a mesh (or a document), so labels agree across them.
 */
export interface ColorPalette {
  /** Entry of an 8-bit RGB colour (each call counts one vertex of that colour). */
  entryOf(r: number, g: number, b: number): number;
  /** Number of entries. */
  readonly size: number;
  /** `color_ff8000`: the mean colour of the entry's vertices as 8-bit hex, for naming parts. */
  nameOf(entry: number): string;
}

/**
 * Beyond this many entries, a new colour gets its own entry without searching: the mesh is not
 * colour-coded (it is painted or baked), and a linear search per colour would turn quadratic.
 */
const SEARCH_LIMIT = 1024;

export function createColorPalette(tolerance: number): ColorPalette {
  const limit = Math.max(0, Math.round(tolerance * 255));
  const centres: number[] = [];
  const sums: number[] = [];
  const exact = new Map<number, number>();
  const count = (entry: number, r: number, g: number, b: number) => {
    sums[4 * entry]! += r;
    sums[4 * entry + 1]! += g;
    sums[4 * entry + 2]! += b;
    sums[4 * entry + 3]! += 1;
    return entry;
  };
  return {
    entryOf(r, g, b) {
      const key = (r << 16) | (g << 8) | b;
      const known = exact.get(key);
      if (known !== undefined) return count(known, r, g, b);
      let entry = -1;
      const searched = Math.min(centres.length / 3, SEARCH_LIMIT);
      for (let e = 0; e < searched; e++) {
        if (
          Math.abs(centres[3 * e]! - r) <= limit &&
          Math.abs(centres[3 * e + 1]! - g) <= limit &&
          Math.abs(centres[3 * e + 2]! - b) <= limit
        ) {
          entry = e;
          break;
        }
      }
      if (entry === -1) {
        entry = centres.length / 3;
        centres.push(r, g, b);
        sums.push(0, 0, 0, 0);
      }
      exact.set(key, entry);
      return count(entry, r, g, b);
    },
    get size() {
      return centres.length / 3;
    },
    nameOf(entry) {
      const n = sums[4 * entry + 3] || 1;
      const hex = (c: number) =>
        Math.round(sums[4 * entry + c]! / n)
          .toString(16)
          .padStart(2, '0');
      return `color_${hex(0)}${hex(1)}${hex(2)}`;
    },
  };
}

/**
 * Per-triangle colour of a triangle list from COLOR_0 (RGB; alpha is ignored: segmentation
 * palettes are opaque). Channels are decoded (normalized integers → 0–1), rounded to 8 bits and
 * looked up in `palette`; a triangle's label is its first vertex's entry. `null` when the
 * primitive has no COLOR_0 or is not a triangle list.
 */
export function colorTriangleLabels(primitive: Primitive, palette: ColorPalette): ColorLabels | null {
  const color = primitive.getAttribute('COLOR_0');
  if (!color || !isTriangleList(primitive)) return null;
  const array = color.getArray()!;
  const size = color.getElementSize();
  const scale = 255 / normalizedDivisor(array, color.getNormalized());
  const channel = (value: number) => Math.min(255, Math.max(0, Math.round(value * scale)));
  const entries = new Uint32Array(color.getCount());
  for (let v = 0; v < entries.length; v++) {
    entries[v] = palette.entryOf(
      channel(array[v * size]!),
      channel(array[v * size + 1]!),
      channel(array[v * size + 2]!),
    );
  }
  const indices = triangleListIndices(primitive);
  const labels = new Float64Array(indices.length / 3);
  let flatTriangles = 0;
  for (let t = 0; t < labels.length; t++) {
    const a = entries[indices[3 * t]!]!;
    labels[t] = a;
    if (a === entries[indices[3 * t + 1]!] && a === entries[indices[3 * t + 2]!]) flatTriangles++;
  }
  return { labels, flatTriangles };
}
