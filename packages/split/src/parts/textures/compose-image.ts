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
  // Texels as 32-bit words: one move per texel (the source copied first if it is not 4-byte aligned).
  const src = source.data.byteOffset % 4 === 0 ? source.data : source.data.slice();
  const src32 = new Uint32Array(src.buffer, src.byteOffset, source.width * source.height);
  const out32 = new Uint32Array(out.buffer);
  // RGBA bytes to a word in the machine's byte order.
  const texel = new Uint8Array(4);
  const texel32 = new Uint32Array(texel.buffer);
  const word = (r: number, g: number, b: number, a: number): number => {
    texel[0] = r;
    texel[1] = g;
    texel[2] = b;
    texel[3] = a;
    return texel32[0]!;
  };
  // Space no rectangle fills is opaque black: never sampled, and transparent texels would cost a
  // JPEG (whose encoder drops alpha) far more than a flat colour.
  out32.fill(word(0, 0, 0, 255));
  const { x0, y0, cols, covered } = layout.coverage;
  const rows = new Int32Array(cellH);
  const kept = (gx: number, gy: number): boolean =>
    !maskUnused || covered[(gy - y0) * cols + (gx - x0)] === 1;

  for (const rect of layout.rects) {
    for (let cy = 0; cy < rect.h; cy++) {
      const gy = rect.sy + cy;
      const fromY = gy * cellH;
      const toY = (rect.dy + cy) * cellH;
      for (let y = 0; y < cellH; y++) rows[y] = address(fromY + y, source.height, wrapT);
      for (let cx = 0; cx < rect.w; ) {
        const gx = rect.sx + cx;
        if (!kept(gx, gy)) {
          const mean = meanColour(src, source.width, rows, gx * cellW, cellW, wrapS, word);
          const toX = (rect.dx + cx) * cellW;
          for (let y = 0; y < cellH; y++)
            out32.fill(mean, (toY + y) * width + toX, (toY + y) * width + toX + cellW);
          cx++;
          continue;
        }
        // A run of reached cells is copied row by row in one move (a memcpy) where it lies inside
        // the image; texel by texel, through the sampler's wrap mode, where it reaches past an edge.
        let end = cx + 1;
        while (end < rect.w && kept(rect.sx + end, gy)) end++;
        const fromX = gx * cellW;
        const toX = (rect.dx + cx) * cellW;
        const runW = (end - cx) * cellW;
        const inside = fromX >= 0 && fromX + runW <= source.width;
        for (let y = 0; y < cellH; y++) {
          const from = rows[y]! * source.width;
          const to = (toY + y) * width + toX;
          if (inside) out32.set(src32.subarray(from + fromX, from + fromX + runW), to);
          else
            for (let x = 0; x < runW; x++)
              out32[to + x] = src32[from + address(fromX + x, source.width, wrapS)]!;
        }
        cx = end;
      }
    }
  }
  return { width, height, data: out };
}

/** The mean colour (as a word) of one cell: rows by their source row, columns from `fromX`, wrapped. */
function meanColour(
  src: Uint8Array,
  sourceWidth: number,
  rows: Int32Array,
  fromX: number,
  cellW: number,
  wrapS: number,
  word: (r: number, g: number, b: number, a: number) => number,
): number {
  let r = 0;
  let g = 0;
  let b = 0;
  let a = 0;
  const inside = fromX >= 0 && fromX + cellW <= sourceWidth;
  for (const row of rows) {
    const from = row * sourceWidth;
    for (let x = 0; x < cellW; x++) {
      const at = (from + (inside ? fromX + x : address(fromX + x, sourceWidth, wrapS))) * 4;
      r += src[at]!;
      g += src[at + 1]!;
      b += src[at + 2]!;
      a += src[at + 3]!;
    }
  }
  const n = cellW * rows.length;
  return word(Math.round(r / n), Math.round(g / n), Math.round(b / n), Math.round(a / n));
}
