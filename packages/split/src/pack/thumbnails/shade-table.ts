import { SHIFT_A, SHIFT_B, SHIFT_G, SHIFT_R } from './render-target.js';
import { LINEAR_STEPS, LINEAR_TO_SRGB } from './srgb.js';

/** Steps per unit of light in a {@link ShadeTables} table (twice LINEAR_STEPS' resolution). */
export const SHADE_STEPS = 8192;

/** Largest light THUMBNAIL_LIGHTS give (sky 0.35 + key 0.7 + fill 0.25 = 1.3), with room to spare. */
const MAX_LIGHT = 1.5;

/**
 * Half a step, and a hair more: an interpolated value is a sum of barycentric weights that add up to 1
 * only within float rounding, so 0.5 between three vertices of 0.5 can arrive as 0.49999999999999994
 * and must still round as 0.5 does (2047.5 → 2048).
 */
const ROUND = 0.5 + 1e-7;

/**
 * A linear RGBA colour (straight alpha, each in [0, 1]) as a sample word: 8-bit sRGB, R G B A in
 * memory order (see RenderTarget). NaN and negative values give 0, values above 1 saturate.
 */
export function packColor(r: number, g: number, b: number, a: number): number {
  // `(x + ROUND) | 0` rounds x >= 0 faster than Math.round; `> 0` sends NaN and negatives to 0.
  const ri = r > 0 ? Math.min((r * LINEAR_STEPS + ROUND) | 0, LINEAR_STEPS) : 0;
  const gi = g > 0 ? Math.min((g * LINEAR_STEPS + ROUND) | 0, LINEAR_STEPS) : 0;
  const bi = b > 0 ? Math.min((b * LINEAR_STEPS + ROUND) | 0, LINEAR_STEPS) : 0;
  const ai = a > 0 ? Math.min((a * 255 + 0.5) | 0, 255) : 0;
  return (
    ((LINEAR_TO_SRGB[ri]! << SHIFT_R) |
      (LINEAR_TO_SRGB[gi]! << SHIFT_G) |
      (LINEAR_TO_SRGB[bi]! << SHIFT_B) |
      (ai << SHIFT_A)) >>>
    0
  );
}

/**
 * Per opaque colour, the sample word of each light level: entry i is the colour × i / SHADE_STEPS,
 * packed. An opaque mesh coloured by its base colour factor alone (no vertex colours, no texture:
 * most parts) is then shaded by one table read per pixel instead of three sRGB encodings. The light
 * is rounded to 1/8192 first, so a pixel can differ from the exact encoding by one sRGB code where
 * the colour sits right on a rounding boundary. Tables are built once per colour and model (12,289
 * entries, about 0.1 ms each) and kept in the model's ThumbnailCache.
 */
export class ShadeTables {
  readonly #tables = new Map<string, Uint32Array>();

  /** The table of opaque linear colour (r, g, b). */
  of(r: number, g: number, b: number): Uint32Array {
    const key = `${r},${g},${b}`;
    let table = this.#tables.get(key);
    if (!table) {
      table = new Uint32Array(Math.ceil(MAX_LIGHT * SHADE_STEPS) + 1);
      for (let i = 0; i < table.length; i++) {
        const light = i / SHADE_STEPS;
        table[i] = packColor(r * light, g * light, b * light, 1);
      }
      this.#tables.set(key, table);
    }
    return table;
  }

  clear(): void {
    this.#tables.clear();
  }
}
