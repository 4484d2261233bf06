import type { DecodedImage } from '../../images/index.js';
import { LINEAR_STEPS, LINEAR_TO_SRGB } from './srgb.js';

/**
 * The image being drawn: per sample, inverse depth (0 = nothing yet) and premultiplied linear RGBA.
 * Reusable: {@link clear} resets only the rectangle the last drawing touched, so a thumbnail costs
 * its drawing, not a fresh multi-megabyte allocation.
 */
export class RenderTarget {
  readonly size: number;
  readonly depth: Float32Array;
  readonly color: Float32Array;
  /** Samples that triangles may have written since the last clear (inclusive; empty when min > max). */
  #minX: number;
  #minY: number;
  #maxX = -1;
  #maxY = -1;

  constructor(size: number) {
    this.size = size;
    this.depth = new Float32Array(size * size);
    this.color = new Float32Array(size * size * 4);
    this.#minX = size;
    this.#minY = size;
  }

  /** Marks a rectangle of samples as (possibly) written. */
  touch(minX: number, minY: number, maxX: number, maxY: number): void {
    if (minX < this.#minX) this.#minX = minX;
    if (minY < this.#minY) this.#minY = minY;
    if (maxX > this.#maxX) this.#maxX = maxX;
    if (maxY > this.#maxY) this.#maxY = maxY;
  }

  /** Resets every sample written since the last clear to empty. */
  clear(): void {
    for (let y = this.#minY; y <= this.#maxY; y++) {
      const row = y * this.size;
      this.depth.fill(0, row + this.#minX, row + this.#maxX + 1);
      this.color.fill(0, (row + this.#minX) * 4, (row + this.#maxX + 1) * 4);
    }
    this.#minX = this.size;
    this.#minY = this.size;
    this.#maxX = -1;
    this.#maxY = -1;
  }

  /**
   * Averages `factor` × `factor` samples into each output pixel (box filter, in linear light, on
   * premultiplied colour) and encodes sRGB with straight alpha, as PNG wants it. Only the written
   * rectangle is read; the rest of the image is transparent.
   */
  resolve(factor: number): DecodedImage {
    const out = Math.floor(this.size / factor);
    const data = new Uint8Array(out * out * 4);
    const color = this.color;
    const n = factor * factor;
    const row = this.size * 4;
    const x0 = Math.floor(this.#minX / factor);
    const x1 = Math.min(out - 1, Math.floor(this.#maxX / factor));
    const y0 = Math.floor(this.#minY / factor);
    const y1 = Math.min(out - 1, Math.floor(this.#maxY / factor));
    const size = this.size;
    // Fully covered opaque pixels (the common case) skip the division of the un-premultiply.
    const fullScale = LINEAR_STEPS / n;
    for (let y = y0; y <= y1; y++) {
      let first = (y * factor * size + x0 * factor) * 4;
      let o = (y * out + x0) * 4;
      for (let x = x0; x <= x1; x++, first += factor * 4, o += 4) {
        let r: number;
        let g: number;
        let b: number;
        let a: number;
        if (factor === 2) {
          // The default, unrolled: the four samples are two pairs on two rows.
          const second = first + row;
          a = color[first + 3]! + color[first + 7]! + color[second + 3]! + color[second + 7]!;
          if (a <= 0) continue;
          r = color[first]! + color[first + 4]! + color[second]! + color[second + 4]!;
          g = color[first + 1]! + color[first + 5]! + color[second + 1]! + color[second + 5]!;
          b = color[first + 2]! + color[first + 6]! + color[second + 2]! + color[second + 6]!;
        } else {
          r = 0;
          g = 0;
          b = 0;
          a = 0;
          for (let sy = 0; sy < factor; sy++) {
            for (let sx = 0, i = first + sy * row; sx < factor; sx++, i += 4) {
              r += color[i]!;
              g += color[i + 1]!;
              b += color[i + 2]!;
              a += color[i + 3]!;
            }
          }
          if (a <= 0) continue;
        }
        // Un-premultiply and encode; `(x + 0.5) | 0` rounds (x >= 0) several times faster than
        // Math.round here, and NaN becomes 0 (a negative index reads undefined, stored as 0).
        const scale = a === n ? fullScale : LINEAR_STEPS / a;
        data[o] = LINEAR_TO_SRGB[Math.min((r * scale + 0.5) | 0, LINEAR_STEPS)]!;
        data[o + 1] = LINEAR_TO_SRGB[Math.min((g * scale + 0.5) | 0, LINEAR_STEPS)]!;
        data[o + 2] = LINEAR_TO_SRGB[Math.min((b * scale + 0.5) | 0, LINEAR_STEPS)]!;
        data[o + 3] = a === n ? 255 : Math.min(((a / n) * 255 + 0.5) | 0, 255);
      }
    }
    return { width: out, height: out, data };
  }
}
