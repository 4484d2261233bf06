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

  it('original puts the part where the source draws it: the file carries the world transform', async () => {
    const bytes = await (await createIO()).writeBinary(buildNestedMirrored());
    const { document } = await readModel(bytes, { name: 'nested.glb' });
    const out = join(work, 'original-matrix');
    const { manifest } = await splitModel(await readModel(bytes, { name: 'nested.glb' }), out);
    expect(manifestSchemaErrors(manifest)).toBeNull();
    const byName = (name: string) =>
      document
        .getRoot()
        .listNodes()
        .find((n) => n.getName() === name)!;
    for (const name of ['hand_left', 'arm_right']) {
      const part = manifest.parts.find((entry) => entry.sourceName === name)!;
      // The placement is the identity: the file's node carries the node's world matrix itself.
      expect(part.placements[0]!.matrix).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
      const { document: file } = await readModel(join(out, part.file));
      const node = file.getRoot().listNodes()[0]!;
      const world = byName(name).getWorldMatrix();
      for (const [i, value] of node.getMatrix().entries()) expect(close(value, world[i]!)).toBe(true);
    }
    // The mirrored arm stays mirrored in its own file (a negative scale, as the source has).
    const arm = manifest.parts.find((entry) => entry.sourceName === 'arm_right')!;
    const { document: armFile } = await readModel(join(out, arm.file));
    const [sx, sy, sz] = armFile.getRoot().listNodes()[0]!.getScale();
    expect(sx * sy * sz).toBeLessThan(0);
  });
});
