import type { DecodedImage } from '../../images/index.js';
import { linearToSrgb8, SRGB_FINE_STEPS, SRGB_TO_LINEAR, SRGB_TO_LINEAR_FINE } from './srgb.js';
import type { TextureWrap, ThumbnailTexture } from './thumbnail-scene.js';

/** One level of a mip chain: sRGB-encoded RGBA bytes, like a {@link DecodedImage}. */
export type MipLevel = DecodedImage;

/**
 * Mip chains of the textures a model's thumbnails sample, each level built once on first use.
 * Without them a 4096² atlas drawn on a 256² thumbnail skips 15 texels in 16 and shimmers; with
 * them each pixel reads a level whose texels are about its size. Keyed by the decoded image, so a
 * texture shared by every part of a model (an AI model's single atlas) is reduced once per model
 * (it lives in the model's `ThumbnailCache`).
 */
export class MipmapCache {
  #chains = new WeakMap<DecodedImage, MipLevel[]>();

  clear(): void {
    this.#chains = new WeakMap();
  }

  /** Level `n` of `image` (0 = the image itself), clamped to the last level (1 × 1). */
  level(image: DecodedImage, n: number): MipLevel {
    let chain = this.#chains.get(image);
    if (!chain) {
      chain = [image];
      this.#chains.set(image, chain);
    }
    while (chain.length <= n) {
      const last = chain[chain.length - 1]!;
      if (last.width === 1 && last.height === 1) return last;
      chain.push(halve(last));
    }
    return chain[n]!;
  }
}

/**
 * The next mip level: 2 × 2 box filter in linear light, colour weighted by alpha (transparent
 * texels, often black, must not darken their opaque neighbours). Sizes round down, as GPUs do: an
 * odd last row or column is left out of the next level.
 */
export function halve(image: MipLevel): MipLevel {
  const width = Math.max(1, image.width >> 1);
  const height = Math.max(1, image.height >> 1);
  const stepX = image.width > 1 ? 1 : 0;
  const stepY = image.height > 1 ? 1 : 0;
  const src = image.data;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const y0 = y * 2 * stepY + (1 - stepY) * y;
    const y1 = Math.min(y0 + stepY, image.height - 1);
    for (let x = 0; x < width; x++) {
      const x0 = x * 2 * stepX + (1 - stepX) * x;
      const x1 = Math.min(x0 + stepX, image.width - 1);
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let k = 0; k < 4; k++) {
        const i = (((k & 2) === 0 ? y0 : y1) * image.width + ((k & 1) === 0 ? x0 : x1)) * 4;
        const alpha = src[i + 3]! / 255;
        r += SRGB_TO_LINEAR[src[i]!]! * alpha;
        g += SRGB_TO_LINEAR[src[i + 1]!]! * alpha;
        b += SRGB_TO_LINEAR[src[i + 2]!]! * alpha;
        a += alpha;
      }
      const o = (y * width + x) * 4;
      if (a > 0) {
        data[o] = linearToSrgb8(r / a);
        data[o + 1] = linearToSrgb8(g / a);
        data[o + 2] = linearToSrgb8(b / a);
      }
      data[o + 3] = Math.round((a / 4) * 255);
    }
  }
  return { width, height, data };
}

/** A texture coordinate brought into [0, 1] (clamp) or [0, 1) (repeat, mirror) once per sample. */
function wrapCoordinate(t: number, mode: TextureWrap): number {
  if (mode === 'repeat') return t - Math.floor(t);
  if (mode === 'clamp') return Math.min(1, Math.max(0, t));
  const m = t - 2 * Math.floor(t / 2);
  return m > 1 ? 2 - m : m;
}

/** Samples one texture at a chosen mip level, in linear RGBA (alpha straight, not premultiplied). */
export class TextureSampler {
  readonly #texture: ThumbnailTexture;
  readonly #mipmaps: MipmapCache;
  readonly #wrapS: TextureWrap;
  readonly #wrapT: TextureWrap;
  readonly #nearest: boolean;
  #level: MipLevel;

  constructor(texture: ThumbnailTexture, mipmaps: MipmapCache) {
    this.#texture = texture;
    this.#mipmaps = mipmaps;
    this.#wrapS = texture.wrapS ?? 'repeat';
    this.#wrapT = texture.wrapT ?? 'repeat';
    this.#nearest = texture.filter === 'nearest';
    this.#level = texture.image;
  }

  /** Width × height of the full-size image, in texels (for choosing a level). */
  get texelCount(): number {
    return this.#texture.image.width * this.#texture.image.height;
  }

  /**
   * Picks the level for a triangle covering `texelArea` texels of level 0 on `pixelArea` samples
   * of the image (one texel per sample, or the nearest level below that).
   */
  selectLevel(texelArea: number, pixelArea: number): void {
    const lod =
      texelArea > pixelArea && pixelArea > 0 ? Math.floor(0.5 * Math.log2(texelArea / pixelArea)) : 0;
    this.#level = this.#mipmaps.level(this.#texture.image, Math.min(lod, 24));
  }

  /**
   * Writes the linear RGBA colour at (u, v) of the selected level into `out`. The coordinates are
   * wrapped once; the bilinear neighbours then only wrap across one edge. The four texels are
   * blended on their sRGB codes and the blend converted once, 3 table reads instead of 12 (the mip
   * levels themselves are averaged in linear light; between two neighbours of a level whose texels
   * are about a sample wide, the difference is below what 8-bit output shows except on the sharpest
   * edges).
   */
  sample(u: number, v: number, out: Float32Array): void {
    const { width, height, data } = this.#level;
    const s = wrapCoordinate(u, this.#wrapS);
    const t = wrapCoordinate(v, this.#wrapT);
    if (this.#nearest) {
      const x = Math.min(width - 1, Math.floor(s * width));
      const y = Math.min(height - 1, Math.floor(t * height));
      const i = (y * width + x) * 4;
      out[0] = SRGB_TO_LINEAR[data[i]!]!;
      out[1] = SRGB_TO_LINEAR[data[i + 1]!]!;
      out[2] = SRGB_TO_LINEAR[data[i + 2]!]!;
      out[3] = data[i + 3]! / 255;
      return;
    }
    const x = s * width - 0.5;
    const y = t * height - 0.5;
    let x0 = Math.floor(x);
    let y0 = Math.floor(y);
    const fx = x - x0;
    const fy = y - y0;
    let x1 = x0 + 1;
    let y1 = y0 + 1;
    // Neighbours across an edge: the other side for repeat, the edge texel for clamp and mirror.
    const repeatS = this.#wrapS === 'repeat';
    const repeatT = this.#wrapT === 'repeat';
    if (x0 < 0) x0 = repeatS ? width - 1 : 0;
    if (x1 >= width) x1 = repeatS ? 0 : width - 1;
    if (y0 < 0) y0 = repeatT ? height - 1 : 0;
    if (y1 >= height) y1 = repeatT ? 0 : height - 1;
    const i00 = (y0 * width + x0) * 4;
    const i10 = (y0 * width + x1) * 4;
    const i01 = (y1 * width + x0) * 4;
    const i11 = (y1 * width + x1) * 4;
    const w00 = (1 - fx) * (1 - fy);
    const w10 = fx * (1 - fy);
    const w01 = (1 - fx) * fy;
    const w11 = fx * fy;
    const k = SRGB_FINE_STEPS;
    out[0] =
      SRGB_TO_LINEAR_FINE[
        ((data[i00]! * w00 + data[i10]! * w10 + data[i01]! * w01 + data[i11]! * w11) * k + 0.5) | 0
      ]!;
    out[1] =
      SRGB_TO_LINEAR_FINE[
        ((data[i00 + 1]! * w00 + data[i10 + 1]! * w10 + data[i01 + 1]! * w01 + data[i11 + 1]! * w11) * k +
          0.5) |
          0
      ]!;
    out[2] =
      SRGB_TO_LINEAR_FINE[
        ((data[i00 + 2]! * w00 + data[i10 + 2]! * w10 + data[i01 + 2]! * w01 + data[i11 + 2]! * w11) * k +
          0.5) |
          0
      ]!;
    out[3] =
      (data[i00 + 3]! * w00 + data[i10 + 3]! * w10 + data[i01 + 3]! * w01 + data[i11 + 3]! * w11) / 255;
  }
}
