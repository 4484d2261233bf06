/**
 * Issue 15 through the pack entry users run: `splitModel` with `textures: 'crop' | 'shared' | 'embed'`
 * on real files (thumbnails and gallery off, so the pack holds parts and textures only). The `embed`
 * pack is the reference: its part files carry the source's image bytes untouched (checked), so the
 * colour a cropped part shows at each triangle's UV corners and centroid is compared with the same
 * part's in the embed pack: exactly for PNG, within JPEG_TOLERANCE for JPEG.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Document } from '@gltf-transform/core';
import { unpartition } from '@gltf-transform/functions';
import validator from 'gltf-validator';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/hash.js';
import {
  createIO,
  type Manifest,
  readModel,
  reassemble,
  segmentLocally,
  splitModel,
  verifyPack,
} from '../src/index.js';
import { compareSoups, validateGLB, worldTriangles } from './helpers/gltf-checks.js';
import { FIXTURES } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';
import { compareColours, type SlotSamples, slotSamples } from './helpers/texture-checks.js';

/**
 * JPEG crops are re-encoded once at the source's quality and chroma subsampling, on its own 8×8 block
 * grid. Measured worst channel difference at the UV corners and centroids of these models: 3 levels of
 * 255 (PSNR 54–63 dB over the reached texels of 4:4:4 sources, bench/textures.mjs). Allowed: 6.
 */
const JPEG_TOLERANCE = 6;
/** PNG crops are exact; bilinear samples differ only by float32 rounding of the remapped UVs. */
const PNG_BILINEAR_TOLERANCE = 0.1;

const dir = useTempDir('textures-pack');
const QUIET = { thumbnails: null, gallery: false } as const;

/** The PartCrafter sword as `meshparts run --segmenter local` splits it: segmented into a GLB first. */
async function segmentedSword(): Promise<Uint8Array> {
  const model = await readModel(join(FIXTURES, 'PartCrafter_sword.glb'));
  await segmentLocally(model.document);
  await model.document.transform(unpartition());
  return (await createIO({ ...model.codecs, encode: true })).writeBinary(model.document);
}

type Mode = 'crop' | 'shared' | 'embed';

/** Splits a model (a fixture name or bytes) into `dir/<name>` with a texture mode. */
async function pack(input: string | Uint8Array, name: string, mode: Mode) {
  const out = join(dir, name);
  const source = typeof input === 'string' ? join(FIXTURES, input) : input;
  const { manifest } = await splitModel(source, out, { ...QUIET, textures: mode });
  return { out, manifest };
}

/** Every file under a folder, pack-relative, sorted. */
async function listFiles(root: string, under = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, under), { withFileTypes: true })) {
    const path = under ? `${under}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, path)));
    else out.push(path);
  }
  return out.sort();
}

/** Bytes of every file the manifest lists: part files and files[]. */
function packBytes(manifest: Manifest): number {
  return [...manifest.parts, ...(manifest.files ?? [])].reduce((sum, file) => sum + file.byteLength, 0);
}

/** Each part file read back from disk with NodeIO (its external images resolved), by part name. */
async function readParts(out: string, manifest: Manifest): Promise<Map<string, Document>> {
  const io = await createIO();
  const parts = new Map<string, Document>();
  for (const part of manifest.parts) parts.set(part.name, await io.read(join(out, part.file)));
  return parts;
}

/** The samples of every part, by part name. */
async function samplesOf(parts: Map<string, Document>): Promise<Map<string, SlotSamples[]>> {
  const out = new Map<string, SlotSamples[]>();
  for (const [name, document] of parts) out.set(name, await slotSamples(document));
  return out;
}

/** The distinct image contents (sha256) of a model's textures. */
async function sourceImages(input: string | Uint8Array): Promise<Set<string>> {
  const { document } = await readModel(typeof input === 'string' ? join(FIXTURES, input) : input);
  return new Set(
    document
      .getRoot()
      .listTextures()
      .map((texture) => sha256Hex(texture.getImage()!)),
  );
}

/** Validates a part file with its external images resolved beside it, as a loader reads them. */
async function validatePartFile(path: string) {
  const bytes = new Uint8Array(await readFile(path));
  const report = await validator.validateBytes(bytes, {
    uri: path,
    maxIssues: 100,
    externalResourceFunction: async (uri: string) =>
      new Uint8Array(await readFile(join(dirname(path), decodeURIComponent(uri)))),
  } as Parameters<typeof validator.validateBytes>[1]);
  return report.issues;
}

/**
 * The embed pack's images are the source's bytes; the crop pack is smaller, every part file is
 * validator-clean, and each part shows the embed part's colours within `tolerance`.
 */
async function expectCropMatchesEmbed(input: string | Uint8Array, name: string, tolerance: number) {
  const embed = await pack(input, `${name}-embed`, 'embed');
  const crop = await pack(input, `${name}-crop`, 'crop');
  const images = await sourceImages(input);
  const embedParts = await readParts(embed.out, embed.manifest);
  for (const document of embedParts.values())
    for (const texture of document.getRoot().listTextures())
      expect(images.has(sha256Hex(texture.getImage()!))).toBe(true);
  expect(packBytes(crop.manifest)).toBeLessThan(packBytes(embed.manifest));
  expect(crop.manifest.parts.map((part) => part.name)).toEqual(embed.manifest.parts.map((part) => part.name));
  const before = await samplesOf(embedParts);
  const after = await samplesOf(await readParts(crop.out, crop.manifest));
  const worst = { nearest: 0, bilinear: 0, points: 0 };
  for (const part of crop.manifest.parts) {
    const report = await validateGLB(new Uint8Array(await readFile(join(crop.out, part.file))));
    expect(report.errorMessages, part.file).toEqual([]);
    const comparison = compareColours(before.get(part.name)!, after.get(part.name)!);
    worst.nearest = Math.max(worst.nearest, comparison.worstNearest);
    worst.bilinear = Math.max(worst.bilinear, comparison.worstBilinear);
    worst.points += comparison.nearestPoints;
  }
  expect(worst.points).toBeGreaterThan(0);
  expect(worst.nearest).toBeLessThanOrEqual(tolerance);
  expect(worst.bilinear).toBeLessThanOrEqual(Math.max(tolerance, PNG_BILINEAR_TOLERANCE));
  return { embed, crop, worst };
}

describe('splitModel --textures crop (the default)', () => {
  it('CesiumMilkTruck: smaller than embed and under 1.3× the source, same colours (JPEG), reassembles', async () => {
    const { crop } = await expectCropMatchesEmbed('CesiumMilkTruck.glb', 'truck', JPEG_TOLERANCE);
    expect(packBytes(crop.manifest)).toBeLessThan(1.3 * crop.manifest.source.byteLength);
    // Default options crop: the manifest records each part's smaller image.
    const { manifest } = await splitModel(
      join(FIXTURES, 'CesiumMilkTruck.glb'),
      join(dir, 'truck-default'),
      QUIET,
    );
    expect(manifest.parts.map((part) => part.images)).toEqual(crop.manifest.parts.map((part) => part.images));
    for (const part of manifest.parts) {
      const [image] = part.images!;
      expect(image!.mimeType).toBe('image/jpeg');
      expect(image!.width! * image!.height!).toBeLessThan(2048 * 2048);
    }
    const { document } = await readModel(join(FIXTURES, 'CesiumMilkTruck.glb'));
    expect(compareSoups(worldTriangles(await reassemble(crop.out)), worldTriangles(document))).toBeNull();
  });

  it('PartCrafter sword split locally: 9 parts under 1.3× the source, same colours (JPEG)', async () => {
    const bytes = await segmentedSword();
    const { crop } = await expectCropMatchesEmbed(bytes, 'sword', JPEG_TOLERANCE);
    expect(crop.manifest.parts.length).toBe(9);
    const source = (await readFile(join(FIXTURES, 'PartCrafter_sword.glb'))).byteLength;
    expect(packBytes(crop.manifest)).toBeLessThan(1.3 * source);
  });

  it('TextureTransformMultiTest: transformed slots keep their images whole, the rest is cropped exactly (PNG)', async () => {
    const { crop, worst } = await expectCropMatchesEmbed('TextureTransformMultiTest.glb', 'ttmt', 0);
    expect(worst.nearest).toBe(0);
    const io = await createIO();
    const source = await sourceImages('TextureTransformMultiTest.glb');
    let whole = 0;
    let cropped = 0;
    for (const part of crop.manifest.parts) {
      const document = await io.read(join(crop.out, part.file));
      for (const material of document.getRoot().listMaterials()) {
        const info = material.getBaseColorTextureInfo();
        const texture = material.getBaseColorTexture();
        if (!info || !texture) continue;
        const same = source.has(sha256Hex(texture.getImage()!));
        if (info.getExtension('KHR_texture_transform')) {
          // A transform is left as it is, on the whole image.
          expect(same, `${part.name} keeps its transformed image whole`).toBe(true);
          whole++;
        } else if (!same) cropped++;
      }
    }
    expect(whole).toBeGreaterThan(0);
    expect(cropped).toBeGreaterThan(0);
  });
});

describe('splitModel --textures shared', () => {
  for (const [label, input] of [
    ['CesiumMilkTruck', 'CesiumMilkTruck.glb'],
    ['TextureTransformMultiTest', 'TextureTransformMultiTest.glb'],
  ] as const) {
    it(`${label}: one copy of each image in textures/, listed in files, resolved by every part, reassembles`, async () => {
      const { out, manifest } = await pack(input, `${label}-shared`, 'shared');
      const embed = await pack(input, `${label}-shared-embed`, 'embed');
      expect(await verifyPack(out)).toMatchObject({ complete: true, problems: [] });
      // Exactly the parts, the textures and the manifest: nothing else in the folder.
      const listed = [
        ...manifest.parts.map((part) => part.file),
        ...(manifest.files ?? []).map((f) => f.path),
      ];
      expect(await listFiles(out)).toEqual([...listed, 'manifest.json'].sort());
      const textures = (manifest.files ?? []).filter((file) => file.path.startsWith('textures/'));
      expect(textures.length).toBe(manifest.files!.length);
      // One copy of each source image, byte for byte.
      expect(new Set(textures.map((file) => file.sha256))).toEqual(await sourceImages(input));
      expect(packBytes(manifest)).toBeLessThan(1.1 * manifest.source.byteLength);
      const parts = await readParts(out, manifest);
      for (const part of manifest.parts) {
        // The manifest records the images each part refers to, with their bytes.
        for (const image of part.images ?? []) {
          const file = textures.find((texture) => texture.path === image.file);
          expect(file, `${part.name}: ${image.file}`).toBeDefined();
          expect(image.byteLength).toBe(file!.byteLength);
        }
        const document = parts.get(part.name)!;
        for (const texture of document.getRoot().listTextures()) {
          expect(texture.getURI()).toMatch(/^\.\.\/textures\/[A-Za-z0-9_-]+\.(png|jpg)$/);
          const onDisk = await readFile(join(out, 'parts', texture.getURI()));
          expect(Buffer.compare(Buffer.from(texture.getImage()!), onDisk)).toBe(0);
        }
        expect((part.images ?? []).length).toBe(
          new Set(
            document
              .getRoot()
              .listTextures()
              .map((texture) => texture.getURI()),
          ).size,
        );
        const issues = await validatePartFile(join(out, part.file));
        expect(issues.numErrors, JSON.stringify(issues.messages)).toBe(0);
      }
      // Same colours as the embed pack: the very same image bytes.
      const before = await samplesOf(await readParts(embed.out, embed.manifest));
      const after = await samplesOf(parts);
      for (const part of manifest.parts) {
        const comparison = compareColours(before.get(part.name)!, after.get(part.name)!);
        expect(comparison.worstNearest).toBe(0);
        expect(comparison.worstBilinear).toBe(0);
      }
      // reassemble reads the shared images through the manifest.
      const { document: source } = await readModel(join(FIXTURES, input));
      const whole = await reassemble(out);
      expect(compareSoups(worldTriangles(whole), worldTriangles(source))).toBeNull();
      const reassembled = new Set(
        whole
          .getRoot()
          .listTextures()
          .map((t) => sha256Hex(t.getImage()!)),
      );
      expect(reassembled).toEqual(await sourceImages(input));
    });
  }

  it('reassemble refuses an image URI the manifest does not list, and an image that does not match it', async () => {
    const { out, manifest } = await pack('CesiumMilkTruck.glb', 'truck-tampered', 'shared');
    const texture = manifest.files![0]!;
    await writeFile(join(out, texture.path), Buffer.from('not the image'));
    await expect(reassemble(out)).rejects.toThrow(/does not match the manifest/);
    await expect(reassemble({ ...manifest, files: [] }, { dir: out })).rejects.toThrow(
      /the manifest does not list/,
    );
  });

  it('a second split over the same folder in another mode replaces the textures cleanly', async () => {
    const out = join(dir, 'modes');
    const source = join(FIXTURES, 'CesiumMilkTruck.glb');
    const shared = await splitModel(source, out, { ...QUIET, textures: 'shared' });
    expect((await listFiles(out)).filter((file) => file.startsWith('textures/')).length).toBe(1);
    const crop = await splitModel(source, out, { ...QUIET, textures: 'crop' });
    expect(crop.manifest.files).toBeUndefined();
    expect(await listFiles(out)).toEqual(
      ['manifest.json', ...crop.manifest.parts.map((part) => part.file)].sort(),
    );
    expect(await verifyPack(out)).toMatchObject({ complete: true });
    for (const part of crop.manifest.parts) {
      const report = await validateGLB(new Uint8Array(await readFile(join(out, part.file))));
      expect(report.errorMessages).toEqual([]);
    }
    const again = await splitModel(source, out, { ...QUIET, textures: 'shared' });
    expect(again.manifest.files).toEqual(shared.manifest.files);
    expect(await verifyPack(out)).toMatchObject({ complete: true });
    expect(await listFiles(out)).toEqual(
      [
        'manifest.json',
        ...again.manifest.parts.map((p) => p.file),
        ...again.manifest.files!.map((f) => f.path),
      ].sort(),
    );
  });
});
