import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIO, type PivotMode, readModel, splitModel } from '../src/index.js';
import { buildNestedMirrored } from './helpers/fixture-builders.js';
import { expectValidPack } from './helpers/pack-checks.js';
import { FIXTURES } from './helpers/paths.js';
import { manifestSchemaErrors } from './helpers/schema.js';
import { useTempDir } from './helpers/temp.js';

const work = useTempDir('pivot');
const close = (a: number, b: number) => Math.abs(a - b) < 1e-5;

describe('pivots', () => {
  const models: Array<[string, () => Promise<Uint8Array>]> = [
    ['nested and mirrored nodes', async () => (await createIO()).writeBinary(buildNestedMirrored())],
    [
      'a skinned, animated mesh',
      async () => new Uint8Array(readFileSync(join(FIXTURES, 'SimpleSkin.embedded.gltf'))),
    ],
    ['animated nodes', async () => new Uint8Array(readFileSync(join(FIXTURES, 'BoxAnimated.glb')))],
    ['GPU instancing', async () => new Uint8Array(readFileSync(join(FIXTURES, 'SimpleInstancing.glb')))],
  ];
  const pivots: PivotMode[] = ['original', 'center', 'bottom'];
  for (const [title, load] of models) {
    it.each(pivots)(
      `${title}: pivot %s rebuilds the source and puts the origin where it says`,
      async (pivot) => {
        const bytes = await load();
        const { document: source } = await readModel(bytes, { name: 'model.gltf' });
        const out = join(work, `${title.replace(/\W+/g, '-')}-${pivot}`);
        const { manifest } = await splitModel(await readModel(bytes, { name: 'model.gltf' }), out, { pivot });
        expect(manifestSchemaErrors(manifest)).toBeNull();
        for (const part of manifest.parts) {
          expect(part.pivot).toBe(pivot);
          const { min, max } = part.bounds;
          if (pivot === 'center') {
            for (let axis = 0; axis < 3; axis++) expect(close(min[axis]! + max[axis]!, 0)).toBe(true);
          }
          if (pivot === 'bottom') {
            expect(close(min[1], 0)).toBe(true);
            expect(close(min[0] + max[0], 0) && close(min[2] + max[2], 0)).toBe(true);
          }
        }
        await expectValidPack(out, manifest, source);
      },
    );
  }

  it.each(pivots)('an animated node scaled to zero at rest splits (pivot %s)', async (pivot) => {
    const document = buildNestedMirrored();
    const hand = document
      .getRoot()
      .listNodes()
      .find((node) => node.getName() === 'hand_left')!
      .setScale([0, 0, 0]);
    const buffer = document.getRoot().listBuffers()[0]!;
    const sampler = document
      .createAnimationSampler()
      .setInput(
        document
          .createAccessor()
          .setType('SCALAR')
          .setArray(new Float32Array([0, 1]))
          .setBuffer(buffer),
      )
      .setOutput(
        document
          .createAccessor()
          .setType('VEC3')
          .setArray(new Float32Array([0, 0, 0, 1, 1, 1]))
          .setBuffer(buffer),
      );
    document
      .createAnimation('grow')
      .addSampler(sampler)
      .addChannel(
        document.createAnimationChannel().setTargetNode(hand).setTargetPath('scale').setSampler(sampler),
      );
    const bytes = await (await createIO()).writeBinary(document);
    const out = join(work, `zero-scale-${pivot}`);
    const { manifest } = await splitModel(await readModel(bytes, { name: 'grow.glb' }), out, { pivot });
    expect(manifestSchemaErrors(manifest)).toBeNull();
    const part = manifest.parts.find((entry) => entry.sourceName === 'hand_left')!;
    const { document: file } = await readModel(join(out, part.file));
    expect(file.getRoot().listAnimations()[0]!.listChannels()[0]!.getTargetNode()!.getName()).toBe(part.name);
    await expectValidPack(out, manifest, (await readModel(bytes, { name: 'grow.glb' })).document);
  });

  it('original keeps the mesh in its own coordinates and the placement carries the world transform', async () => {
    const bytes = await (await createIO()).writeBinary(buildNestedMirrored());
    const { document } = await readModel(bytes, { name: 'nested.glb' });
    const out = join(work, 'original-matrix');
    const { manifest } = await splitModel(await readModel(bytes, { name: 'nested.glb' }), out);
    expect(manifestSchemaErrors(manifest)).toBeNull();
    const hand = manifest.parts.find((part) => part.sourceName === 'hand_left')!;
    const node = document
      .getRoot()
      .listNodes()
      .find((n) => n.getName() === 'hand_left')!;
    const world = node.getWorldMatrix();
    for (const [i, value] of hand.placements[0]!.matrix.entries()) expect(close(value, world[i]!)).toBe(true);
    // The hand mesh spans x 0..0.2 in its own space: that is what the part file holds.
    expect(close(hand.bounds.min[0], 0) && close(hand.bounds.max[0], 0.2)).toBe(true);
  });
});
