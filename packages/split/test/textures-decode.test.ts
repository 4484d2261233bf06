/**
 * Issue 15, "decode each source image once per model": every decode of a `splitModel` call is
 * counted (the images module's decodeImage, wrapped), with the crops of every part and the
 * thumbnails (on, the default) sharing one decode per distinct image. And one encode per distinct
 * crop: parts whose UVs reach the same texels share it.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sha256Hex } from '../src/hash.js';
import * as decoder from '../src/images/decode-image.js';
import { readModel, splitModel } from '../src/index.js';
import { FIXTURES } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

vi.mock('../src/images/decode-image.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/images/decode-image.js')>();
  return {
    ...original,
    decodeImage: vi.fn(original.decodeImage),
    encodeImage: vi.fn(original.encodeImage),
  };
});

const dir = useTempDir('textures-decode');
const decodeImage = vi.mocked(decoder.decodeImage);
const encodeImage = vi.mocked(decoder.encodeImage);
afterEach(() => {
  decodeImage.mockClear();
  encodeImage.mockClear();
});

/** The sha256 of every image a model's textures hold (distinct). */
async function distinctImages(file: string): Promise<Set<string>> {
  const { document } = await readModel(join(FIXTURES, file));
  return new Set(
    document
      .getRoot()
      .listTextures()
      .map((texture) => sha256Hex(texture.getImage()!)),
  );
}

describe('one decode per image per model', () => {
  for (const [file, textures] of [
    ['CesiumMilkTruck.glb', 'crop'],
    ['TextureTransformMultiTest.glb', 'crop'],
    ['CesiumMilkTruck.glb', 'shared'],
  ] as const) {
    it(`${file}, --textures ${textures}, thumbnails on: each distinct image decoded once`, async () => {
      const images = await distinctImages(file);
      const { manifest } = await splitModel(join(FIXTURES, file), join(dir, `${file}-${textures}`), {
        textures,
        gallery: false,
      });
      expect(manifest.parts.some((part) => part.thumbnail)).toBe(true);
      const decoded = decodeImage.mock.calls.map(([bytes]) => sha256Hex(bytes));
      // Never the same image twice, and only the model's images.
      expect(decoded.length).toBe(new Set(decoded).size);
      for (const hash of decoded) expect(images.has(hash)).toBe(true);
      // Cropping decodes what it crops; the thumbnails draw the base colours.
      expect(decoded.length).toBeGreaterThan(0);
    });
  }
});

describe('one encode per distinct crop', () => {
  it('CesiumMilkTruck: the two wheel parts reach the same texels, their crop is encoded once', async () => {
    const { manifest } = await splitModel(join(FIXTURES, 'CesiumMilkTruck.glb'), join(dir, 'wheels'), {
      thumbnails: null,
      gallery: false,
    });
    const wheels = manifest.parts.filter((part) => part.name.startsWith('Wheels'));
    expect(wheels.length).toBe(2);
    expect(wheels[0]!.images).toEqual(wheels[1]!.images);
    expect(wheels[0]!.images![0]!.width).toBeLessThan(2048);
    // The body's crop and one wheel crop: two JPEG encodes for three cropped parts.
    expect(encodeImage.mock.calls.filter(([, format]) => format === 'jpeg').length).toBe(2);
  });
});
