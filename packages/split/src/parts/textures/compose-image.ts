import type { DecodedImage } from '../../images/index.js';
import { CLAMP_TO_EDGE, MIRRORED_REPEAT } from './crop-input.js';
import type { CropLayout } from './crop-layout.js';

/** How texels outside the image are read: as the sampler would (glTF wrap modes). */
function address(x: number, size: number, wrap: number): number {
  if (x >= 0 && x < size) return x;
  if (wrap === CLAMP_TO_EDGE) return x < 0 ? 0 : size - 1;
  if (wrap === MIRRORED_REPEAT) {
    const period = 2 * size;
    const m = ((x % period) + period) % period;
    return m < size ? m : period - 1 - m;
  }
  return ((x % size) + size) % size;
}

/** Options for {@link composeCrop}. */
export interface ComposeOptions {
  /** The image's sampler wrap modes, for margin texels that fall outside it. */
  wrapS: number;
  wrapT: number;
  /**
   * Fill cells the part does not reach with their mean colour (default true). Their texels are never
   * sampled (the margin is kept), the mip levels from the cell size up average the same colours as the
   * source's, and a flat cell costs almost nothing in PNG or JPEG.
   */
  maskUnused?: boolean;
}

/**
 * The cropped image of one source image: each rectangle of the layout copied to its place, texel for
 * texel (the reference grid scaled to this image's size, which divides it by a power of two).
 */
export function composeCrop(source: DecodedImage, layout: CropLayout, options: ComposeOptions): DecodedImage {
  const { wrapS, wrapT, maskUnused = true } = options;
  const rx = layout.refWidth / source.width;
  const ry = layout.refHeight / source.height;
  const cellW = layout.block / rx;
  const cellH = layout.block / ry;
  const width = layout.width / rx;
  const height = layout.height / ry;
  const out = new Uint8Array(width * height * 4);
  // Space no rectangle fills is opaque black: never sampled, and transparent texels would cost a
  // JPEG (whose encoder drops alpha) far more than a flat colour.
  for (let i = 3; i < out.length; i += 4) out[i] = 255;
  const src = source.data;
  const { x0, y0, cols, covered } = layout.coverage;
  const mean = [0, 0, 0, 0];

  for (const rect of layout.rects) {
    for (let cy = 0; cy < rect.h; cy++) {
      for (let cx = 0; cx < rect.w; cx++) {
        const gx = rect.sx + cx;
        const gy = rect.sy + cy;
        const fromX = gx * cellW;
        const fromY = gy * cellH;
        const toX = (rect.dx + cx) * cellW;
        const toY = (rect.dy + cy) * cellH;
        const inside = fromX >= 0 && fromY >= 0 && fromX + cellW <= source.width && fromY + cellH <= source.height;
        const keep = !maskUnused || covered[(gy - y0) * cols + (gx - x0)] === 1;
        if (keep && inside) {
          for (let y = 0; y < cellH; y++) {
            const from = ((fromY + y) * source.width + fromX) * 4;
            out.set(src.subarray(from, from + cellW * 4), ((toY + y) * width + toX) * 4);
          }
          continue;
        }
        if (keep) {
          for (let y = 0; y < cellH; y++) {
            const sy = address(fromY + y, source.height, wrapT);
            for (let x = 0; x < cellW; x++) {
              const from = (sy * source.width + address(fromX + x, source.width, wrapS)) * 4;
              const to = ((toY + y) * width + toX + x) * 4;
              out[to] = src[from]!;
              out[to + 1] = src[from + 1]!;
              out[to + 2] = src[from + 2]!;
              out[to + 3] = src[from + 3]!;
            }
          }
          continue;
        }
        // An unreached cell: its mean colour.
        mean.fill(0);
        for (let y = 0; y < cellH; y++) {
          const sy = address(fromY + y, source.height, wrapT);
          for (let x = 0; x < cellW; x++) {
            const from = (sy * source.width + address(fromX + x, source.width, wrapS)) * 4;
            mean[0]! += src[from]!;
            mean[1]! += src[from + 1]!;
            mean[2]! += src[from + 2]!;
            mean[3]! += src[from + 3]!;
          }
        }
        const n = cellW * cellH;
        const r = Math.round(mean[0]! / n);
        const g = Math.round(mean[1]! / n);
        const b = Math.round(mean[2]! / n);
        const a = Math.round(mean[3]! / n);
        for (let y = 0; y < cellH; y++) {
          let to = ((toY + y) * width + toX) * 4;
          for (let x = 0; x < cellW; x++, to += 4) {
            out[to] = r;
            out[to + 1] = g;
            out[to + 2] = b;
            out[to + 3] = a;
          }
        }
      }
    }
  }
  return { width, height, data: out };
}
