/**
 * parts/textures on real models (issue 15): every part of the PartCrafter sword (split locally),
 * CesiumMilkTruck and TextureTransformMultiTest is cropped with the defaults; each part shows the
 * source's colour at each triangle's UV corners and centroid (exactly for PNG, within a stated
 * tolerance for JPEG), its file is validator-clean, the pack reassembles into the source's
 * triangles, and the source Document is left as it was.
 */
import { join } from 'node:path';
import type { Document } from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/hash.js';
import { ImageCache } from '../src/images/index.js';
import { createIO, planParts, readModel, sceneBounds, segmentLocally, writePack } from '../src/index.js';
import { cropTextures, TextureConversions, type TextureDecision } from '../src/parts/textures/index.js';
import { validateGLB } from './helpers/gltf-checks.js';
import { expectValidPack } from './helpers/pack-checks.js';
import { partDocuments } from './helpers/part-documents.js';
import { FIXTURES } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';
import { compareColours, slotSamples } from './helpers/texture-checks.js';

/**
 * JPEG crops are re-encoded once, at the source's quality and subsampling on its own block grid:
 * the measured worst channel differences are 3 levels of 255 (nearest texel) and 2.2 (bilinear) on
 * these models; the tolerance is twice that, for other libjpeg builds.
 */
const JPEG_TOLERANCE = 6;
/** PNG crops are exact; bilinear samples differ only by float32 rounding of the remapped UVs. */
const PNG_BILINEAR_TOLERANCE = 0.1;

/** Everything of a Document a crop must not touch: image bytes and every accessor's data. */
function fingerprint(document: Document): string[] {
  const root = document.getRoot();
  return [
    ...root.listTextures().map((texture) => sha256Hex(texture.getImage() ?? new Uint8Array())),
    ...root.listAccessors().map((accessor) => {
      const array = accessor.getArray()!;
      return sha256Hex(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    }),
  ];
}

async function cropModel(file: string, segment = false) {
  const model = await readModel(join(FIXTURES, file));
  const { document } = model;
  if (segment) await segmentLocally(document);
  const before = fingerprint(document);
  const parts = await partDocuments(document, await planParts(document, { strategy: 'nodes' }));
  const io = await createIO();
  const images = new ImageCache();
  const conversions = new TextureConversions(images);
  const decisions: TextureDecision[] = [];
  const results = [];
  for (const part of parts) {
    const samples = await slotSamples(part.document);
    await part.document.transform(
      cropTextures({ images, conversions, onDecisions: (d) => decisions.push(...d) }),
    );
    const bytes = await io.writeBinary(part.document);
    const report = await validateGLB(bytes);
    expect(report.errorMessages, part.name).toEqual([]);
    const back = await io.readBinary(bytes);
    results.push({ part, bytes, comparison: compareColours(samples, await slotSamples(back)), samples });
  }
  expect(fingerprint(document)).toEqual(before);
  // Each image decoded once for the whole model, although every part holds its own copy of it.
  expect(images.size).toBe(
    new Set(
      document
        .getRoot()
        .listTextures()
        .map((t) => sha256Hex(t.getImage()!)),
    ).size,
  );
  return { model, parts, results, decisions };
}

describe('cropTextures on real models', () => {
  it('PartCrafter sword, split locally: 9 parts, each with only its texels, same colours (JPEG)', async () => {
    const { model, results, decisions } = await cropModel('PartCrafter_sword.glb', true);
    expect(results.length).toBe(9);
    expect(decisions.every((decision) => decision.cropped)).toBe(true);
    // spec-gloss diffuse, specular-glossiness and normal share TEXCOORD_0: one layout, all three cropped.
    expect(decisions[0]!.slots.sort()).toEqual([
      'KHR_materials_pbrSpecularGlossiness.diffuseTexture',
      'KHR_materials_pbrSpecularGlossiness.specularGlossinessTexture',
      'normalTexture',
    ]);
    const total = results.reduce((sum, result) => sum + result.bytes.byteLength, 0);
    expect(total).toBeLessThan(1.3 * model.bytes!.byteLength);
    for (const { part, comparison } of results) {
      expect(comparison.nearestPoints, part.name).toBeGreaterThan(comparison.points * 0.9);
      expect(comparison.worstNearest, part.name).toBeLessThanOrEqual(JPEG_TOLERANCE);
      expect(comparison.worstBilinear, part.name).toBeLessThanOrEqual(JPEG_TOLERANCE);
    }
  });

  it('CesiumMilkTruck: the body and both wheels cropped from the 2048² JPEG atlas, same colours', async () => {
    const { model, results, decisions } = await cropModel('CesiumMilkTruck.glb');
    expect(decisions.map((decision) => decision.cropped)).toEqual([true, true, true]);
    const total = results.reduce((sum, result) => sum + result.bytes.byteLength, 0);
    expect(total).toBeLessThan(1.3 * model.bytes!.byteLength);
    for (const { part, comparison } of results) {
      expect(comparison.points, part.name).toBeGreaterThan(0);
      expect(comparison.worstNearest, part.name).toBeLessThanOrEqual(JPEG_TOLERANCE);
      expect(comparison.worstBilinear, part.name).toBeLessThanOrEqual(JPEG_TOLERANCE);
    }
  });

  it('TextureTransformMultiTest: transformed slots keep their image whole, the others are cropped exactly (PNG)', async () => {
    const { results, decisions } = await cropModel('TextureTransformMultiTest.glb');
    const transformed = decisions.filter((decision) => decision.reason.includes('KHR_texture_transform'));
    expect(transformed.length).toBe(18);
    expect(
      transformed.every((decision) => !decision.cropped && decision.bytesAfter === decision.bytesBefore),
    ).toBe(true);
    expect(decisions.filter((decision) => decision.cropped).length).toBe(10);
    for (const { part, comparison, samples } of results) {
      if (samples.length === 0) continue;
      expect(comparison.worstNearest, part.name).toBe(0);
      expect(comparison.worstBilinear, part.name).toBeLessThanOrEqual(PNG_BILINEAR_TOLERANCE);
    }
    // Kept whole: the texture transform is still there, untouched.
    const uv0 = results.find(({ part }) => part.name === 'BaseColorUV0')!;
    const io = await createIO();
    const back = await io.readBinary(uv0.bytes);
    const info = back.getRoot().listMaterials()[0]!.getBaseColorTextureInfo()!;
    expect(info.getExtension('KHR_texture_transform')).not.toBeNull();
  });

  const packDir = useTempDir('textures-pack');
  it('a pack of cropped parts is validator-clean and reassembles into the source', async () => {
    const { model, parts } = await cropModel('CesiumMilkTruck.glb');
    const manifest = await writePack(join(packDir, 'truck'), parts, {
      source: {
        file: 'CesiumMilkTruck.glb',
        byteLength: model.bytes!.byteLength,
        sha256: sha256Hex(model.bytes!),
        strategy: 'nodes',
        reason: 'test',
      },
      bounds: sceneBounds(model.document),
    });
    await expectValidPack(join(packDir, 'truck'), manifest, model.document);
  });
});
