import type { DecodedImage } from '../../images/index.js';
import { linearToSrgb8, SRGB_TO_LINEAR } from './srgb.js';
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

function wrapIndex(i: number, n: number, mode: TextureWrap): number {
  if (mode === 'clamp') return i < 0 ? 0 : i >= n ? n - 1 : i;
  if (mode === 'repeat') return ((i % n) + n) % n;
  const period = 2 * n;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
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

  /** Writes the linear RGBA colour at (u, v) of the selected level into `out`. */
  sample(u: number, v: number, out: Float32Array): void {
    const { width, height, data } = this.#level;
    if (this.#nearest) {
      const i =
        (wrapIndex(Math.floor(v * height), height, this.#wrapT) * width +
          wrapIndex(Math.floor(u * width), width, this.#wrapS)) *
        4;
      out[0] = SRGB_TO_LINEAR[data[i]!]!;
      out[1] = SRGB_TO_LINEAR[data[i + 1]!]!;
      out[2] = SRGB_TO_LINEAR[data[i + 2]!]!;
      out[3] = data[i + 3]! / 255;
      return;
    }
    const x = u * width - 0.5;
    const y = v * height - 0.5;
    const fx0 = Math.floor(x);
    const fy0 = Math.floor(y);
    const fx = x - fx0;
    const fy = y - fy0;
    const x0 = wrapIndex(fx0, width, this.#wrapS);
    const x1 = wrapIndex(fx0 + 1, width, this.#wrapS);
    const row0 = wrapIndex(fy0, height, this.#wrapT) * width;
    const row1 = wrapIndex(fy0 + 1, height, this.#wrapT) * width;
    const i00 = (row0 + x0) * 4;
    const i10 = (row0 + x1) * 4;
    const i01 = (row1 + x0) * 4;
    const i11 = (row1 + x1) * 4;
    const w00 = (1 - fx) * (1 - fy);
    const w10 = fx * (1 - fy);
    const w01 = (1 - fx) * fy;
    const w11 = fx * fy;
    for (let c = 0; c < 3; c++) {
      out[c] =
        SRGB_TO_LINEAR[data[i00 + c]!]! * w00 +
        SRGB_TO_LINEAR[data[i10 + c]!]! * w10 +
        SRGB_TO_LINEAR[data[i01 + c]!]! * w01 +
        SRGB_TO_LINEAR[data[i11 + c]!]! * w11;
    }
    out[3] =
      (data[i00 + 3]! * w00 + data[i10 + 3]! * w10 + data[i01 + 3]! * w01 + data[i11 + 3]! * w11) / 255;
  }
}
