import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document } from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import { createIO, detectParts, readModel, splitModel } from '../src/index.js';
import { buildSharedMesh } from './helpers/fixture-builders.js';
import { partDocuments } from './helpers/part-documents.js';
import { FIXTURES } from './helpers/paths.js';
import { manifestSchemaErrors } from './helpers/schema.js';
import { useTempDir } from './helpers/temp.js';

const work = useTempDir('contents');

/** extensionsUsed / extensionsRequired of a GLB, read from its JSON chunk. */
function extensionsOf(path: string): { used: string[]; required: string[] } {
  const bytes = readFileSync(path);
  const json = JSON.parse(bytes.subarray(20, 20 + bytes.readUInt32LE(12)).toString('utf8'));
  return { used: json.extensionsUsed ?? [], required: json.extensionsRequired ?? [] };
}

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('what a part file keeps', () => {
  it.each([
    ['Box_Draco.glb', 'KHR_draco_mesh_compression'],
    ['BoxMeshopt.glb', 'EXT_meshopt_compression'],
  ])('%s: parts stay compressed with %s', async (file, extension) => {
    const out = join(work, file);
    const { manifest } = await splitModel(join(FIXTURES, file), out);
    expect(manifestSchemaErrors(manifest)).toBeNull();
    for (const part of manifest.parts) {
      const { used, required } = extensionsOf(join(out, part.file));
      expect(used).toContain(extension);
      expect(required).toContain(extension);
    }
  });

  it('only the textures its materials use, and no unused extensions', async () => {
    const document = new Document();
    const buffer = document.createBuffer();
    const scene = document.createScene();
    for (const name of ['red', 'blue']) {
      const texture = document
        .createTexture(`${name}_tex`)
        .setImage(new Uint8Array(PNG))
        .setMimeType('image/png');
      const material = document.createMaterial(name).setBaseColorTexture(texture);
      const primitive = document
        .createPrimitive()
        .setMaterial(material)
        .setAttribute(
          'POSITION',
          document
            .createAccessor()
            .setType('VEC3')
            .setArray(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]))
            .setBuffer(buffer),
        )
        .setAttribute(
          'TEXCOORD_0',
          document
            .createAccessor()
            .setType('VEC2')
            .setArray(new Float32Array([0, 0, 1, 0, 0, 1]))
            .setBuffer(buffer),
        );
      scene.addChild(document.createNode(name).setMesh(document.createMesh(name).addPrimitive(primitive)));
    }
    const parts = await partDocuments(document, detectParts(document));
    expect(
      parts.map((part) =>
        part.document
          .getRoot()
          .listTextures()
          .map((texture) => texture.getName()),
      ),
    ).toEqual([['red_tex'], ['blue_tex']]);
    expect(parts.map((part) => part.textures)).toEqual([1, 1]);
  });

  it('a skinned part keeps its skin, joints and their animation; the other part none of it', async () => {
    const { document } = await readModel(join(FIXTURES, 'SimpleSkin.embedded.gltf'));
    const [part] = await partDocuments(document, detectParts(document));
    const root = part!.document.getRoot();
    const skin = root.listSkins()[0]!;
    expect(skin.listJoints().map((joint) => joint.getName())).toEqual(
      document
        .getRoot()
        .listSkins()[0]!
        .listJoints()
        .map((joint) => joint.getName()),
    );
    const channels = root.listAnimations().flatMap((animation) => animation.listChannels());
    expect(channels.length).toBe(
      document
        .getRoot()
        .listAnimations()
        .flatMap((animation) => animation.listChannels()).length,
    );
    // Every channel drives a node of the part file.
    for (const channel of channels) expect(root.listNodes()).toContain(channel.getTargetNode());
  });

  it('animation channels go only to the part whose node they drive', async () => {
    const { document } = await readModel(join(FIXTURES, 'BoxAnimated.glb'));
    const plan = detectParts(document);
    const animatedNodes = new Set(
      document
        .getRoot()
        .listAnimations()
        .flatMap((animation) => animation.listChannels().map((channel) => channel.getTargetNode())),
    );
    const parts = await partDocuments(document, plan);
    for (const [i, part] of parts.entries()) {
      const channels = part.document
        .getRoot()
        .listAnimations()
        .flatMap((animation) => animation.listChannels());
      const own = plan.parts[i]!.nodes.some((node) => animatedNodes.has(node));
      expect(channels.length > 0).toBe(own);
    }
    expect(parts.some((part) => part.document.getRoot().listAnimations().length > 0)).toBe(true);
  });

  it('holds only its own accessors, materials and buffers (no clone-and-prune leftovers)', async () => {
    const { document } = await readModel(join(FIXTURES, 'generated/nested-mirrored.glb'));
    const plan = detectParts(document);
    for (const [i, part] of (await partDocuments(document, plan)).entries()) {
      const mesh = plan.parts[i]!.mesh;
      const own = new Set(
        mesh.listPrimitives().flatMap((primitive) => [...primitive.listAttributes(), primitive.getIndices()]),
      );
      own.delete(null);
      const root = part.document.getRoot();
      expect(root.listAccessors()).toHaveLength(own.size);
      expect(root.listMeshes()).toHaveLength(1);
      expect(root.listBuffers()).toHaveLength(1);
      expect(root.listNodes().map((node) => node.getName())).toEqual([part.name]);
    }
  });

  it('keeps the copyright and attribution of the source in every part', async () => {
    const document = buildSharedMesh();
    const asset = document.getRoot().getAsset();
    asset.copyright = '2026 Jane Doe';
    asset.extras = { author: 'Jane Doe', license: 'CC-BY-4.0' };
    const out = join(work, 'attribution');
    const { manifest } = await splitModel(
      await readModel(await (await createIO()).writeBinary(document)),
      out,
    );
    expect(manifestSchemaErrors(manifest)).toBeNull();
    for (const part of manifest.parts) {
      const bytes = readFileSync(join(out, part.file));
      const json = JSON.parse(bytes.subarray(20, 20 + bytes.readUInt32LE(12)).toString('utf8'));
      expect(json.asset).toMatchObject({
        copyright: '2026 Jane Doe',
        extras: { author: 'Jane Doe', license: 'CC-BY-4.0' },
        generator: expect.stringMatching(/^meshparts@\d+\.\d+\.\d+ \(glTF-Transform v/),
      });
    }
  });

  it('GPU instancing is kept on the part node', async () => {
    const { document } = await readModel(join(FIXTURES, 'SimpleInstancing.glb'));
    const [part] = await partDocuments(document, detectParts(document));
    const node = part!.document.getRoot().getDefaultScene()!.listChildren()[0]!;
    expect(node.getExtension('EXT_mesh_gpu_instancing')).not.toBeNull();
    const bytes = await (await createIO()).writeBinary(part!.document);
    expect(bytes.byteLength).toBeGreaterThan(0);
  });
});
