/**
 * parts/textures on generated models, one behaviour each: what is kept whole and why (tiling,
 * texture transform, morphed UVs, too little saved, 16-bit PNG), groups of slots that share a layout
 * (base colour + normal + ORM on TEXCOORD_0 with an emissive on TEXCOORD_1; two materials sharing an
 * image; images of different sizes), the direct encoder's entry, formats (WebP with and without a
 * fallback, JPEG of an image with alpha) and `shared` mode. Colours are compared at every triangle's
 * UV corners and centroid; PNG is exact.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  Document,
  type Material,
  type Primitive,
  type Texture,
  type TextureInfo,
} from '@gltf-transform/core';
import { KHRMaterialsVariants, KHRTextureTransform } from '@gltf-transform/extensions';
import validator from 'gltf-validator';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/hash.js';
import { type DecodedImage, decodeImage, encodeImage, ImageCache } from '../src/images/index.js';
import { createIO, planParts } from '../src/index.js';
import {
  CLAMP_TO_EDGE,
  cropPartTextures,
  cropTextures,
  groupSlots,
  listPartImages,
  planLayout,
  primitiveInputs,
  readImageInfo,
  remapUvs,
  SharedTextures,
  type TextureDecision,
} from '../src/parts/textures/index.js';
import { PackTextures } from '../src/parts/textures/pack-textures.js';
import { validateGLB } from './helpers/gltf-checks.js';
import { partDocuments } from './helpers/part-documents.js';
import { useTempDir } from './helpers/temp.js';
import { compareColours, slotSamples } from './helpers/texture-checks.js';

type Rect = [number, number, number, number];

/** An image whose every texel has its own colour (a misplaced texel cannot go unnoticed). */
function uniqueTexels(width: number, height: number, alpha = 255): DecodedImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = (x * 5) & 255;
      data[i + 1] = (y * 3) & 255;
      data[i + 2] = (x * 7 + y * 13) & 255;
      data[i + 3] = alpha === 255 ? 255 : (x + y) & 255;
    }
  return { width, height, data };
}

async function pngTexture(document: Document, name: string, size: number, alpha = 255): Promise<Texture> {
  const bytes = await encodeImage(uniqueTexels(size, size, alpha), 'png');
  return document.createTexture(name).setImage(bytes).setMimeType('image/png');
}

/** A primitive of one quad (two triangles) per UV rectangle; `uv1` rectangles give a TEXCOORD_1. */
function quads(document: Document, uv0: Rect[], material: Material, uv1?: Rect[]): Primitive {
  const buffer = document.getRoot().listBuffers()[0] ?? document.createBuffer();
  const positions: number[] = [];
  const uvs0: number[] = [];
  const uvs1: number[] = [];
  const indices: number[] = [];
  for (const [q, [u0, v0, u1, v1]] of uv0.entries()) {
    const base = positions.length / 3;
    positions.push(q, 0, 0, q + 1, 0, 0, q + 1, 1, 0, q, 1, 0);
    uvs0.push(u0, v1, u1, v1, u1, v0, u0, v0);
    if (uv1) {
      const [s0, t0, s1, t1] = uv1[q]!;
      uvs1.push(s0, t1, s1, t1, s1, t0, s0, t0);
    }
    indices.push(base, base + 1, base + 2, base, base + 2, base + 3);
  }
  const accessor = (type: 'VEC2' | 'VEC3' | 'SCALAR', array: Float32Array | Uint16Array) =>
    document.createAccessor().setType(type).setArray(array).setBuffer(buffer);
  const primitive = document
    .createPrimitive()
    .setAttribute('POSITION', accessor('VEC3', new Float32Array(positions)))
    .setAttribute('TEXCOORD_0', accessor('VEC2', new Float32Array(uvs0)))
    .setIndices(accessor('SCALAR', new Uint16Array(indices)))
    .setMaterial(material);
  if (uv1) primitive.setAttribute('TEXCOORD_1', accessor('VEC2', new Float32Array(uvs1)));
  return primitive;
}

/** A scene of mesh nodes, one per entry: each a part of the `nodes` strategy. */
function sceneOf(document: Document, meshes: Record<string, Primitive[]>): Document {
  const scene = document.createScene('scene');
  document.getRoot().setDefaultScene(scene);
  for (const [i, [name, primitives]] of Object.entries(meshes).entries()) {
    const mesh = document.createMesh(name);
    for (const primitive of primitives) mesh.addPrimitive(primitive);
    scene.addChild(
      document
        .createNode(name)
        .setMesh(mesh)
        .setTranslation([i * 3, 0, 0]),
    );
  }
  return document;
}

/** Splits by nodes, crops each part, writes and reads it back; returns each part's colours and file. */
async function cropAll(document: Document, options: Partial<Parameters<typeof cropTextures>[0]> = {}) {
  const io = await createIO();
  const images = new ImageCache();
  const out = [];
  for (const part of await partDocuments(document, await planParts(document, { strategy: 'nodes' }))) {
    const before = await slotSamples(part.document);
    const decisions: TextureDecision[] = [];
    await part.document.transform(
      cropTextures({ images, ...options, onDecisions: (d) => decisions.push(...d) }),
    );
    const bytes = await io.writeBinary(part.document);
    const report = await validateGLB(bytes);
    expect(report.errorMessages, part.name).toEqual([]);
    const back = await io.readBinary(bytes);
    out.push({
      name: part.name,
      decisions,
      back,
      bytes,
      comparison: compareColours(before, await slotSamples(back)),
    });
  }
  return out;
}

function expectExact(parts: Awaited<ReturnType<typeof cropAll>>): void {
  for (const { name, comparison } of parts) {
    expect(comparison.points, name).toBeGreaterThan(0);
    expect(comparison.worstNearest, name).toBe(0);
    expect(comparison.worstBilinear, name).toBeLessThanOrEqual(0.1);
  }
}

describe('cropTextures: what is cropped, what stays whole', () => {
  it('crops two parts of one atlas to their own regions, exactly', async () => {
    const document = new Document();
    const atlas = await pngTexture(document, 'atlas', 256);
    const material = document.createMaterial('m').setBaseColorTexture(atlas);
    sceneOf(document, {
      a: [
        quads(
          document,
          [
            [0.05, 0.05, 0.3, 0.2],
            [0.6, 0.1, 0.7, 0.4],
          ],
          material,
        ),
      ],
      b: [quads(document, [[0.1, 0.6, 0.45, 0.95]], material)],
    });
    const parts = await cropAll(document);
    expectExact(parts);
    for (const { back, decisions } of parts) {
      expect(decisions[0]!.cropped).toBe(true);
      const [width, height] = back.getRoot().listTextures()[0]!.getSize()!;
      expect(width * height).toBeLessThan(0.5 * 256 * 256);
      // What the manifest would record: the cropped image, its size and bytes.
      const carried = back.getRoot().listTextures()[0]!.getImage()!.byteLength;
      expect(listPartImages(back)).toEqual([
        { name: 'atlas', mimeType: 'image/png', width, height, byteLength: carried },
      ]);
      expect(decisions[0]!.bytesAfter).toBe(carried);
    }
  });

  it('keeps the image whole when the UVs tile with REPEAT, and crops the same UVs under CLAMP_TO_EDGE', async () => {
    for (const wrap of [10497, 33648, CLAMP_TO_EDGE] as Array<Parameters<TextureInfo['setWrapS']>[0]>) {
      const document = new Document();
      const texture = await pngTexture(document, 'tile', 64);
      const material = document.createMaterial('m').setBaseColorTexture(texture);
      material.getBaseColorTextureInfo()!.setWrapS(wrap).setWrapT(CLAMP_TO_EDGE);
      sceneOf(document, { a: [quads(document, [[0.9, 0.1, 1.2, 0.3]], material)] });
      const [part] = await cropAll(document);
      expect(part!.decisions[0]!.cropped, `wrap ${wrap}`).toBe(wrap === CLAMP_TO_EDGE);
      if (wrap !== CLAMP_TO_EDGE) expect(part!.decisions[0]!.reason).toMatch(/UVs tile .* repeats/);
      expectExact([part!]);
    }
  });

  it('keeps every slot of a UV set whole when one of them has a KHR_texture_transform', async () => {
    const document = new Document();
    const transformExtension = document.createExtension(KHRTextureTransform);
    const base = await pngTexture(document, 'base', 64);
    const normal = await pngTexture(document, 'normal', 64);
    const material = document.createMaterial('m').setBaseColorTexture(base).setNormalTexture(normal);
    material
      .getNormalTextureInfo()!
      .setExtension('KHR_texture_transform', transformExtension.createTransform().setScale([2, 2]));
    sceneOf(document, { a: [quads(document, [[0.1, 0.1, 0.2, 0.2]], material)] });
    const [part] = await cropAll(document);
    expect(part!.decisions).toHaveLength(1);
    expect(part!.decisions[0]!.cropped).toBe(false);
    expect(part!.decisions[0]!.reason).toBe('normalTexture has a KHR_texture_transform');
    const textures = part!.back.getRoot().listTextures();
    expect(textures.map((texture) => texture.getSize())).toEqual([
      [64, 64],
      [64, 64],
    ]);
    const info = part!.back.getRoot().listMaterials()[0]!.getNormalTextureInfo()!;
    expect(info.getExtension('KHR_texture_transform')).not.toBeNull();
  });

  it('keeps images whole when cropping saves less than 10 %, when UVs are morphed, and for 16-bit PNGs', async () => {
    const document = new Document();
    const texture = await pngTexture(document, 'wide', 64);
    const material = document.createMaterial('m').setBaseColorTexture(texture);
    const morphed = quads(document, [[0.1, 0.1, 0.2, 0.2]], material);
    const buffer = document.getRoot().listBuffers()[0]!;
    morphed.addTarget(
      document
        .createPrimitiveTarget()
        .setAttribute(
          'TEXCOORD_0',
          document.createAccessor().setType('VEC2').setArray(new Float32Array(8)).setBuffer(buffer),
        ),
    );
    const sixteen = document
      .createTexture('sixteen')
      .setImage(
        new Uint8Array(
          await (await import('sharp'))
            .default(Buffer.alloc(16 * 16 * 3 * 2, 7), { raw: { width: 16, height: 16, channels: 3 } })
            .toColourspace('rgb16')
            .png()
            .toBuffer(),
        ),
      )
      .setMimeType('image/png');
    expect(readImageInfo(sixteen.getImage()!).bitDepth).toBe(16);
    // A header that claims 100000² texels (the layout's grids would be allocated from it).
    const claimed = Uint8Array.from(texture.getImage()!);
    new DataView(claimed.buffer).setUint32(16, 100000);
    new DataView(claimed.buffer).setUint32(20, 100000);
    const huge = document.createTexture('huge').setImage(claimed).setMimeType('image/png');
    sceneOf(document, {
      whole: [quads(document, [[0, 0, 1, 1]], material)],
      morph: [morphed],
      deep: [
        quads(document, [[0.1, 0.1, 0.2, 0.2]], document.createMaterial('d').setBaseColorTexture(sixteen)),
      ],
    });
    const hugeResult = await cropPartTextures(
      [quads(document, [[0.1, 0.1, 0.2, 0.2]], document.createMaterial('h').setBaseColorTexture(huge))],
      { images: new ImageCache() },
    );
    expect(hugeResult.decisions.map((decision) => decision.reason)).toEqual([
      'images larger than 16384² texels (100000×100000)',
    ]);
    const parts = await cropAll(document);
    const reasons = parts.map((part) => part.decisions[0]!.reason);
    // UVs over the whole image: the margin makes the "crop" larger than the image.
    expect(reasons[0]).toMatch(/^cropping would keep 1\d\d % of the texels$/);
    expect(reasons.slice(1)).toEqual([
      'morph targets move the UVs',
      'sixteen is a 16-bit PNG (8-bit cropping would lose precision)',
    ]);
    expect(parts.every((part) => !part.decisions[0]!.cropped)).toBe(true);
  });
});

describe('cropTextures: slots that share a layout', () => {
  it('base colour, normal and ORM on TEXCOORD_0 share one layout; an emissive on TEXCOORD_1 gets its own', async () => {
    const document = new Document();
    const [base, normal, orm, emissive] = await Promise.all(
      ['base', 'normal', 'orm', 'emissive'].map((name) => pngTexture(document, name, 128)),
    );
    const material = document
      .createMaterial('m')
      .setBaseColorTexture(base!)
      .setNormalTexture(normal!)
      .setOcclusionTexture(orm!)
      .setMetallicRoughnessTexture(orm!)
      .setEmissiveTexture(emissive!)
      .setEmissiveFactor([1, 1, 1]);
    material.getEmissiveTextureInfo()!.setTexCoord(1);
    sceneOf(document, {
      a: [
        quads(
          document,
          [
            [0.1, 0.1, 0.3, 0.3],
            [0.5, 0.5, 0.6, 0.9],
          ],
          material,
          [
            [0.7, 0.7, 0.9, 0.8],
            [0.7, 0.85, 0.9, 0.95],
          ],
        ),
      ],
    });
    const [part] = await cropAll(document);
    expectExact([part!]);
    const decisions = part!.decisions;
    expect(decisions.map((decision) => decision.slots.sort())).toEqual([
      ['baseColorTexture', 'metallicRoughnessTexture', 'normalTexture', 'occlusionTexture'],
      ['emissiveTexture'],
    ]);
    expect(decisions.every((decision) => decision.cropped)).toBe(true);
    const root = part!.back.getRoot();
    const m = root.listMaterials()[0]!;
    // One layout: the three images of TEXCOORD_0 have one size; ORM is still one image for two slots.
    expect(m.getOcclusionTexture()).toBe(m.getMetallicRoughnessTexture());
    expect(m.getBaseColorTexture()!.getSize()).toEqual(m.getNormalTexture()!.getSize());
    expect(root.listTextures()).toHaveLength(4);
  });

  it('two materials sharing one image get one cropped image holding both regions', async () => {
    const document = new Document();
    const atlas = await pngTexture(document, 'atlas', 128);
    const red = document
      .createMaterial('red')
      .setBaseColorTexture(atlas)
      .setBaseColorFactor([1, 0.5, 0.5, 1]);
    const blue = document
      .createMaterial('blue')
      .setBaseColorTexture(atlas)
      .setBaseColorFactor([0.5, 0.5, 1, 1]);
    sceneOf(document, {
      a: [quads(document, [[0.05, 0.05, 0.2, 0.2]], red), quads(document, [[0.7, 0.7, 0.9, 0.8]], blue)],
    });
    const [part] = await cropAll(document);
    expectExact([part!]);
    const root = part!.back.getRoot();
    expect(root.listTextures()).toHaveLength(1);
    expect(part!.decisions).toHaveLength(1);
    expect(part!.decisions[0]!.cropped).toBe(true);
    expect(root.listMaterials().map((m) => m.getBaseColorTexture())).toEqual([
      root.listTextures()[0],
      root.listTextures()[0],
    ]);
  });

  it('a KHR_materials_variants material samples the same UVs: its image is cropped with the same layout', async () => {
    const document = new Document();
    const variants = document.createExtension(KHRMaterialsVariants);
    const day = await pngTexture(document, 'day', 128);
    const night = await pngTexture(document, 'night', 128);
    const dayMaterial = document.createMaterial('day').setBaseColorTexture(day);
    const nightMaterial = document.createMaterial('night').setBaseColorTexture(night);
    const primitive = quads(document, [[0.1, 0.1, 0.3, 0.2]], dayMaterial);
    const mapping = variants
      .createMapping()
      .setMaterial(nightMaterial)
      .addVariant(variants.createVariant('night'));
    primitive.setExtension('KHR_materials_variants', variants.createMappingList().addMapping(mapping));
    sceneOf(document, { a: [primitive] });
    const [part] = await cropAll(document);
    expectExact([part!]);
    expect(part!.decisions).toHaveLength(1);
    expect(part!.decisions[0]!.textures.sort()).toEqual(['day', 'night']);
    expect(part!.decisions[0]!.cropped).toBe(true);
    const sizes = part!.back
      .getRoot()
      .listTextures()
      .map((texture) => texture.getSize());
    expect(sizes[0]).toEqual(sizes[1]);
    expect(sizes[0]![0] * sizes[0]![1]).toBeLessThan(0.5 * 128 * 128);
  });

  it("a primitive whose only textured material is a variant's: the pack's texture work crops it too", async () => {
    // What the pack's texture work does with a primitive is what cropPartTextures does: a variant's
    // material counts even when the primitive's own has no texture (a shortcut that looked at the
    // primitive's own material alone once skipped it).
    for (const own of ['plain', 'none'] as const) {
      const document = new Document();
      const variants = document.createExtension(KHRMaterialsVariants);
      const night = await pngTexture(document, 'night', 128);
      const nightMaterial = document.createMaterial('night').setBaseColorTexture(night);
      const primitive = quads(document, [[0.1, 0.1, 0.3, 0.2]], document.createMaterial('plain'));
      if (own === 'none') primitive.setMaterial(null);
      const mapping = variants
        .createMapping()
        .setMaterial(nightMaterial)
        .addVariant(variants.createVariant('night'));
      primitive.setExtension('KHR_materials_variants', variants.createMappingList().addMapping(mapping));
      const direct = await cropPartTextures([primitive], { images: new ImageCache(), mode: 'crop' });
      const pack = new PackTextures({
        mode: 'crop',
        format: 'keep',
        webpFallback: false,
        images: new ImageCache(),
      });
      const result = (await pack.forPrimitives([primitive]))!;
      expect(direct.images.size, own).toBe(1);
      expect([result.images.size, result.uvs.size], own).toEqual([direct.images.size, direct.uvs.size]);
      expect(pack.decisions.map((decision) => decision.cropped)).toEqual([true]);
    }
  });

  it('images of different sizes in one material share the layout in UV space', async () => {
    const document = new Document();
    const base = await pngTexture(document, 'base', 256);
    const normal = await pngTexture(document, 'normal', 64);
    const material = document.createMaterial('m').setBaseColorTexture(base).setNormalTexture(normal);
    sceneOf(document, {
      a: [
        quads(
          document,
          [
            [0.1, 0.1, 0.25, 0.3],
            [0.6, 0.55, 0.8, 0.7],
          ],
          material,
        ),
      ],
    });
    const [part] = await cropAll(document);
    expectExact([part!]);
    expect(part!.decisions[0]!.cropped).toBe(true);
    const m = part!.back.getRoot().listMaterials()[0]!;
    const [bw, bh] = m.getBaseColorTexture()!.getSize()!;
    const [nw, nh] = m.getNormalTexture()!.getSize()!;
    expect([bw / nw, bh / nh]).toEqual([4, 4]);
  });

  it('refuses to share a layout between images whose sizes are not power-of-two multiples', async () => {
    const document = new Document();
    const base = await pngTexture(document, 'base', 96);
    const normal = await pngTexture(document, 'normal', 64);
    const material = document.createMaterial('m').setBaseColorTexture(base).setNormalTexture(normal);
    sceneOf(document, { a: [quads(document, [[0.1, 0.1, 0.2, 0.2]], material)] });
    const [part] = await cropAll(document);
    expect(part!.decisions[0]!.cropped).toBe(false);
    expect(part!.decisions[0]!.reason).toMatch(/not power-of-two multiples/);
  });
});

describe('the direct encoder entry, layouts and UV remapping', () => {
  it('cropPartTextures reads source primitives without changing them and matches the transform', async () => {
    const document = new Document();
    const atlas = await pngTexture(document, 'atlas', 128);
    const material = document.createMaterial('m').setBaseColorTexture(atlas);
    sceneOf(document, {
      a: [quads(document, [[0.1, 0.1, 0.3, 0.2]], material)],
      b: [quads(document, [[0.5, 0.5, 0.9, 0.9]], material)],
    });
    const uvs = document.getRoot().listMeshes()[0]!.listPrimitives()[0]!.getAttribute('TEXCOORD_0')!;
    const before = { image: sha256Hex(atlas.getImage()!), uvs: [...uvs.getArray()!] };
    const images = new ImageCache();
    const result = await cropPartTextures(document.getRoot().listMeshes()[0]!.listPrimitives(), { images });
    expect([...result.images.keys()]).toEqual([atlas]);
    expect([...result.uvs.keys()]).toEqual([uvs]);
    expect(result.uvs.get(uvs)).not.toBe(uvs.getArray());
    expect({ image: sha256Hex(atlas.getImage()!), uvs: [...uvs.getArray()!] }).toEqual(before);
    // The general path (a part Document) makes the same image and the same UVs.
    const [part] = await cropAll(document);
    const back = part!.back.getRoot();
    expect(sha256Hex(back.listTextures()[0]!.getImage()!)).toBe(sha256Hex(result.images.get(atlas)!.bytes));
    expect([
      ...back
        .listAccessors()
        .find((a) => a.getType() === 'VEC2')!
        .getArray()!,
    ]).toEqual([...result.uvs.get(uvs)!]);
  });

  it('layouts keep every used vertex in one rectangle, aligned to the cell, rectangles apart', async () => {
    const document = new Document();
    const atlas = await pngTexture(document, 'atlas', 512);
    const material = document.createMaterial('m').setBaseColorTexture(atlas);
    const islands: Rect[] = [];
    for (let i = 0; i < 12; i++)
      islands.push([
        (i % 4) * 0.25 + 0.02,
        Math.floor(i / 4) * 0.3 + 0.02,
        (i % 4) * 0.25 + 0.1,
        Math.floor(i / 4) * 0.3 + 0.12,
      ]);
    const primitive = quads(document, islands, material);
    const [group] = groupSlots(primitiveInputs([primitive]));
    const decision = planLayout(group!);
    const layout = decision.layout!;
    expect(layout.block).toBe(4);
    expect(layout.rects.length).toBe(12);
    for (const [i, a] of layout.rects.entries())
      for (const b of layout.rects.slice(i + 1)) {
        const apart = a.dx + a.w <= b.dx || b.dx + b.w <= a.dx || a.dy + a.h <= b.dy || b.dy + b.h <= a.dy;
        expect(apart).toBe(true);
      }
    const accessor = primitive.getAttribute('TEXCOORD_0')!;
    const rectOf = layout.vertexRects.get(accessor)!;
    expect([...rectOf].every((rect) => rect >= 0)).toBe(true);
    const source = accessor.getArray() as Float32Array;
    const copy = Float32Array.from(source);
    const moved = remapUvs(source, rectOf, layout);
    expect(source).toEqual(copy);
    for (let i = 0; i < rectOf.length; i++) {
      const rect = layout.rects[rectOf[i]!]!;
      // Texel offsets are whole cells: u·W moves by (dx − sx)·block exactly.
      expect(moved[i * 2]! * layout.width - source[i * 2]! * layout.refWidth).toBeCloseTo(
        (rect.dx - rect.sx) * layout.block,
        3,
      );
      expect(moved[i * 2]!).toBeGreaterThan(0);
      expect(moved[i * 2]!).toBeLessThan(1);
    }
  });

  it("estimates a JPEG source's quality and subsampling from its header", async () => {
    for (const [quality, subsampling, block] of [
      [80, '4:2:0', 16],
      [95, '4:4:4', 8],
    ] as const) {
      const jpeg = await encodeImage(uniqueTexels(32, 32), 'jpeg', {
        quality,
        mozjpeg: false,
        chromaSubsampling: subsampling,
      });
      expect(readImageInfo(jpeg)).toEqual({
        format: 'jpeg',
        jpegQuality: quality,
        chromaSubsampling: subsampling,
        blockSize: block,
      });
    }
  });
});

describe('--texture-format', () => {
  it('webp: EXT_texture_webp, required; with a fallback: optional, a PNG as the core source', async () => {
    for (const webpFallback of [false, true]) {
      const document = new Document();
      const atlas = await pngTexture(document, 'atlas', 128);
      const material = document.createMaterial('m').setBaseColorTexture(atlas);
      sceneOf(document, { a: [quads(document, [[0.1, 0.1, 0.3, 0.4]], material)] });
      const [part] = await cropAll(document, { format: 'webp', webpFallback });
      expectExact([part!]); // lossless source → lossless WebP
      const json = JSON.parse(
        new TextDecoder().decode(
          part!.bytes.subarray(
            20,
            20 + new DataView(part!.bytes.buffer, part!.bytes.byteOffset).getUint32(12, true),
          ),
        ),
      );
      expect(json.extensionsUsed).toContain('EXT_texture_webp');
      expect((json.extensionsRequired ?? []).includes('EXT_texture_webp')).toBe(!webpFallback);
      const texture = json.textures[0];
      expect(json.images[texture.extensions.EXT_texture_webp.source].mimeType).toBe('image/webp');
      if (webpFallback) expect(json.images[texture.source].mimeType).toBe('image/png');
      else expect(texture.source).toBeUndefined();
    }
  });

  it('jpeg: opaque images become JPEG; an image with alpha stays PNG', async () => {
    const document = new Document();
    const opaque = await pngTexture(document, 'opaque', 64);
    const alpha = await pngTexture(document, 'alpha', 64, 0);
    sceneOf(document, {
      a: [quads(document, [[0.1, 0.1, 0.3, 0.4]], document.createMaterial('o').setBaseColorTexture(opaque))],
      b: [quads(document, [[0.1, 0.1, 0.3, 0.4]], document.createMaterial('t').setBaseColorTexture(alpha))],
    });
    const parts = await cropAll(document, { format: 'jpeg' });
    expect(parts.map((part) => part.back.getRoot().listTextures()[0]!.getMimeType())).toEqual([
      'image/jpeg',
      'image/png',
    ]);
    expectExact([parts[1]!]);
  });
});

describe('--textures shared', () => {
  const dir = useTempDir('textures-shared');
  it('one file per distinct image under textures/, referenced as ../textures/<file>, validator-clean', async () => {
    const document = new Document();
    const atlas = await pngTexture(document, 'Atlas Main', 64);
    const other = await pngTexture(document, 'detail', 32);
    const material = document.createMaterial('m').setBaseColorTexture(atlas);
    const second = document.createMaterial('n').setBaseColorTexture(atlas).setNormalTexture(other);
    sceneOf(document, {
      a: [quads(document, [[0.1, 0.1, 0.3, 0.4]], material)],
      b: [quads(document, [[0.5, 0.5, 0.6, 0.6]], second)],
      c: [quads(document, [[0.2, 0.5, 0.6, 0.6]], material)],
    });
    const io = await createIO();
    const shared = new SharedTextures();
    const parts = await partDocuments(document, await planParts(document, { strategy: 'nodes' }));
    const written = [];
    for (const part of parts) {
      written.push({ name: part.name, ...(await shared.writePart(part.document, io)) });
      expect(listPartImages(part.document).every((image) => image.file?.startsWith('textures/'))).toBe(true);
    }
    const files = shared.files();
    expect(files.map((file) => file.path)).toEqual(['textures/Atlas_Main.png', 'textures/detail.png']);
    expect(written.map((part) => part.images.map((image) => image.path).sort())).toEqual([
      ['textures/Atlas_Main.png'],
      ['textures/Atlas_Main.png', 'textures/detail.png'],
      ['textures/Atlas_Main.png'],
    ]);
    for (const file of files) {
      await mkdir(dirname(join(dir, file.path)), { recursive: true });
      await writeFile(join(dir, file.path), file.bytes);
    }
    for (const part of written) {
      const path = join(dir, 'parts', `${part.name}.glb`);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, part.bytes);
      // The GLB is small (no image inside) and valid, its images found beside it.
      expect(part.bytes.byteLength).toBeLessThan(2000);
      const report = await validator.validateBytes(part.bytes, {
        uri: path,
        externalResourceFunction: async (uri: string) =>
          new Uint8Array(await readFile(join(dirname(path), decodeURIComponent(uri)))),
      } as Parameters<typeof validator.validateBytes>[1]);
      expect(report.issues.numErrors, JSON.stringify(report.issues.messages)).toBe(0);
      const back = await io.read(path);
      for (const texture of back.getRoot().listTextures()) {
        expect(texture.getURI()).toMatch(/^\.\.\/textures\/(Atlas_Main|detail)\.png$/);
        expect(texture.getImage()!.byteLength).toBeGreaterThan(0);
      }
    }
    // The same image bytes always get the same file.
    expect(shared.uriFor(atlas.getImage()!, 'image/png', 'anything')).toBe('../textures/Atlas_Main.png');
    const decoded = await decodeImage(files[0]!.bytes);
    expect(decoded.width).toBe(64);
  });
});
