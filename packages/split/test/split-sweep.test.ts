import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { triangleCount } from '../src/geometry.js';
import { ModelReadError, NoPartsError, readModel, splitModel } from '../src/index.js';
import { listMeshNodes, selectScene } from '../src/scene.js';
import { expectStandalone } from './helpers/frame-checks.js';
import { expectValidPack } from './helpers/pack-checks.js';
import { FIXTURES, listModels, SHARED_MODELS } from './helpers/paths.js';

/** Models that cannot be split, with the error they must give (everything else must split). */
const UNSPLITTABLE: Record<string, new (...args: never[]) => Error> = {
  'trimesh_empty_nodes.glb': NoPartsError,
};

const work = mkdtempSync(join(tmpdir(), 'meshparts-sweep-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function sweep(title: string, models: string[]): void {
  describe.skipIf(models.length === 0)(title, () => {
    it.each(models.map((path) => [basename(path), path]))(
      '%s',
      async (name, path) => {
        const out = join(work, `${title}-${name}`);
        const expectedError = UNSPLITTABLE[name];
        if (expectedError) {
          await expect(splitModel(path, out)).rejects.toBeInstanceOf(expectedError);
          return;
        }
        // Split a model read here: a label plan explodes its document in place, and the part ids and
        // placements name the nodes of that document.
        const model = await readModel(path);
        const { manifest } = await splitModel(model, out);
        const { document: source } = await readModel(path);
        expect(manifest.parts.length).toBeGreaterThan(0);
        // Triangles stored across parts × placements equal the source's (instances counted once).
        const sourceTriangles = listMeshNodes(selectScene(source).scene).reduce(
          (sum, node) =>
            sum +
            node
              .getMesh()!
              .listPrimitives()
              .reduce((s, p) => s + triangleCount(p), 0),
          0,
        );
        expect(manifest.parts.reduce((sum, part) => sum + part.triangles * part.placements.length, 0)).toBe(
          sourceTriangles,
        );
        await expectValidPack(out, manifest, source);
        // Each part file, opened alone, draws its part where the source does (first placement: the
        // identity); a shared mesh's other placements rebuild their nodes from it.
        await expectStandalone(model.document, out, manifest, 'original');
        // The other modes on the same model: pivots move the part files, never the rebuilt model.
        const other = `${out}-center-separate`;
        const again = await readModel(path);
        const variant = await splitModel(again, other, { pivot: 'center', instances: 'separate' });
        expect(variant.manifest.parts.every((part) => part.placements.length === 1)).toBe(true);
        await expectValidPack(other, variant.manifest, source);
        await expectStandalone(again.document, other, variant.manifest, 'center');
        // And cut by connected components (the offline segmenter's fallback), end to end.
        const pieces = `${out}-components`;
        const cut = await splitModel(path, pieces, { strategy: 'components' });
        expect(cut.manifest.source.strategy).toBe('components');
        await expectValidPack(pieces, cut.manifest, source);
      },
      120_000,
    );
  });
}

sweep('shared', listModels(SHARED_MODELS));
sweep('fixtures', listModels(FIXTURES));

describe('unreadable input', () => {
  it('is a ModelReadError', async () => {
    await expect(readModel(new Uint8Array([1, 2, 3]))).rejects.toBeInstanceOf(ModelReadError);
  });
});
