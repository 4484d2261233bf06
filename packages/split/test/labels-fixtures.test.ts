import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Document } from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import { createIO, readModel, splitModel } from '../src/index.js';
import { compareSoups, validateGLB, worldTriangles } from './helpers/gltf-checks.js';
import { expectValidPack } from './helpers/pack-checks.js';
import { FIXTURES } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';
import { componentsWithSpecks, flatColorBoxes, labelledGrid, skinnedMorphGrid } from './labels-fixtures.js';

const LABEL_FIXTURES_DIR = join(FIXTURES, 'labels');

/**
 * The label fixtures under fixtures/labels/, each with the split it must give through the whole
 * pipeline (`splitModel`). Written by this test when missing; regenerate with
 * `UPDATE_FIXTURES=1 pnpm vitest run packages/split/test/labels-fixtures.test.ts`.
 */
const CASES: Record<
  string,
  { build: () => Document; strategy: 'auto' | 'components'; expected: string; parts: number }
> = {
  'segment-shared-vertices.glb': {
    build: () =>
      labelledGrid({
        cols: 6,
        rows: 4,
        labelOf: (col) => (col < 2 ? 3 : col < 4 ? 7 : 9),
        semantic: '_SEGMENT',
        labelArray: 'u16',
        vertices: 'shared',
      }).document,
    strategy: 'auto',
    expected: 'attribute',
    parts: 3,
  },
  'feature-id.glb': {
    build: () =>
      labelledGrid({
        cols: 5,
        rows: 5,
        labelOf: (col, row) => (col + row) % 4,
        semantic: '_FEATURE_ID_0',
        vertices: 'separate',
      }).document,
    strategy: 'auto',
    expected: 'attribute',
    parts: 4,
  },
  'skinned-morph-part-id.glb': {
    build: () => skinnedMorphGrid().document,
    strategy: 'auto',
    expected: 'attribute',
    parts: 3,
  },
  'flat-colors-jitter.glb': {
    build: () =>
      flatColorBoxes(
        [
          [230, 25, 75],
          [60, 180, 75],
          [0, 130, 200],
          [230, 25, 75],
        ],
        true,
      ),
    strategy: 'auto',
    expected: 'colors',
    parts: 3,
  },
  'components-specks.glb': {
    build: () => componentsWithSpecks().document,
    strategy: 'components',
    expected: 'components',
    parts: 3,
  },
};

const work = useTempDir('labels-fixtures');

describe('label fixtures', () => {
  it.each(Object.keys(CASES))('%s is reproducible, valid, and splits as expected', async (file) => {
    const { build, strategy, expected, parts } = CASES[file]!;
    const path = join(LABEL_FIXTURES_DIR, file);
    const built = build();
    if (process.env.UPDATE_FIXTURES || !existsSync(path)) {
      mkdirSync(LABEL_FIXTURES_DIR, { recursive: true });
      writeFileSync(path, await (await createIO()).writeBinary(built));
    }
    const model = await readModel(path);
    expect((await validateGLB(model.bytes)).errorMessages).toEqual([]);
    expect(compareSoups(worldTriangles(model.document), worldTriangles(built), 1e-6)).toBeNull();

    const { document: source } = await readModel(path);
    const out = join(work, file);
    const { manifest } = await splitModel(model, out, { strategy });
    expect(manifest.source.strategy).toBe(expected);
    expect(manifest.parts).toHaveLength(parts);
    await expectValidPack(out, manifest, source);
  });
});
