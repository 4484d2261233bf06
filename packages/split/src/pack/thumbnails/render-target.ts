import type { DecodedImage } from '../../images/index.js';
import { LINEAR_STEPS, LINEAR_TO_SRGB, SRGB_TO_LINEAR } from './srgb.js';

/** Whether this machine stores the low byte of a Uint32 first (every platform Node runs on in practice). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Bit shifts that put R, G, B, A at bytes 0, 1, 2, 3 of a Uint32 in memory, whatever the endianness. */
export const SHIFT_R = LITTLE_ENDIAN ? 0 : 24;
export const SHIFT_G = LITTLE_ENDIAN ? 8 : 16;
export const SHIFT_B = LITTLE_ENDIAN ? 16 : 8;
export const SHIFT_A = LITTLE_ENDIAN ? 24 : 0;

/**
 * The image being drawn, multisampled: `supersample`² samples per pixel, each with its own inverse
 * depth (0 = nothing drawn) and its own colour, but a triangle is shaded once per pixel and the colour
 * written to the samples it wins (MSAA). Coverage, depth and blending stay per sample, so edges,
 * intersections and silhouettes are anti-aliased exactly like supersampling and the result does not
 * depend on the drawing order; only the shading is per pixel, which is what makes it 3–4× cheaper.
 *
 * A sample's colour is stored as 8-bit sRGB with straight alpha packed in a Uint32 (R, G, B, A in
 * memory order): a pixel whose samples are all equal (most of them) resolves by copying one word, and
 * the others are averaged in linear light on premultiplied colour. Each pixel is one block of
 * 2 × samples words, its samples' depths then their colours (`depth` and `color` view the same
 * memory): a pixel's test and write touch one block, half a cache line at 2 × 2 samples, instead of
 * two places. Sample s is at (s mod supersample, s div supersample).
 *
 * Reusable: {@link clear} resets only the row spans the last drawing touched, so a thumbnail costs its
 * drawing, not a fresh multi-megabyte allocation.
 */
export class RenderTarget {
  /** Width and height in pixels. */
  readonly size: number;
  /** Samples per pixel side. */
  readonly supersample: number;
  /** Samples per pixel (supersample²). */
  readonly samples: number;
  /** Per pixel block: depths at `pixel × 2 × samples + s`. */
  readonly depth: Float32Array;
  /** The same memory: colour words at `pixel × 2 × samples + samples + s`. */
  readonly color: Uint32Array;
  /** Per pixel row, the first and last pixel that triangles may have written (empty when first > last). */
  readonly rowFirst: Int32Array;
  readonly rowLast: Int32Array;
  /**
   * Scratch for one triangle: each sample's edge and inverse-depth offsets from the pixel's first
   * sample (at least 4: the rasterizer reads the 2 × 2 pattern's four whatever the pattern).
   */
  readonly offsetAB: Float64Array;
  readonly offsetBC: Float64Array;
  readonly offsetCA: Float64Array;
  readonly offsetZ: Float64Array;
  /** Scratch for one triangle of rasterizer-shaded.ts: light-table offsets per shading slot. */
  readonly shadeAt = new Float64Array(5);
  /** One resolved row, as words (RGBA in memory order), copied into the caller's rows by memcpy. */
  readonly #line: Uint32Array;
  readonly #lineBytes: Uint8Array;

  constructor(size: number, supersample: number) {
    this.size = size;
    this.supersample = supersample;
    this.samples = supersample * supersample;
    const blocks = new ArrayBuffer(size * size * this.samples * 2 * 4);
    this.depth = new Float32Array(blocks);
    this.color = new Uint32Array(blocks);
    this.rowFirst = new Int32Array(size).fill(size);
    this.rowLast = new Int32Array(size).fill(-1);
    this.offsetAB = new Float64Array(Math.max(4, this.samples));
    this.offsetBC = new Float64Array(Math.max(4, this.samples));
    this.offsetCA = new Float64Array(Math.max(4, this.samples));
    this.offsetZ = new Float64Array(Math.max(4, this.samples));
    this.#line = new Uint32Array(size);
    this.#lineBytes = new Uint8Array(this.#line.buffer);
  }

  /** Marks pixels `first`…`last` of row `y` as (possibly) written. */
  touchRow(y: number, first: number, last: number): void {
    if (first < this.rowFirst[y]!) this.rowFirst[y] = first;
    if (last > this.rowLast[y]!) this.rowLast[y] = last;
  }

  /** Resets every sample written since the last clear to empty. */
  clear(): void {
    const { size, samples } = this;
    for (let y = 0; y < size; y++) {
      const first = this.rowFirst[y]!;
      const last = this.rowLast[y]!;
      if (first > last) continue;
      // Depth 0 and colour 0 are both all-zero bits: one fill clears the blocks.
      this.color.fill(0, (y * size + first) * 2 * samples, (y * size + last + 1) * 2 * samples);
      this.rowFirst[y] = size;
      this.rowLast[y] = -1;
    }
  }

  /**
   * Averages each pixel's samples (a box filter, in linear light, on premultiplied colour) into an
   * sRGB image with straight alpha, as PNG wants it: a new image.
   */
  resolve(): DecodedImage {
    const data = new Uint8Array(this.size * this.size * 4);
    this.resolveInto(data, 0, this.size * 4);
    return { width: this.size, height: this.size, data };
  }

  /**
   * {@link resolve} into `data`: row y's RGBA at `offset + y × stride` (PNG scanlines: offset 1,
   * stride 1 + 4 × size). Every pixel of every row is written (0, transparent, where nothing was
   * drawn), so `data` may hold anything before; bytes between rows (PNG's filter bytes) are left as
   * they are.
   */
  resolveInto(data: Uint8Array, offset: number, stride: number): void {
    const size = this.size;
    const line = this.#line;
    const lineBytes = this.#lineBytes;
    for (let y = 0; y < size; y++) {
      const start = offset + y * stride;
      const first = this.rowFirst[y]!;
      const last = this.rowLast[y]!;
      if (first > last) {
        data.fill(0, start, start + size * 4);
        continue;
      }
      // Resolved as words into a row that stays in the L1 cache, then copied: one aligned store per
      // pixel instead of four byte stores at an odd offset (PNG rows start after a filter byte).
      resolveRow(this, y * size + first, last - first + 1, line);
      data.fill(0, start, start + first * 4);
      data.set(lineBytes.subarray(0, (last - first + 1) * 4), start + first * 4);
      data.fill(0, start + (last + 1) * 4, start + size * 4);
    }
  }
}

/**
 * Resolves `count` pixels from pixel `pixel` into `line[0 … count)` as words (R, G, B, A in memory
 * order). A function of its own, called per row, so that V8 optimises it early and whole.
 */
function resolveRow(target: RenderTarget, pixel: number, count: number, line: Uint32Array): void {
  const color = target.color;
  const n = target.samples;
  for (let i = 0, base = pixel * 2 * n + n; i < count; i++, base += 2 * n) {
    const first = color[base]!;
    let same: boolean;
    if (n === 4) {
      same = color[base + 1] === first && color[base + 2] === first && color[base + 3] === first;
    } else {
      same = true;
      for (let s = 1; s < n; s++) {
        if (color[base + s] !== first) {
          same = false;
          break;
        }
      }
    }
    if (same) {
      // Every sample alike (inside a triangle, or empty): the word is the pixel.
      line[i] = first;
      continue;
    }
    if (n === 4) {
      const w1 = color[base + 1]!;
      const w2 = color[base + 2]!;
      const w3 = color[base + 3]!;
      if (((first & w1 & w2 & w3) >>> SHIFT_A) % 256 === 255) {
        // Four opaque samples (an edge between two triangles: most mixed pixels): a plain mean of
        // their linear values, without the alpha weights.
        const scale = LINEAR_STEPS / 4;
        const r =
          SRGB_TO_LINEAR[(first >>> SHIFT_R) & 255]! +
          SRGB_TO_LINEAR[(w1 >>> SHIFT_R) & 255]! +
          SRGB_TO_LINEAR[(w2 >>> SHIFT_R) & 255]! +
          SRGB_TO_LINEAR[(w3 >>> SHIFT_R) & 255]!;
        const g =
          SRGB_TO_LINEAR[(first >>> SHIFT_G) & 255]! +
          SRGB_TO_LINEAR[(w1 >>> SHIFT_G) & 255]! +
          SRGB_TO_LINEAR[(w2 >>> SHIFT_G) & 255]! +
          SRGB_TO_LINEAR[(w3 >>> SHIFT_G) & 255]!;
        const b =
          SRGB_TO_LINEAR[(first >>> SHIFT_B) & 255]! +
          SRGB_TO_LINEAR[(w1 >>> SHIFT_B) & 255]! +
          SRGB_TO_LINEAR[(w2 >>> SHIFT_B) & 255]! +
          SRGB_TO_LINEAR[(w3 >>> SHIFT_B) & 255]!;
        line[i] =
          ((LINEAR_TO_SRGB[Math.min((r * scale + 0.5) | 0, LINEAR_STEPS)]! << SHIFT_R) |
            (LINEAR_TO_SRGB[Math.min((g * scale + 0.5) | 0, LINEAR_STEPS)]! << SHIFT_G) |
            (LINEAR_TO_SRGB[Math.min((b * scale + 0.5) | 0, LINEAR_STEPS)]! << SHIFT_B) |
            (255 << SHIFT_A)) >>>
          0;
        continue;
      }
    }
    let r = 0;
    let g = 0;
    let b = 0;
    let a = 0;
    for (let s = 0; s < n; s++) {
      const word = color[base + s]!;
      const alpha = (word >>> SHIFT_A) & 255;
      if (alpha === 0) continue;
      r += SRGB_TO_LINEAR[(word >>> SHIFT_R) & 255]! * alpha;
      g += SRGB_TO_LINEAR[(word >>> SHIFT_G) & 255]! * alpha;
      b += SRGB_TO_LINEAR[(word >>> SHIFT_B) & 255]! * alpha;
      a += alpha;
    }
    if (a === 0) {
      line[i] = 0;
      continue;
    }
    // Un-premultiply and encode; `(x + 0.5) | 0` rounds (x >= 0) faster than Math.round.
    const scale = LINEAR_STEPS / a;
    line[i] =
      ((LINEAR_TO_SRGB[Math.min((r * scale + 0.5) | 0, LINEAR_STEPS)]! << SHIFT_R) |
        (LINEAR_TO_SRGB[Math.min((g * scale + 0.5) | 0, LINEAR_STEPS)]! << SHIFT_G) |
        (LINEAR_TO_SRGB[Math.min((b * scale + 0.5) | 0, LINEAR_STEPS)]! << SHIFT_B) |
        (((a / n + 0.5) | 0) << SHIFT_A)) >>>
      0;
  }
}
