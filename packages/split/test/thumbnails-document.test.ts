import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import {
  Document,
  type Buffer as GltfBuffer,
  Logger,
  type Mesh,
  type Primitive,
  type Scene,
} from '@gltf-transform/core';
import {
  KHRMaterialsSheen,
  KHRMaterialsTransmission,
  KHRMaterialsUnlit,
  KHRMeshQuantization,
  KHRTextureTransform,
} from '@gltf-transform/extensions';
import { describe, expect, it } from 'vitest';
import { decodeImage, encodeImage, ImageCache, imageFormatOf } from '../src/images/index.js';
import { createIO, listMeshNodes, planParts, readModel, selectScene, triangleCount } from '../src/index.js';
import { SHEEN_WEIGHT, TRANSMISSION_OPACITY } from '../src/pack/thumbnails/document-scene.js';
import {
  frameThumbnail,
  renderThumbnail,
  renderThumbnailPng,
  type ThumbnailSceneOptions,
  thumbnailSceneOf,
} from '../src/pack/thumbnails/index.js';
import { validateGLB } from './helpers/gltf-checks.js';
import { partDocuments } from './helpers/part-documents.js';
import { FIXTURES, listModels, SHARED_MODELS } from './helpers/paths.js';
import {
  coverage,
  coveredBox,
  cubeMesh,
  distinctColors,
  imageDifference,
  pixelOf,
  quadrantsImage,
  srgb8,
} from './helpers/thumbnail-checks.js';

const SIZE = 96;

/** glTF primitive modes (Primitive.Mode's values, typed without an index lookup). */
const MODE = { POINTS: 0, LINES: 1, TRIANGLES: 4, TRIANGLE_STRIP: 5, TRIANGLE_FAN: 6 } as const;
type MeshMode = Parameters<Primitive['setMode']>[0];

/** A Document with one buffer and a default scene. */
function newDocument(): { document: Document; buffer: GltfBuffer; scene: Scene } {
  const document = new Document();
  const buffer = document.createBuffer();
  const scene = document.createScene('scene');
  document.getRoot().setDefaultScene(scene);
  return { document, buffer, scene };
}

/** The 24-vertex cube of the renderer tests as a glTF primitive (float32 POSITION and NORMAL). */
function cubePrimitive(document: Document, buffer: GltfBuffer, withNormals = true): Primitive {
  const cube = cubeMesh();
  const primitive = document
    .createPrimitive()
    .setAttribute(
      'POSITION',
      document.createAccessor().setType('VEC3').setArray(new Float32Array(cube.positions)).setBuffer(buffer),
    )
    .setIndices(
      document.createAccessor().setType('SCALAR').setArray(new Uint16Array(cube.indices)).setBuffer(buffer),
    );
  if (withNormals)
    primitive.setAttribute(
      'NORMAL',
      document.createAccessor().setType('VEC3').setArray(new Float32Array(cube.normals!)).setBuffer(buffer),
    );
  return primitive;
}

/** A 2 × 2 quad facing +Z with TEXCOORD_0 mapping the image upright (UV (0, 0) at the top-left). */
function quadPrimitive(document: Document, buffer: GltfBuffer): Primitive {
  const accessor = (type: 'VEC2' | 'VEC3' | 'SCALAR', array: Float32Array | Uint16Array) =>
    document.createAccessor().setType(type).setArray(array).setBuffer(buffer);
  return document
    .createPrimitive()
    .setAttribute('POSITION', accessor('VEC3', new Float32Array([-1, -1, 0, 1, -1, 0, 1, 1, 0, -1, 1, 0])))
    .setAttribute('NORMAL', accessor('VEC3', new Float32Array([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1])))
    .setAttribute('TEXCOORD_0', accessor('VEC2', new Float32Array([0, 1, 1, 1, 1, 0, 0, 0])))
    .setIndices(accessor('SCALAR', new Uint16Array([0, 1, 2, 0, 2, 3])));
}

function meshOf(document: Document, ...primitives: Primitive[]): Mesh {
  const mesh = document.createMesh();
  for (const primitive of primitives) mesh.addPrimitive(primitive);
  return mesh;
}

async function render(document: Document, options: Partial<ThumbnailSceneOptions> = {}, size = SIZE) {
  const scene = await thumbnailSceneOf(document, { images: new ImageCache(), ...options });
  return { scene, image: renderThumbnail(scene, { size }), frame: frameThumbnail(scene, size) };
}

/** The document is valid glTF (so that what the renderer is tested on is what files hold). */
async function expectValid(document: Document): Promise<void> {
  const io = await createIO();
  const report = await validateGLB(await io.writeBinary(document));
  expect(report.errorMessages).toEqual([]);
}

/** A logger that keeps warnings. */
class RecordingLogger extends Logger {
  readonly warnings: string[] = [];
  constructor() {
    super(Logger.Verbosity.SILENT);
  }
  override warn(text: string): void {
    this.warnings.push(text);
  }
}

describe('thumbnailSceneOf: what a viewer draws of a Document', () => {
  it('draws skinned meshes in their rest pose, positions and normals', async () => {
    // A tall box bound to one joint that the rest pose turns 90° about Z: drawn lying down.
    const { document, buffer, scene } = newDocument();
    const primitive = cubePrimitive(document, buffer);
    const tall = primitive.getAttribute('POSITION')!;
    const points = tall.getArray() as Float32Array;
    for (let i = 1; i < points.length; i += 3) points[i]! *= 4;
    primitive
      .setAttribute(
        'JOINTS_0',
        document
          .createAccessor()
          .setType('VEC4')
          .setArray(new Uint8Array(24 * 4))
          .setBuffer(buffer),
      )
      .setAttribute(
        'WEIGHTS_0',
        document
          .createAccessor()
          .setType('VEC4')
          .setArray(new Float32Array(24 * 4).map((_, i) => (i % 4 === 0 ? 1 : 0)))
          .setBuffer(buffer),
      );
    const joint = document.createNode('joint').setRotation([0, 0, Math.SQRT1_2, Math.SQRT1_2]);
    const skin = document.createSkin().addJoint(joint);
    const skinned = document.createNode('body').setMesh(meshOf(document, primitive)).setSkin(skin);
    scene.addChild(skinned).addChild(joint);
    await expectValid(document);

    const { image } = await render(document);
    const box = coveredBox(image)!;
    expect(box.maxX - box.minX).toBeGreaterThan(1.5 * (box.maxY - box.minY));

    // The same box placed by a plain node with the same rotation looks the same, light included.
    const { document: plain, buffer: plainBuffer, scene: plainScene } = newDocument();
    const still = cubePrimitive(plain, plainBuffer);
    const stillPoints = still.getAttribute('POSITION')!.getArray() as Float32Array;
    for (let i = 1; i < stillPoints.length; i += 3) stillPoints[i]! *= 4;
    plainScene.addChild(
      plain.createNode().setMesh(meshOf(plain, still)).setRotation([0, 0, Math.SQRT1_2, Math.SQRT1_2]),
    );
    const difference = imageDifference(image, (await render(plain)).image, 8);
    expect(difference.pixels).toBeLessThan(0.01 * coverage(image));
  });

  it('draws the fixtures’ skinned model (SimpleSkin) non-empty in its rest pose', async () => {
    const { document } = await readModel(join(FIXTURES, 'SimpleSkin.embedded.gltf'));
    const { image } = await render(document);
    expect(coverage(image)).toBeGreaterThan(SIZE * SIZE * 0.05);
  });

  it('draws morph targets at rest: base positions, whatever the weights say', async () => {
    const build = (withTarget: boolean) => {
      const { document, buffer, scene } = newDocument();
      const primitive = cubePrimitive(document, buffer);
      const mesh = meshOf(document, primitive);
      if (withTarget) {
        // The target stretches the cube to 5 units tall; weights 1 would show it.
        const deltas = new Float32Array(24 * 3);
        const base = primitive.getAttribute('POSITION')!.getArray() as Float32Array;
        for (let v = 0; v < 24; v++) if (base[v * 3 + 1]! > 0) deltas[v * 3 + 1] = 4.5;
        const target = document
          .createPrimitiveTarget()
          .setAttribute(
            'POSITION',
            document.createAccessor().setType('VEC3').setArray(deltas).setBuffer(buffer),
          );
        primitive.addTarget(target);
        mesh.setWeights([1]);
      }
      const node = document.createNode().setMesh(mesh);
      if (withTarget) node.setWeights([1]);
      scene.addChild(node);
      return document;
    };
    const morphed = build(true);
    await expectValid(morphed);
    const a = (await render(morphed)).image;
    const b = (await render(build(false))).image;
    expect(coverage(a)).toBeGreaterThan(0);
    expect(imageDifference(a, b, 0).pixels).toBe(0);
  });

  it('draws every EXT_mesh_gpu_instancing instance (SimpleInstancing)', async () => {
    const { document } = await readModel(join(FIXTURES, 'SimpleInstancing.glb'));
    const node = document
      .getRoot()
      .listNodes()
      .find((n) => n.getExtension('EXT_mesh_gpu_instancing'))!;
    const primitives = node.getMesh()!.listPrimitives().length;
    const { scene, image } = await render(document);
    expect(scene.meshes.length).toBeGreaterThan(primitives);
    expect(coverage(image)).toBeGreaterThan(0);
    node.setExtension('EXT_mesh_gpu_instancing', null);
    const single = await render(document);
    expect(single.scene.meshes).toHaveLength(primitives);
  });

  it('draws a mirrored node outside-out: its winding is reversed, its normals face out', async () => {
    const build = (scale: [number, number, number]) => {
      const { document, buffer, scene } = newDocument();
      scene.addChild(
        document
          .createNode()
          .setMesh(meshOf(document, cubePrimitive(document, buffer)))
          .setScale(scale),
      );
      return document;
    };
    const mirrored = build([-1, 1, 1]);
    await expectValid(mirrored);
    // The cube is symmetric: mirrored, it is the same cube, seen from outside with the same light.
    const difference = imageDifference(
      (await render(mirrored)).image,
      (await render(build([1, 1, 1]))).image,
      2,
    );
    expect(difference.pixels).toBe(0);
  });

  it('decodes quantized positions and normalized vertex colours', async () => {
    const { document, buffer, scene } = newDocument();
    document.createExtension(KHRMeshQuantization).setRequired(true);
    const unlit = document.createExtension(KHRMaterialsUnlit);
    const cube = cubeMesh();
    // Positions as normalized int16 (±0.5 → ±16383), the node scaling them back.
    const quantized = new Int16Array(cube.positions.length);
    for (let i = 0; i < quantized.length; i++) quantized[i] = Math.round(cube.positions[i]! * 2 * 32767);
    // One colour per face: 8-bit normalized RGB (the +X face 128/255, 64/255, 32/255).
    const colors = new Uint8Array(24 * 3);
    for (let v = 0; v < 24; v++) colors.set(v < 4 ? [128, 64, 32] : [255, 255, 255], v * 3);
    const primitive = document
      .createPrimitive()
      .setAttribute(
        'POSITION',
        document.createAccessor().setType('VEC3').setArray(quantized).setNormalized(true).setBuffer(buffer),
      )
      .setAttribute(
        'COLOR_0',
        document.createAccessor().setType('VEC3').setArray(colors).setNormalized(true).setBuffer(buffer),
      )
      .setIndices(
        document.createAccessor().setType('SCALAR').setArray(new Uint16Array(cube.indices)).setBuffer(buffer),
      )
      .setMaterial(document.createMaterial().setExtension('KHR_materials_unlit', unlit.createUnlit()));
    scene.addChild(document.createNode().setMesh(meshOf(document, primitive)).setScale([0.5, 0.5, 0.5]));
    await expectValid(document);
    const { image, frame } = await render(document);
    const reference = renderThumbnail({ meshes: [cube] }, { size: SIZE });
    expect(Math.abs(coverage(image) - coverage(reference))).toBeLessThan(0.01 * coverage(reference));
    expect(pixelOf(image, frame!, [0.5, 0, 0])).toEqual([...[128, 64, 32].map((c) => srgb8(c / 255)), 255]);
  });

  it('draws a KHR_materials_transmission surface see-through (glass), not as an opaque pane', async () => {
    const { document, buffer, scene } = newDocument();
    const unlit = document.createExtension(KHRMaterialsUnlit);
    const transmission = document.createExtension(KHRMaterialsTransmission);
    // A green glass quad in front of a red cube, both unlit (their colours are exact).
    const glass = document
      .createMaterial()
      .setBaseColorFactor([0, 1, 0, 1])
      .setExtension('KHR_materials_unlit', unlit.createUnlit())
      .setExtension('KHR_materials_transmission', transmission.createTransmission().setTransmissionFactor(1));
    const red = document
      .createMaterial()
      .setBaseColorFactor([1, 0, 0, 1])
      .setExtension('KHR_materials_unlit', unlit.createUnlit());
    scene.addChild(
      document.createNode().setMesh(meshOf(document, quadPrimitive(document, buffer).setMaterial(glass))),
    );
    scene.addChild(
      document
        .createNode()
        .setMesh(meshOf(document, cubePrimitive(document, buffer).setMaterial(red)))
        .setTranslation([0, 0, -0.8]),
    );
    await expectValid(document);
    const { image, frame } = await render(document);
    // Through the glass: mostly the red behind it, tinted green (opacity TRANSMISSION_OPACITY).
    const [r, g, b, a] = pixelOf(image, frame!, [0, 0, -0.8]);
    expect(a).toBe(255);
    expect(r).toBeGreaterThan(150);
    expect(g).toBeGreaterThan(60);
    expect(b).toBe(0);
    // Nothing behind it: the glass alone is mostly transparent.
    const [, , , alone] = pixelOf(image, frame!, [-0.9, -0.9, 0]);
    expect(alone).toBe(Math.round(TRANSMISSION_OPACITY * 255));
  });

  it('draws a dark cloth with a KHR_materials_sheen colour in that colour, not near black', async () => {
    const { document, buffer, scene } = newDocument();
    const unlit = document.createExtension(KHRMaterialsUnlit);
    const sheen = document.createExtension(KHRMaterialsSheen);
    // ToyCar's seats: a dark grey base and a red sheen (unlit here, so the colour is exact).
    const fabric = document
      .createMaterial()
      .setBaseColorFactor([0.15, 0.15, 0.15, 1])
      .setExtension('KHR_materials_unlit', unlit.createUnlit())
      .setExtension('KHR_materials_sheen', sheen.createSheen().setSheenColorFactor([1, 0, 0]));
    scene.addChild(
      document.createNode().setMesh(meshOf(document, quadPrimitive(document, buffer).setMaterial(fabric))),
    );
    await expectValid(document);
    const { image, frame } = await render(document);
    expect(pixelOf(image, frame!, [0, 0, 0])).toEqual([srgb8(SHEEN_WEIGHT), srgb8(0.15), srgb8(0.15), 255]);
  });

  it('draws strips and fans as the triangles they stand for, and skips points and lines', async () => {
    const build = (mode: MeshMode, order: number[], extra?: MeshMode) => {
      const { document, buffer, scene } = newDocument();
      const corners = [-1, -1, 0, 1, -1, 0, 1, 1, 0, -1, 1, 0];
      const positions = new Float32Array(order.flatMap((i) => corners.slice(i * 3, i * 3 + 3)));
      const primitive = document
        .createPrimitive()
        .setMode(mode)
        .setAttribute(
          'POSITION',
          document.createAccessor().setType('VEC3').setArray(positions).setBuffer(buffer),
        );
      const mesh = meshOf(document, primitive);
      if (extra !== undefined) {
        // Far away: if drawn or framed, it would shrink the quad.
        const far = new Float32Array([50, 50, 50, 60, 60, 60]);
        mesh.addPrimitive(
          document
            .createPrimitive()
            .setMode(extra)
            .setAttribute(
              'POSITION',
              document.createAccessor().setType('VEC3').setArray(far).setBuffer(buffer),
            ),
        );
      }
      scene.addChild(document.createNode().setMesh(mesh));
      return document;
    };
    const triangles = (await render(build(MODE.TRIANGLES, [0, 1, 2, 0, 2, 3]))).image;
    expect(coverage(triangles)).toBeGreaterThan(SIZE * SIZE * 0.3);
    for (const document of [
      build(MODE.TRIANGLE_STRIP, [0, 1, 3, 2]),
      build(MODE.TRIANGLE_FAN, [0, 1, 2, 3]),
      build(MODE.TRIANGLES, [0, 1, 2, 0, 2, 3], MODE.POINTS),
      build(MODE.TRIANGLES, [0, 1, 2, 0, 2, 3], MODE.LINES),
    ]) {
      await expectValid(document);
      expect(imageDifference((await render(document)).image, triangles, 2).pixels).toBe(0);
    }
    const pointsOnly = build(MODE.POINTS, [0, 1, 2, 3]);
    expect(coverage((await render(pointsOnly)).image)).toBe(0);
  });

  it('samples the base colour texture through the TEXCOORD_n and transform its texture info names', async () => {
    const { document, buffer, scene } = newDocument();
    const unlit = document.createExtension(KHRMaterialsUnlit);
    const png = await encodeImage(quadrantsImage(), 'png');
    const texture = document.createTexture('quadrants').setImage(png).setMimeType('image/png');
    const primitive = quadPrimitive(document, buffer);
    // TEXCOORD_0 all zeros (red everywhere); TEXCOORD_1 the real mapping, named by texCoord = 1.
    const real = primitive.getAttribute('TEXCOORD_0')!;
    primitive
      .setAttribute('TEXCOORD_1', real)
      .setAttribute(
        'TEXCOORD_0',
        document.createAccessor().setType('VEC2').setArray(new Float32Array(8)).setBuffer(buffer),
      );
    const material = document
      .createMaterial()
      .setBaseColorTexture(texture)
      .setExtension('KHR_materials_unlit', unlit.createUnlit());
    material.getBaseColorTextureInfo()!.setTexCoord(1);
    primitive.setMaterial(material);
    scene.addChild(document.createNode().setMesh(meshOf(document, primitive)));
    await expectValid(document);

    const { image, frame } = await render(document, {}, 160);
    expect(pixelOf(image, frame!, [-0.5, 0.5, 0])).toEqual([255, 0, 0, 255]);
    expect(pixelOf(image, frame!, [0.5, 0.5, 0])).toEqual([0, 255, 0, 255]);
    expect(pixelOf(image, frame!, [-0.5, -0.5, 0])).toEqual([0, 0, 255, 255]);
    expect(pixelOf(image, frame!, [0.5, -0.5, 0])).toEqual([255, 255, 255, 255]);

    // KHR_texture_transform: half the image to the right, read through TEXCOORD_1 still.
    const transforms = document.createExtension(KHRTextureTransform);
    material
      .getBaseColorTextureInfo()!
      .setExtension('KHR_texture_transform', transforms.createTransform().setOffset([0.5, 0]).setTexCoord(1));
    await expectValid(document);
    const shifted = await render(document, {}, 160);
    expect(pixelOf(shifted.image, shifted.frame!, [-0.5, 0.5, 0])).toEqual([0, 255, 0, 255]);
  });

  it('falls back to the base colour for KTX2 or broken images, with a warning, without throwing', async () => {
    for (const bytes of [
      new Uint8Array([0xab, 0x4b, 0x54, 0x58, 0x20, 0x32, 0x30, 0xbb, 0x0d, 0x0a, 0x1a, 0x0a]),
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]),
    ]) {
      const { document, buffer, scene } = newDocument();
      const logger = new RecordingLogger();
      document.setLogger(logger);
      const texture = document.createTexture('broken').setImage(bytes).setMimeType('image/png');
      const material = document
        .createMaterial()
        .setBaseColorFactor([0, 0.5, 0, 1])
        .setBaseColorTexture(texture);
      const primitive = quadPrimitive(document, buffer).setMaterial(material);
      // Two primitives with the same texture: one warning.
      scene.addChild(
        document
          .createNode()
          .setMesh(meshOf(document, primitive, quadPrimitive(document, buffer).setMaterial(material))),
      );
      const { image, frame } = await render(document);
      const [r, g, b, a] = pixelOf(image, frame!, [0, 0, -0.8]);
      expect([r, b, a]).toEqual([0, 0, 255]);
      expect(g).toBeGreaterThan(60);
      expect(logger.warnings).toHaveLength(1);
      expect(logger.warnings[0]).toMatch(/texture "broken" drawn as its material's base colour/);
    }
  });

  it('gives a fully transparent image for a document without meshes', async () => {
    const { document } = newDocument();
    expect((await render(document)).image.data.every((v) => v === 0)).toBe(true);
    const empty = await readModel(join(FIXTURES, 'trimesh_empty_nodes.glb'));
    const png = await renderThumbnailPng(empty.document, { images: new ImageCache(), size: 40 });
    const decoded = await decodeImage(png);
    expect(decoded.width).toBe(40);
    expect(decoded.data.every((v) => v === 0)).toBe(true);
  });

  it('renders a PNG of the requested size, transparent around the model', async () => {
    const { document } = await readModel(join(FIXTURES, 'TwoCubes.glb'));
    for (const size of [64, 200]) {
      const png = await renderThumbnailPng(document, { images: new ImageCache(), size });
      expect(imageFormatOf(png)).toBe('png');
      const image = await decodeImage(png);
      // Lossless, RGBA: exactly the rendered pixels.
      const rendered = renderThumbnail(await thumbnailSceneOf(document, { images: new ImageCache() }), {
        size,
      });
      expect(imageDifference(image, rendered, 0).pixels).toBe(0);
      expect([image.width, image.height]).toEqual([size, size]);
      expect(image.data[3]).toBe(0);
      expect(coverage(image)).toBeGreaterThan(size * size * 0.1);
      expect(distinctColors(image)).toBeGreaterThan(2);
    }
  });
});

/** How part files place a mesh: see the test below. */
const PART_FILE_SPACE: 'mesh' | 'world' = 'world';

describe('thumbnails of part files', () => {
  // Part files carry the source's world rotation and scale (split README: pivots and placements), so
  // a part drawn from the source in world space is what its own file shows (the camera frames the
  // bounds, so the pivot's translation does not matter). Skinned parts keep their skeleton's rest pose.
  it('a part drawn from the source Document (nodes, primitives, world space) looks like its own part file', async () => {
    const files = [
      'generated/nested-mirrored.glb',
      'generated/shared-mesh.glb',
      'generated/primitives.glb',
      'SimpleSkin.embedded.gltf',
      'BoxAnimated.glb',
      'SimpleInstancing.glb',
    ];
    for (const file of files) {
      const { document } = await readModel(join(FIXTURES, file));
      const plan = await planParts(document);
      const parts = await partDocuments(document, plan);
      expect(parts.length).toBeGreaterThan(0);
      for (const [i, part] of parts.entries()) {
        const planned = plan.parts[i]!;
        const own = (await render(part.document)).image;
        const fromSource = (
          await render(document, {
            nodes: [planned.nodes[0]!],
            space: PART_FILE_SPACE,
            ...(planned.primitive ? { primitives: [planned.primitive] } : {}),
          })
        ).image;
        const covered = coverage(own);
        expect(covered, `${file} ${part.name}`).toBeGreaterThan(0);
        expect(imageDifference(own, fromSource, 8).pixels, `${file} ${part.name}`).toBeLessThanOrEqual(
          Math.ceil(0.01 * covered),
        );
      }
    }
  });
});

/** Whether the default scene draws any triangle. */
function drawsTriangles(document: Document): boolean {
  return listMeshNodes(selectScene(document).scene).some((node) =>
    node
      .getMesh()!
      .listPrimitives()
      .some((primitive) => triangleCount(primitive) > 0),
  );
}

describe('thumbnails of every model (shared models when present, and the fixtures)', () => {
  // THUMBNAILS_OUT=<dir> keeps the renders, to look at them.
  const out = process.env.THUMBNAILS_OUT;
  const models = [
    ...listModels(SHARED_MODELS).map((path) => [`shared/${relative(SHARED_MODELS, path)}`, path]),
    ...listModels(FIXTURES).map((path) => [`fixtures/${relative(FIXTURES, path)}`, path]),
  ];
  it.each(models)('%s', async (_name, path) => {
    const { document } = await readModel(path);
    const png = await renderThumbnailPng(document, { images: new ImageCache(), size: 128 });
    const image = await decodeImage(png);
    expect([image.width, image.height]).toEqual([128, 128]);
    if (out) {
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, `${basename(path).replace(/\.(glb|gltf)$/i, '')}.png`), png);
    }
    if (!drawsTriangles(document)) {
      expect(coverage(image)).toBe(0);
      return;
    }
    // Something drawn, the background left transparent, and more than one flat colour.
    expect(coverage(image)).toBeGreaterThan(50);
    expect(coverage(image)).toBeLessThan(128 * 128);
    expect(distinctColors(image)).toBeGreaterThan(1);
  });
});
