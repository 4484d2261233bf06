import type { Primitive } from '@gltf-transform/core';
import { srgbToLab } from './color-space.js';
import { isTriangleList, normalizedDivisor } from './triangles.js';

/**
 * The colours met so far, clustered perceptually: a colour joins the first entry whose first colour
 * is within `tolerance` × 100 in CIELAB (ΔE76; L* runs 0–100), else starts a new entry. Clustering
 * (rather than rounding to a grid) keeps a colour and its re-encoding noise together even when they
 * straddle a grid line, and a perceptual distance treats dark and light colours alike. One palette is
 * shared by all primitives of a mesh (or a document), so labels agree across them.
 */
export interface ColorPalette {
  /** Entry of an 8-bit RGB colour (each call counts one vertex of that colour). */
  entryOf(r: number, g: number, b: number): number;
  /** Counts one more vertex of a colour whose entry is already known. */
  tally(entry: number, r: number, g: number, b: number): void;
  /** Number of entries. */
  readonly size: number;
  /** `color_ff8000`: the mean colour of the entry's vertices as 8-bit hex, for naming parts. */
  nameOf(entry: number): string;
  /** The mean colour of the entry's vertices, 0–255 per channel (not rounded). */
  rgbOf(entry: number): [number, number, number];
}

/**
 * Beyond this many entries, a new colour gets its own entry without searching: the mesh is not
 * colour-coded (it is painted or baked), and a linear search per colour would turn quadratic.
 */
const SEARCH_LIMIT = 1024;

export function createColorPalette(tolerance: number): ColorPalette {
  const limit = (tolerance * 100) ** 2;
  const labs: number[] = [];
  const sums: number[] = [];
  const exact = new Map<number, number>();
  const count = (entry: number, r: number, g: number, b: number) => {
    sums[4 * entry]! += r;
    sums[4 * entry + 1]! += g;
    sums[4 * entry + 2]! += b;
    sums[4 * entry + 3]! += 1;
    return entry;
  };
  const mean = (entry: number): [number, number, number] => {
    const n = sums[4 * entry + 3] || 1;
    return [sums[4 * entry]! / n, sums[4 * entry + 1]! / n, sums[4 * entry + 2]! / n];
  };
  return {
    entryOf(r, g, b) {
      const key = (r << 16) | (g << 8) | b;
      const known = exact.get(key);
      if (known !== undefined) return count(known, r, g, b);
      const [l, a, bb] = srgbToLab(r, g, b);
      let entry = -1;
      const searched = Math.min(labs.length / 3, SEARCH_LIMIT);
      for (let e = 0; e < searched; e++) {
        const d = (labs[3 * e]! - l) ** 2 + (labs[3 * e + 1]! - a) ** 2 + (labs[3 * e + 2]! - bb) ** 2;
        if (d <= limit) {
          entry = e;
          break;
        }
      }
      if (entry === -1) {
        entry = labs.length / 3;
        labs.push(l, a, bb);
        sums.push(0, 0, 0, 0);
      }
      exact.set(key, entry);
      return count(entry, r, g, b);
    },
    tally(entry, r, g, b) {
      count(entry, r, g, b);
    },
    get size() {
      return labs.length / 3;
    },
    nameOf(entry) {
      const hex = (c: number) => Math.round(c).toString(16).padStart(2, '0');
      const [r, g, b] = mean(entry);
      return `color_${hex(r)}${hex(g)}${hex(b)}`;
    },
    rgbOf: mean,
  };
}

/**
 * The palette entry of each vertex of a triangle list, from COLOR_0 (RGB; alpha is ignored:
 * segmentation palettes are opaque). Channels are decoded (normalized integers → 0–1) and rounded
 * to 8 bits. `null` when the primitive has no COLOR_0 or is not a triangle list.
 */
export function colorVertexEntries(primitive: Primitive, palette: ColorPalette): Uint32Array | null {
  const color = primitive.getAttribute('COLOR_0');
  if (!color || !isTriangleList(primitive)) return null;
  const array = color.getArray()!;
  const size = color.getElementSize();
  const scale = 255 / normalizedDivisor(array, color.getNormalized());
  const channel = (value: number) => Math.min(255, Math.max(0, Math.round(value * scale)));
  const entries = new Uint32Array(color.getCount());
  // Neighbouring vertices usually share a colour: repeat the last look-up without hashing.
  let lastR = -1;
  let lastG = -1;
  let lastB = -1;
  let last = 0;
  for (let v = 0; v < entries.length; v++) {
    const r = channel(array[v * size]!);
    const g = channel(array[v * size + 1]!);
    const b = channel(array[v * size + 2]!);
    if (r !== lastR || g !== lastG || b !== lastB) {
      last = palette.entryOf(r, g, b);
      lastR = r;
      lastG = g;
      lastB = b;
    } else palette.tally(last, r, g, b);
    entries[v] = last;
  }
  return entries;
}
