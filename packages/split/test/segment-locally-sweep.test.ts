import { basename } from 'node:path';
import { unpartition } from '@gltf-transform/functions';
import { describe, expect, it } from 'vitest';
import { segmentLocally } from '../src/detect/segment-locally.js';
import { codecNeedsOf, createIO, readModel } from '../src/read/read-model.js';
import { listMeshNodes, selectScene } from '../src/scene.js';
import { compareSoups, validateGLB, worldTriangles } from './helpers/gltf-checks.js';
import { listModels, SHARED_MODELS } from './helpers/paths.js';

const models = listModels(SHARED_MODELS);

/**
 * The offline segmenter on every real sample model, forced to `components` so that every mesh is
 * exploded (auto would keep most of them, which already have several nodes): the written GLB has
 * no validator errors beyond those a plain glTF-Transform rewrite of the source already has (one
 * sample's clearcoat normal texture trips MESH_PRIMITIVE_NO_TANGENT_SPACE on any rewrite), and its
 * scene draws exactly the source's world-space triangles.
 */
describe.skipIf(models.length === 0)('segmentLocally on the shared models', () => {
  it.each(models.map((path) => [basename(path), path]))(
    '%s',
    async (_name, path) => {
      const { document } = await readModel(path);
      await document.transform(unpartition()); // a GLB holds one buffer
      const io = await createIO({ ...codecNeedsOf(document), encode: true });
      const baseline = new Set(errorCodes((await validateGLB(await io.writeBinary(document))).errorMessages));
      const before = worldTriangles(document);
      const meshNodesBefore = listMeshNodes(selectScene(document).scene).length;
      const result = await segmentLocally(document, { strategy: 'components' });
      expect(result.parts).toBeGreaterThanOrEqual(meshNodesBefore);
      const bytes = await io.writeBinary(document);
      const report = await validateGLB(bytes);
      expect(errorCodes(report.errorMessages).filter((code) => !baseline.has(code))).toEqual([]);
      const read = await io.readBinary(bytes);
      expect(compareSoups(worldTriangles(read), before)).toBeNull();
      expect(listMeshNodes(selectScene(read).scene).length).toBe(result.parts);
    },
    120_000,
  );
});

function errorCodes(messages: readonly string[]): string[] {
  return messages.map((message) => message.split(' ', 1)[0]!);
}
