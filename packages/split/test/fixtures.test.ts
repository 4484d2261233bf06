import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIO, readModel } from '../src/index.js';
import { GENERATED_FIXTURES } from './helpers/fixture-builders.js';
import { compareSoups, validateGLB, worldTriangles } from './helpers/gltf-checks.js';
import { FIXTURES } from './helpers/paths.js';

/**
 * The generated fixtures are reproducible: this test rebuilds each one and checks the committed file
 * holds the same scene (node names and world-space triangles). Regenerate them with
 * `UPDATE_FIXTURES=1 pnpm vitest run packages/split/test/fixtures.test.ts`.
 */
describe('generated fixtures', () => {
  it.each(Object.keys(GENERATED_FIXTURES))('%s matches its builder and is valid glTF', async (file) => {
    const path = join(FIXTURES, 'generated', file);
    const built = GENERATED_FIXTURES[file]!();
    if (process.env.UPDATE_FIXTURES || !existsSync(path)) {
      writeFileSync(path, await (await createIO()).writeBinary(built));
    }
    const { document, bytes } = await readModel(path);
    expect((await validateGLB(bytes)).errorMessages).toEqual([]);
    const names = (doc: typeof built) =>
      doc
        .getRoot()
        .listNodes()
        .map((node) => node.getName());
    expect(names(document)).toEqual(names(built));
    expect(compareSoups(worldTriangles(document), worldTriangles(built), 1e-6)).toBeNull();
  });
});
