import { basename, join } from 'node:path';
import {
  type Accessor,
  Document,
  type Material,
  type Node,
  type Texture,
  type TextureInfo,
} from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import { listAnimatedNodes } from '../src/detect/detect-parts.js';
import { sha256Hex } from '../src/hash.js';
import { createIO, type PartPlan, type PlannedPart, planParts, readModel } from '../src/index.js';
import type { PivotMode } from '../src/options.js';
import { canEncodeDirectly, encodePartDirectly, sourceAllowsDirect } from '../src/parts/direct-part.js';
import { splitPartDocument } from '../src/parts/general-part.js';
import { indexSource } from '../src/parts/source-index.js';
import { splitParts } from '../src/parts/split-parts.js';
import { listPartImages } from '../src/parts/textures/part-images.js';
import { validateGLB } from './helpers/gltf-checks.js';
import { FIXTURES, listModels, SHARED_MODELS } from './helpers/paths.js';

/**
 * The direct part encoder must write what the general path (a Document per part, glTF-Transform's
 * writer) writes, in meaning: both files are read back with glTF-Transform and described property by
 * property (values compared by hash of their bytes), and the manifest facts must be identical.
 */

const io = await createIO();

function texture(slot: Texture | null, info: TextureInfo | null) {
  if (!slot || !info) return null;
  return {
    name: slot.getName(),
    extras: slot.getExtras(),
    mimeType: slot.getMimeType(),
    image: sha256Hex(slot.getImage()!),
    texCoord: info.getTexCoord(),
    sampler: [info.getWrapS(), info.getWrapT(), info.getMagFilter(), info.getMinFilter()],
    infoExtras: info.getExtras(),
  };
}

function material(m: Material | null) {
  if (!m) return null;
  return {
    name: m.getName(),
    extras: m.getExtras(),
    alpha: [m.getAlphaMode(), m.getAlphaCutoff(), m.getDoubleSided()],
    factors: [m.getBaseColorFactor(), m.getEmissiveFactor(), m.getMetallicFactor(), m.getRoughnessFactor()],
    scales: [m.getNormalScale(), m.getOcclusionStrength()],
    baseColor: texture(m.getBaseColorTexture(), m.getBaseColorTextureInfo()),
    emissive: texture(m.getEmissiveTexture(), m.getEmissiveTextureInfo()),
    normal: texture(m.getNormalTexture(), m.getNormalTextureInfo()),
    occlusion: texture(m.getOcclusionTexture(), m.getOcclusionTextureInfo()),
    metallicRoughness: texture(m.getMetallicRoughnessTexture(), m.getMetallicRoughnessTextureInfo()),
  };
}

function accessor(a: Accessor | null) {
  if (!a) return null;
  const array = a.getArray()!;
  return {
    name: a.getName(),
    extras: a.getExtras(),
    layout: [a.getType(), a.getComponentType(), a.getNormalized(), a.getCount()],
    values: sha256Hex(new Uint8Array(array.buffer, array.byteOffset, array.byteLength)),
  };
}

/**
 * Node transforms, rounded: glTF-Transform's writer leaves out a translation within 1e-5 of zero
 * (MathUtils.eq), which the direct encoder writes as it is (a centre pivot of a symmetric part is
 * often ±3e-7 away from the origin).
 */
const rounded = (values: readonly number[]) => values.map((v) => Math.round(v * 1e4) / 1e4 || 0);

function node(n: Node): unknown {
  const mesh = n.getMesh();
  return {
    name: n.getName(),
    extras: n.getExtras(),
    trs: [n.getTranslation(), n.getRotation(), n.getScale()].map(rounded),
    mesh: mesh && {
      name: mesh.getName(),
      extras: mesh.getExtras(),
      weights: mesh.getWeights(),
      primitives: mesh.listPrimitives().map((p) => ({
        mode: p.getMode(),
        extras: p.getExtras(),
        material: material(p.getMaterial()),
        indices: accessor(p.getIndices()),
        attributes: Object.fromEntries(
          p
            .listSemantics()
            .sort()
            .map((semantic) => [semantic, accessor(p.getAttribute(semantic))]),
        ),
      })),
    },
    children: n.listChildren().map(node),
  };
}

/** Everything a part file means, as plain data. */
function describePart(document: Document) {
  const root = document.getRoot();
  const { copyright, extras, generator } = root.getAsset();
  return {
    asset: { copyright, extras, generator },
    extras: root.getExtras(),
    extensions: root.listExtensionsUsed().map((e) => e.extensionName),
    scenes: root.listScenes().map((scene) => ({
      name: scene.getName(),
      default: scene === root.getDefaultScene(),
      nodes: scene.listChildren().map(node),
    })),
    counts: [root.listMaterials().length, root.listTextures().length, root.listMeshes().length],
  };
}

/** Encodes every part of a planned document both ways; returns how many parts were compared. */
async function compareBothWays(document: Document, plan: PartPlan, pivot: PivotMode): Promise<number> {
  const index = indexSource(document);
  if (!sourceAllowsDirect(document)) return 0;
  let compared = 0;
  for (const [i, part] of plan.parts.entries()) {
    if (!canEncodeDirectly(index, part)) continue;
    const name = `part_${i}`;
    const { bytes, ...directFacts } = await encodePartDirectly(index, part, name, pivot);
    const { document: general, ...generalFacts } = splitPartDocument(index, part, name, pivot);
    // splitParts lists the general path's images from its Document; the direct encoder as it writes them.
    expect(directFacts, part.id).toEqual({ ...generalFacts, images: listPartImages(general) });
    const direct = await io.readBinary(bytes);
    const written = await io.readBinary(await io.writeBinary(general));
    expect(describePart(direct), part.id).toEqual(describePart(written));
    compared++;
  }
  return compared;
}

/** A 1 × 1 PNG (valid: the validator reads its header). */
const PNG = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  ),
);

/**
 * Everything the direct encoder writes itself: a shared mesh (two placements), two primitives (one
 * a line list without indices or material), a 3-byte vertex colour (padded to a 4-byte stride),
 * a second UV set, every core material field and texture slot with a non-default sampler, extras on
 * every property, copyright and root extras.
 */
function buildEverything(): Document {
  const doc = new Document();
  doc.getRoot().getAsset().copyright = '© Someone, CC-BY 4.0';
  doc.getRoot().setExtras({ author: 'Someone' });
  const buffer = doc.createBuffer();
  const make = (type: 'SCALAR' | 'VEC2' | 'VEC3', array: Float32Array | Uint8Array | Uint16Array) =>
    doc.createAccessor().setType(type).setArray(array).setBuffer(buffer);
  const image = doc
    .createTexture('checker')
    .setImage(PNG)
    .setMimeType('image/png')
    .setExtras({ baked: true });
  const m = doc
    .createMaterial('painted')
    .setExtras({ kind: 'paint' })
    .setBaseColorFactor([0.5, 0.25, 1, 0.75])
    .setEmissiveFactor([0.1, 0, 0])
    .setMetallicFactor(0.3)
    .setRoughnessFactor(0.6)
    .setAlphaMode('MASK')
    .setAlphaCutoff(0.3)
    .setDoubleSided(true)
    .setBaseColorTexture(image)
    .setEmissiveTexture(image)
    .setNormalTexture(image)
    .setNormalScale(0.5)
    .setOcclusionTexture(image)
    .setOcclusionStrength(0.7)
    .setMetallicRoughnessTexture(image);
  m.getBaseColorTextureInfo()!
    .setTexCoord(1)
    .setWrapS(33648) // MIRRORED_REPEAT
    .setMagFilter(9728) // NEAREST
    .setExtras({ slot: 'base' });
  const positions = new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0.5]);
  const triangles = doc
    .createPrimitive()
    .setAttribute('POSITION', make('VEC3', positions).setName('positions').setExtras({ unit: 'm' }))
    .setAttribute('NORMAL', make('VEC3', new Float32Array([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1])))
    .setAttribute('TEXCOORD_0', make('VEC2', new Float32Array([0, 0, 1, 0, 0, 1, 1, 1])))
    .setAttribute('TEXCOORD_1', make('VEC2', new Float32Array([0, 0, 0.5, 0, 0, 0.5, 0.5, 0.5])))
    .setAttribute(
      'COLOR_0',
      make('VEC3', new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 99, 199])).setNormalized(true),
    )
    .setIndices(make('SCALAR', new Uint16Array([0, 1, 2, 1, 3, 2])))
    .setMaterial(m)
    .setExtras({ primitive: 1 });
  const lines = doc
    .createPrimitive()
    .setMode(1) // LINES
    .setAttribute('POSITION', make('VEC3', new Float32Array([0, 0, 0, 0, 2, 0])));
  const mesh = doc.createMesh('quad').addPrimitive(triangles).addPrimitive(lines).setExtras({ lod: 0 });
  const scene = doc.createScene('s');
  doc.getRoot().setDefaultScene(scene);
  const parent = doc.createNode('rig').setTranslation([0, 1, 0]).setScale([2, 2, 2]);
  scene.addChild(parent);
  parent.addChild(doc.createNode('a').setMesh(mesh).setTranslation([1, 2, 3]).setExtras({ tag: 'a' }));
  scene.addChild(doc.createNode('b').setMesh(mesh).setRotation([0, Math.SQRT1_2, 0, Math.SQRT1_2]));
  return doc;
}

describe('direct part encoder', () => {
  it.each(['original', 'center', 'bottom'] as const)(
    'writes what the general path writes, every core feature (pivot %s)',
    async (pivot) => {
      const doc = buildEverything();
      const plan = await planParts(doc);
      expect(plan.parts).toHaveLength(1);
      expect(plan.parts[0]!.nodes).toHaveLength(2);
      expect(await compareBothWays(doc, plan, pivot)).toBe(1);
      const index = indexSource(doc);
      const part = await encodePartDirectly(index, plan.parts[0]!, 'quad', pivot);
      const report = await validateGLB(part.bytes);
      expect(report.errorMessages).toEqual([]);
      // The same warnings as the general path's file (the normal map without tangents is the fixture's).
      const general = await validateGLB(
        await io.writeBinary(splitPartDocument(index, plan.parts[0]!, 'quad', pivot).document),
      );
      expect(report.warningMessages).toEqual(general.warningMessages);
      expect(report.warningMessages).toHaveLength(1);
      expect(part.textures).toBe(1);
      expect(part.materials).toBe(1);
    },
  );

  it.each(['original', 'center', 'bottom'] as const)(
    'writes the same frames as the general path, sheared (two nodes) and mirrored ones too (pivot %s)',
    async (pivot) => {
      const { document } = await readModel(join(FIXTURES, 'generated', 'sheared.glb'));
      const plan = await planParts(document);
      // tilted, mirror_tilted (both sheared, one mirrored) and the shared peg; spinning is animated.
      expect(await compareBothWays(document, plan, pivot)).toBe(3);
      const index = indexSource(document);
      const tilted = plan.parts.find((part) => part.sourceName === 'tilted')!;
      const { bytes } = await encodePartDirectly(index, tilted, 'tilted', pivot);
      expect((await validateGLB(bytes)).errorMessages).toEqual([]);
      const nodes = (await io.readBinary(bytes)).getRoot().listNodes();
      expect(nodes.map((node) => node.getName()).sort()).toEqual(['tilted', 'tilted_frame']);
    },
  );

  it('pads a 3-byte vertex colour to a 4-byte stride and reads it back exactly', async () => {
    const doc = buildEverything();
    const plan = await planParts(doc);
    const { bytes } = await encodePartDirectly(indexSource(doc), plan.parts[0]!, 'quad', 'original');
    const color = (await io.readBinary(bytes))
      .getRoot()
      .listMeshes()[0]!
      .listPrimitives()[0]!
      .getAttribute('COLOR_0')!;
    expect(Array.from(color.getArray()!)).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 99, 199]);
    expect(color.getNormalized()).toBe(true);
  });

  it('leaves skins, animations, morph targets, instancing and compression to the general path', async () => {
    /** For each fixture: does the direct encoder accept any part that has the feature? */
    const accepted = async (file: string, hasFeature: (part: PlannedPart, document: Document) => boolean) => {
      const { document } = await readModel(join(FIXTURES, file));
      const plan = await planParts(document);
      const index = indexSource(document);
      const withFeature = plan.parts.filter((part) => hasFeature(part, document));
      expect(withFeature.length, `${file} has such a part`).toBeGreaterThan(0);
      return withFeature.some((part) => sourceAllowsDirect(document) && canEncodeDirectly(index, part));
    };
    const first = (part: PlannedPart) => part.nodes[0]!;
    expect(
      await accepted('BoxAnimated.glb', (part, document) => listAnimatedNodes(document).has(first(part))),
    ).toBe(false);
    expect(await accepted('SimpleSkin.embedded.gltf', (part) => first(part).getSkin() !== null)).toBe(false);
    expect(
      await accepted('SimpleMorph.embedded.gltf', (part) =>
        part.mesh.listPrimitives().some((p) => p.listTargets().length > 0),
      ),
    ).toBe(false);
    expect(
      await accepted(
        'SimpleInstancing.glb',
        (part) => first(part).getExtension('EXT_mesh_gpu_instancing') !== null,
      ),
    ).toBe(false);
    expect(await accepted('Box_Draco.glb', () => true)).toBe(false);
    expect(await accepted('BoxMeshopt.glb', () => true)).toBe(false);
    expect(await accepted('TwoCubes.glb', () => true)).toBe(true);
  });

  it('leaves matrices of 1- or 2-byte components (columns padded to 4 bytes) to the general path', async () => {
    const withMatrix = (array: Uint8Array | Float32Array) => {
      const doc = new Document();
      const buffer = doc.createBuffer();
      const primitive = doc
        .createPrimitive()
        .setAttribute(
          'POSITION',
          doc
            .createAccessor()
            .setType('VEC3')
            .setArray(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]))
            .setBuffer(buffer),
        )
        .setAttribute('_M', doc.createAccessor().setType('MAT2').setArray(array).setBuffer(buffer));
      const scene = doc.createScene();
      doc.getRoot().setDefaultScene(scene);
      scene.addChild(doc.createNode('m').setMesh(doc.createMesh('m').addPrimitive(primitive)));
      return doc;
    };
    const accepts = async (doc: Document) => {
      const plan = await planParts(doc);
      return canEncodeDirectly(indexSource(doc), plan.parts[0]!);
    };
    expect(await accepts(withMatrix(new Uint8Array(12).fill(7)))).toBe(false);
    const floats = withMatrix(new Float32Array(12).fill(0.5));
    expect(await accepts(floats)).toBe(true);
    expect(await compareBothWays(floats, await planParts(floats), 'original')).toBe(1);
  });

  it('hands writePack encoded bytes for plain parts and Documents for the others, in plan order', async () => {
    const { document } = await readModel(join(FIXTURES, 'BoxAnimated.glb'));
    const plan = await planParts(document);
    const kinds: string[] = [];
    for await (const part of splitParts(document, plan)) kinds.push('bytes' in part ? 'bytes' : 'document');
    // BoxAnimated: a static inner box and an animated outer box.
    expect(kinds).toContain('bytes');
    expect(kinds).toContain('document');
    const forced: string[] = [];
    for await (const part of splitParts(document, plan, { direct: false }))
      forced.push('bytes' in part ? 'bytes' : 'document');
    expect(forced.every((kind) => kind === 'document')).toBe(true);
  });

  const models = [...listModels(FIXTURES), ...listModels(SHARED_MODELS)];
  it.each(models.map((path) => [basename(path), path]))(
    'matches the general path on %s',
    async (_name, path) => {
      const { document } = await readModel(path);
      let plan: PartPlan;
      try {
        plan = await planParts(document);
      } catch {
        return; // models that cannot be split are split-sweep.test.ts's business
      }
      await compareBothWays(document, plan, 'center');
    },
    60_000,
  );

  it('covers most parts of the real models (the sweep above is not empty)', async () => {
    let compared = 0;
    for (const file of ['TwoCubes.glb', 'PartCrafter_sword.glb', 'pmndrs_suzi.glb', 'trimesh_nested.glb']) {
      const { document } = await readModel(join(FIXTURES, file));
      compared += await compareBothWays(document, await planParts(document), 'original');
    }
    expect(compared).toBeGreaterThanOrEqual(4);
  });
});
