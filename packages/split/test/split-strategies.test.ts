import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIO, detectParts, inspectModel, NoLabelsError, readModel, splitModel } from '../src/index.js';
import {
  buildComponents,
  buildFlatColors,
  buildHostileNames,
  buildNestedMirrored,
  buildPartIdLabels,
  buildPrimitives,
  buildSharedMesh,
  HOSTILE_NAMES,
} from './helpers/fixture-builders.js';
import { expectValidPack } from './helpers/pack-checks.js';
import { FIXTURES } from './helpers/paths.js';
import { manifestSchemaErrors } from './helpers/schema.js';
import { useTempDir } from './helpers/temp.js';

const work = useTempDir('strategies');

/** Writes a built document as GLB bytes and reads it back, as a user's file would come in. */
async function asModel(document: ReturnType<typeof buildSharedMesh>, name: string) {
  const bytes = await (await createIO()).writeBinary(document);
  return readModel(bytes, { name });
}

describe('detectParts', () => {
  it('auto: several mesh nodes → nodes, with parents from the hierarchy', async () => {
    const { document } = await asModel(buildNestedMirrored(), 'nested.glb');
    const plan = detectParts(document);
    expect(plan.strategy).toBe('nodes');
    expect(plan.reason).toMatch(/4 mesh nodes/);
    const byName = new Map(plan.parts.map((part) => [part.sourceName, part]));
    expect([...byName.keys()]).toEqual(['body', 'arm_left', 'hand_left', 'arm_right']);
    expect(byName.get('body')!.parent).toBeNull();
    expect(byName.get('arm_left')!.parent).toBe(byName.get('body')!.id);
    expect(byName.get('hand_left')!.parent).toBe(byName.get('arm_left')!.id);
    // The mirror node between body and arm_right has no mesh: the enclosing part is body.
    expect(byName.get('arm_right')!.parent).toBe(byName.get('body')!.id);
  });

  it('auto: one mesh node with several primitives → primitives, named by material', async () => {
    const { document } = await asModel(buildPrimitives(), 'car.glb');
    const plan = detectParts(document);
    expect(plan.strategy).toBe('primitives');
    expect(plan.parts.map((part) => part.sourceName)).toEqual(['Body', 'Glass', 'Tire']);
    expect(plan.parts.map((part) => part.id)).toEqual(['node0.prim0', 'node0.prim1', 'node0.prim2']);
  });

  it('auto: primitives that share one material are chunks, not parts', async () => {
    const document = buildPrimitives();
    const mesh = document.getRoot().listMeshes()[0]!;
    const body = mesh.listPrimitives()[0]!.getMaterial();
    for (const primitive of mesh.listPrimitives()) primitive.setMaterial(body);
    const plan = detectParts(document);
    expect(plan.strategy).toBe('nodes');
    expect(plan.parts).toHaveLength(1);
    expect(plan.reason).toMatch(/3 primitives share one material/);
    expect(detectParts(document, { strategy: 'primitives' }).parts).toHaveLength(3);
  });

  it('auto: a _PART_ID attribute → attribute; flat colours → colors; plain fused mesh → one part', async () => {
    expect(detectParts((await asModel(buildPartIdLabels(), 'a.glb')).document)).toMatchObject({
      strategy: 'attribute',
      needsLabels: true,
      labels: { attribute: '_PART_ID', labelCount: 3 },
    });
    expect(detectParts((await asModel(buildFlatColors(), 'c.glb')).document)).toMatchObject({
      strategy: 'colors',
      needsLabels: true,
    });
    const plain = detectParts((await asModel(buildComponents(), 'f.glb')).document);
    expect(plain.strategy).toBe('nodes');
    expect(plain.parts).toHaveLength(1);
    expect(plain.reason).toMatch(/one part/);
  });

  it('a shared mesh is one part with several placements, or one part per node with separate', async () => {
    const { document } = await asModel(buildSharedMesh(), 'shared.glb');
    const shared = detectParts(document);
    expect(shared.parts.map((part) => [part.sourceName, part.nodes.length])).toEqual([
      ['pillar', 4],
      ['roof', 1],
    ]);
    const separate = detectParts(document, { instances: 'separate' });
    expect(separate.parts.map((part) => part.sourceName)).toEqual([
      'pillar_0',
      'pillar_1',
      'pillar_2',
      'pillar_3',
      'roof',
    ]);
    // The reason accounts for the count it gives: 5 nodes, 2 parts when they share meshes.
    expect(shared.reason).toBe(
      'the scene has 5 mesh nodes: one part per node; nodes that share a mesh are one part placed several times: 2 parts',
    );
    expect(separate.reason).toBe('the scene has 5 mesh nodes: one part per node');
  });

  it('the primitives strategy refuses a scene with several mesh nodes', async () => {
    const { document } = await asModel(buildSharedMesh(), 'shared.glb');
    expect(() => detectParts(document, { strategy: 'primitives' })).toThrow(/exactly one mesh node/);
  });

  it('splits only the default scene of a multi-scene file, and says so', async () => {
    const { document } = await readModel(join(FIXTURES, 'MultipleScenes.embedded.gltf'));
    const plan = detectParts(document);
    expect(plan.scene).toBe(document.getRoot().getDefaultScene());
    expect(plan.sceneNote).toMatch(/2 scenes; only the default scene/);
  });
});

describe('splitModel by strategy', () => {
  it.each([
    ['attribute', buildPartIdLabels, 'attribute', 3],
    ['colors', buildFlatColors, 'colors', 3],
    ['components (asked for; the speck is merged)', buildComponents, 'components', 3],
    ['primitives', buildPrimitives, 'primitives', 3],
    ['nodes', buildNestedMirrored, 'nodes', 4],
  ] as const)('%s', async (title, build, strategy, count) => {
    const model = await asModel(build(), `${strategy}.glb`);
    const { document: source } = await asModel(build(), `${strategy}.glb`);
    const out = join(work, title.split(' ')[0]!);
    const { manifest } = await splitModel(model, out, { strategy });
    expect(manifestSchemaErrors(manifest)).toBeNull();
    expect(manifest.source.strategy).toBe(strategy);
    expect(manifest.parts).toHaveLength(count);
    await expectValidPack(out, manifest, source);
  });

  it('an explicit label strategy without labels is a NoLabelsError', async () => {
    const model = await asModel(buildComponents(), 'plain.glb');
    await expect(splitModel(model, join(work, 'none'), { strategy: 'colors' })).rejects.toBeInstanceOf(
      NoLabelsError,
    );
    const again = await asModel(buildComponents(), 'plain.glb');
    await expect(
      splitModel(again, join(work, 'none'), { strategy: 'attribute', labels: { attribute: '_NOPE' } }),
    ).rejects.toThrow(/_NOPE/);
  });

  it('primitives keep only their own material', async () => {
    const out = join(work, 'materials');
    const { manifest } = await splitModel(await asModel(buildPrimitives(), 'car.glb'), out);
    expect(manifestSchemaErrors(manifest)).toBeNull();
    expect(manifest.parts.map((part) => [part.name, part.materials])).toEqual([
      ['Body', 1],
      ['Glass', 1],
      ['Tire', 1],
    ]);
    const { document } = await readModel(join(out, 'parts/Glass.glb'));
    expect(document.getRoot().listMaterials()[0]!.getName()).toBe('Glass');
  });
});

describe('names', () => {
  it('hostile node names become safe, unique file names; the source names are kept', async () => {
    const out = join(work, 'hostile');
    const { document: source } = await asModel(buildHostileNames(), 'hostile.glb');
    const { manifest } = await splitModel(await asModel(buildHostileNames(), 'hostile.glb'), out);
    expect(manifestSchemaErrors(manifest)).toBeNull();
    expect(manifest.parts.map((part) => part.sourceName)).toEqual(HOSTILE_NAMES);
    const names = manifest.parts.map((part) => part.name);
    expect(names).toContain('head');
    expect(names).toContain('頭部');
    expect(names.filter((name) => name.toLowerCase().startsWith('head'))).toHaveLength(3);
    for (const name of names) {
      expect(name.length).toBeGreaterThan(0);
      expect(Buffer.byteLength(`${name}.glb`)).toBeLessThanOrEqual(255);
      expect(name).not.toMatch(/[-_](col|colonly|convcol|noimp|rigid|vcol|loop|navmesh|occ)$/i);
    }
    // The part file's node and mesh carry the final name.
    for (const part of manifest.parts.slice(0, 4)) {
      const { document } = await readModel(join(out, part.file));
      expect(document.getRoot().listNodes()[0]!.getName()).toBe(part.name);
      expect(document.getRoot().listMeshes()[0]!.getName()).toBe(part.name);
    }
    await expectValidPack(out, manifest, source);
  });

  it('templates, case styles and rename maps apply', async () => {
    const out = join(work, 'renamed');
    const { manifest } = await splitModel(await asModel(buildNestedMirrored(), 'Robot.glb'), out, {
      naming: {
        template: '{model}_{index}_{name}',
        case: 'kebab',
        rename: [{ match: /^arm_(.*)$/, name: 'limb_$1' }],
      },
    });
    expect(manifestSchemaErrors(manifest)).toBeNull();
    expect(manifest.parts.map((part) => part.name)).toEqual([
      'robot-0-body',
      'robot-1-limb-left',
      'robot-2-hand-left',
      'robot-3-limb-right',
    ]);
    expect(manifest.parts.map((part) => part.sourceName)).toEqual([
      'body',
      'arm_left',
      'hand_left',
      'arm_right',
    ]);
  });
});

describe('splitModel for the pipeline', () => {
  it("records the user's model, the segmenter and the task when it splits a segmented GLB", async () => {
    const out = join(work, 'pipeline');
    const segmented = await asModel(buildNestedMirrored(), 'tripo-result.glb');
    const sourceFile = { file: 'robot.glb', byteLength: 1234, sha256: 'b'.repeat(64) };
    const { manifest } = await splitModel(segmented, out, {
      segmenter: 'tripo',
      taskId: '0b3c3c52-5b1e-4a55-9a0f-9c4a3f4f2a10',
      sourceFile,
      strategy: 'nodes',
      naming: { template: '{model}-{name}' },
    });
    expect(manifestSchemaErrors(manifest)).toBeNull();
    expect(manifest.source).toMatchObject({
      ...sourceFile,
      segmenter: 'tripo',
      taskId: '0b3c3c52-5b1e-4a55-9a0f-9c4a3f4f2a10',
      strategy: 'nodes',
    });
    expect(manifest.parts[0]!.name).toBe('robot-body');
  });

  it("names the user's model, not the segmented GLB, when the segmented GLB cannot be split", async () => {
    const empty = join(FIXTURES, 'trimesh_empty_nodes.glb');
    const sourceFile = { file: 'robot.glb', byteLength: 1234, sha256: 'b'.repeat(64) };
    await expect(splitModel(empty, join(work, 'empty'), { sourceFile })).rejects.toThrow(
      /^robot\.glb has nothing to split: the scene has no mesh nodes$/,
    );
    await expect(
      splitModel(join(FIXTURES, 'TwoCubes.glb'), join(work, 'over'), {
        sourceFile,
        strategy: 'nodes',
        limits: { maxParts: 1 },
      }),
    ).rejects.toThrow(/^robot\.glb splits into 2 parts, over the limit of 1/);
  });
});

describe('inspectModel', () => {
  it('reports what split would write, without writing', async () => {
    const report = await inspectModel(await asModel(buildSharedMesh(), 'shared.glb'));
    expect(report.strategy).toBe('nodes');
    expect(report.parts.map((part) => [part.name, part.placements, part.triangles])).toEqual([
      ['pillar', 4, 12],
      ['roof', 1, 12],
    ]);
    expect(report.triangles).toBe(24);
    expect(report.meshes).toBe(2);
  });
});
