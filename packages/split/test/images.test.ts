import { describe, expect, it } from 'vitest';
import {
  canDecode,
  type DecodedImage,
  decodeImage,
  encodeImage,
  ImageCache,
  imageFormatOf,
  isOpaque,
} from '../src/images/index.js';

function gradient(width: number, height: number, alpha = 255): DecodedImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = (x * 255) / (width - 1);
      data[i + 1] = (y * 255) / (height - 1);
      data[i + 2] = 77;
      data[i + 3] = x === 0 && y === 0 ? alpha : 255;
    }
  return { width, height, data };
}

describe('images', () => {
  it('PNG round trip is exact, with and without alpha', async () => {
    for (const alpha of [255, 10]) {
      const image = gradient(17, 9, alpha);
      const png = await encodeImage(image, 'png');
      expect(imageFormatOf(png)).toBe('png');
      const back = await decodeImage(png);
      expect(back.width).toBe(17);
      expect(back.height).toBe(9);
      expect(Buffer.from(back.data).equals(Buffer.from(image.data))).toBe(true);
      expect(isOpaque(back)).toBe(alpha === 255);
    }
  });

  it('JPEG and WebP encode to their formats and decode close to the source', async () => {
    const image = gradient(32, 32);
    for (const format of ['jpeg', 'webp'] as const) {
      const bytes = await encodeImage(image, format, { quality: 95 });
      expect(imageFormatOf(bytes)).toBe(format);
      const back = await decodeImage(bytes);
      let worst = 0;
      for (let i = 0; i < image.data.length; i++)
        worst = Math.max(worst, Math.abs(back.data[i]! - image.data[i]!));
      expect(worst).toBeLessThan(24);
    }
  });

  it('recognises formats by their magic and refuses what it cannot decode', async () => {
    expect(imageFormatOf(new Uint8Array([0xab, 0x4b, 0x54, 0x58, 0x20]))).toBe('ktx2');
    expect(canDecode('ktx2')).toBe(false);
    expect(imageFormatOf(new Uint8Array([1, 2, 3]))).toBe('unknown');
    await expect(decodeImage(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]))).rejects.toThrow();
  });

  it('the cache decodes each image once', async () => {
    const png = await encodeImage(gradient(4, 4), 'png');
    const cache = new ImageCache();
    const first = cache.get(png);
    expect(cache.get(png)).toBe(first);
    expect(cache.size).toBe(1);
    expect((await first).width).toBe(4);
    const bad = new Uint8Array([0xff, 0xd8, 0xff, 0]);
    await expect(cache.get(bad)).rejects.toThrow();
    expect(cache.size).toBe(2);
  });
});
