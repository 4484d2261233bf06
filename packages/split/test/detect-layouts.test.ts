import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Document } from '@gltf-transform/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorldMatrices, placedPositions, triangleIndices } from '../src/geometry.js';
import {
  inspectModel,
  listMeshNodes,
  planParts,
  readModel,
  type SplitModelOptions,
  segmentLocally,
  selectScene,
  splitModel,
} from '../src/index.js';
import { buildBlendedColors, distinctColors, partPalette, seeded } from './helpers/layout-fixtures.js';
import { expectValidPack } from './helpers/pack-checks.js';
import { FIXTURES, SHARED_MODELS } from './helpers/paths.js';

/**
 * The layouts of issue 13, each with its exact expected part count, validator-clean parts and an
 * exact reassembly (expectValidPack: every part through gltf-validator, world-space triangles
 * rebuilt from the part files and by `reassemble`).
 */

const work = mkdtempSync(join(tmpdir(), 'meshparts-layouts-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const generated = (file: string) => join(FIXTURES, 'generated', file);
let outputs = 0;

/** Splits a model into a fresh folder and runs every pack check against the source. */
async function splitAndCheck(path: string, options: SplitModelOptions = {}) {
  const out = join(work, `pack-${outputs++}`);
  const result = await splitModel(path, out, options);
  const { document: source } = await readModel(path);
  await expectValidPack(out, result.manifest, source);
  return result;
}

/** `color_rrggbb` of the colours a builder painted with. */
function paletteNames(parts: number, seed: number): string[] {
  const hex = (c: number) => c.toString(16).padStart(2, '0');
  return partPalette(parts, seeded(seed)).map(([r, g, b]) => `color_${hex(r)}${hex(g)}${hex(b)}`);
}

describe('blended vertex colours (trimesh: face colours averaged on merged vertices)', () => {
  it.each([
    ['blended-colors-7.glb', 7],
    ['blended-colors-34.glb', 34],
  ] as const)('%s splits into its %i part colours, blends treated as boundaries', async (file, parts) => {
    const path = generated(file);
    const { document } = await readModel(path);
    // The layout: many more distinct values than part colours.
    expect(distinctColors(document)).toBeGreaterThan(parts * 10);
    const { manifest, plan } = await splitAndCheck(path);
    expect(manifest.source.strategy).toBe('colors');
    expect(manifest.parts).toHaveLength(parts);
    expect(manifest.parts.map((part) => part.name).sort()).toEqual(paletteNames(parts, parts).sort());
    expect(plan.colors!.blends.length).toBeGreaterThan(parts);
    // Every blend mixes two or three of the part colours found.
    const found = new Set(plan.colors!.palette.map((color) => color.name));
    for (const blend of plan.colors!.blends) {
      expect(blend.of.length === 2 || blend.of.length === 3).toBe(true);
      for (const name of blend.of) expect(found.has(name)).toBe(true);
    }
  });

  it('votes each face to the part whose colour its corners carry: no stray boundary faces', async () => {
    // Every triangle of the generated mesh knows its part: each part's triangle count is exact.
    const { manifest } = await splitAndCheck(generated('blended-colors-7.glb'));
    const document = buildBlendedColors({ parts: 7, size: 60, seed: 7 });
    const total =
      document
        .getRoot()
        .listAccessors()
        .find((a) => a.getType() === 'SCALAR')!
        .getCount() / 3;
    expect(manifest.parts.reduce((sum, part) => sum + part.triangles, 0)).toBe(total);
    // No part is a sliver of boundary faces: the smallest holds hundreds of triangles.
    expect(Math.min(...manifest.parts.map((part) => part.triangles))).toBeGreaterThan(200);
  });

  it('inspect lists the palette and the blends', async () => {
    const report = await inspectModel(generated('blended-colors-7.glb'));
    expect(report.colors!.palette).toHaveLength(7);
    expect(report.colors!.palette.map((color) => color.name).sort()).toEqual(paletteNames(7, 7).sort());
    expect(report.colors!.blends.length).toBeGreaterThan(20);
    expect(report.reason).toMatch(/7 part colours.*blended colours where parts meet/);
  });

  it('merges the smallest colours on request, keeping the largest name and listing all', async () => {
    const { manifest, plan } = await splitAndCheck(generated('blended-colors-7.glb'), {
      granularity: { targetParts: 3 },
    });
    expect(manifest.parts).toHaveLength(3);
    const merged = manifest.parts.filter((part) => part.sourceNames);
    expect(merged.length).toBeGreaterThan(0);
    for (const part of merged) expect(part.sourceNames![0]).toBe(part.sourceName);
    expect(manifest.parts.flatMap((part) => part.sourceNames ?? [part.sourceName]).sort()).toEqual(
      paletteNames(7, 7).sort(),
    );
    expect(plan.merges!.every((merge) => merge.reason === 'target-parts')).toBe(true);
  });
});

describe('shells', () => {
  it('a colour of thousands of disconnected shells is one part, never cut into its shells', async () => {
    const { manifest } = await splitAndCheck(generated('color-shells.glb'));
    expect(manifest.source.strategy).toBe('colors');
    expect(manifest.parts).toHaveLength(2);
    expect(manifest.parts.map((part) => part.triangles)).toEqual([4000, 4000]);
    // Even asked to drop small parts, a labelled part's shells stay together.
    const coarse = await splitAndCheck(generated('color-shells.glb'), { granularity: { minPartArea: 0.1 } });
    expect(coarse.manifest.parts).toHaveLength(2);
  });
});

describe('fragments (Tripo with connectivity splitting)', () => {
  it('keeps every node by default', async () => {
    const { manifest } = await splitAndCheck(generated('fragments.glb'));
    expect(manifest.source.strategy).toBe('nodes');
    expect(manifest.parts).toHaveLength(82);
    expect(manifest.parts.every((part) => part.sourceNames === undefined)).toBe(true);
  });

  it.each([
    ['targetParts 6', { targetParts: 6 }],
    ['minPartArea 1 %', { minPartArea: 0.01 }],
  ] as const)('%s gives the six parts a person sees', async (_title, granularity) => {
    const { manifest } = await splitAndCheck(generated('fragments.glb'), { granularity });
    expect(manifest.parts).toHaveLength(6);
    expect(manifest.parts.map((part) => part.sourceNames!.length).sort((a, b) => a - b)).toEqual([
      13, 13, 13, 13, 13, 17,
    ]);
    for (const part of manifest.parts) {
      expect(part.sourceNames![0]).toBe(part.sourceName);
      expect(part.name).toBe(part.sourceName);
    }
    // 82 fragments, each listed once.
    expect(new Set(manifest.parts.flatMap((part) => part.sourceNames!)).size).toBe(82);
  });

  it('inspect says what was merged', async () => {
    const report = await inspectModel(generated('fragments.glb'), { granularity: { targetParts: 6 } });
    expect(report.parts).toHaveLength(6);
    expect(report.merges).toHaveLength(6);
    expect(report.merges.reduce((sum, merge) => sum + merge.sourceNames.length - 1, 0)).toBe(76);
    expect(report.reason).toMatch(/76 small parts merged into neighbours; 6 parts/);
  });
});

describe('generic names', () => {
  it('names parts after distinct materials, then meshes, without exporter debris', async () => {
    const { manifest } = await splitAndCheck(generated('generic-names.glb'));
    expect(manifest.parts).toHaveLength(20);
    const names = manifest.parts.map((part) => part.name);
    expect(names.slice(0, 6)).toEqual(['Blade', 'Guard', 'Grip', 'Pommel', 'Gem_Left', 'Gem_Right']);
    // Two parts share the material Rivet: not distinct, and their meshes are generic too.
    expect(names.slice(6, 8)).toEqual(['geometry_6', 'geometry_7']);
    expect(names.slice(17)).toEqual(['lid', 'staves', 'hoop']);
    // The manifest keeps the names as the model has them.
    expect(manifest.parts[0]!.sourceName).toBe('Blade.001');
    // One part of 200 shells stays one part.
    expect(manifest.parts[18]!.triangles).toBe(200 * 12);
  });

  it('keeps generic names when nothing better is in the model', async () => {
    const report = await inspectModel(generated('fragments.glb'));
    for (const part of report.parts) expect(part.name).toBe(part.sourceName);
    const { isGenericName } = await import('../src/detect/part-names.js');
    for (const name of ['geometry_0', 'Object_12', 'mesh_3', 'part_7', 'tripo_part_40', 'barrel_1.obj_1', ''])
      expect(isGenericName(name), name).toBe(true);
    for (const name of ['Wheel', 'Blade.001', 'left_arm', 'part'])
      expect(isGenericName(name), name).toBe(name === 'part');
  });
});

describe('template tokens for parts without meaningful names', () => {
  it('{color} names a part by its base colour, {region} by where it sits', async () => {
    const colors = await inspectModel(generated('primitives.glb'), { naming: { template: '{color}' } });
    // primitives.glb: base colour factors (linear light) 1/0.2/0.2, 0.2/1/0.2, 0.2/0.2/1, which show as
    // sRGB 255/124/124 and so on: pink, lime, and a blue that stays blue.
    expect(colors.parts.map((part) => part.name)).toEqual(['pink', 'lime', 'blue']);
    const regions = await inspectModel(generated('primitives.glb'), {
      naming: { template: '{region}_{name}' },
    });
    expect(regions.parts.map((part) => part.name)).toEqual(['right_Body', 'center_Glass', 'left_Tire']);
  });

  it('{color} of a specular-glossiness material is its diffuse colour, not its (white) base colour', async () => {
    const sword = join(FIXTURES, 'PartCrafter_sword.glb');
    const { document } = await readModel(sword);
    const material = document.getRoot().listMaterials()[0]!;
    expect(material.getExtension('KHR_materials_pbrSpecularGlossiness')).not.toBeNull();
    expect(material.getBaseColorFactor()).toEqual([1, 1, 1, 1]);
    const report = await inspectModel(sword, { strategy: 'components', naming: { template: '{color}' } });
    const names = report.parts.map((part) => part.name.replace(/_\d+$/u, ''));
    // The steel blade (the biggest part) is grey, the grip brown: read from the diffuse texture.
    expect(names[0]).toBe('gray');
    expect(names).toContain('brown');
    expect(names).not.toContain('white');
  });
});

/**
 * Front-face normals in world space, sorted: each triangle's winding normal, flipped where its node's
 * world matrix mirrors (glTF draws such triangles the other way round). Equal lists mean equal
 * geometry AND equal front faces.
 */
function frontFaces(document: Document): string[] {
  const worldOf = createWorldMatrices();
  const out: string[] = [];
  for (const node of listMeshNodes(selectScene(document).scene)) {
    const m = worldOf(node);
    const det =
      m[0] * (m[5] * m[10] - m[6] * m[9]) -
      m[4] * (m[1] * m[10] - m[2] * m[9]) +
      m[8] * (m[1] * m[6] - m[2] * m[5]);
    for (const primitive of node.getMesh()!.listPrimitives()) {
      const indices = triangleIndices(primitive);
      for (const points of placedPositions(primitive, node, worldOf)) {
        for (let t = 0; t < indices.length; t += 3) {
          const [a, b, c] = [indices[t]!, indices[t + 1]!, indices[t + 2]!].map((v) => [
            points[3 * v]!,
            points[3 * v + 1]!,
            points[3 * v + 2]!,
          ]) as [number[], number[], number[]];
          const u = [b[0]! - a[0]!, b[1]! - a[1]!, b[2]! - a[2]!];
          const v = [c[0]! - a[0]!, c[1]! - a[1]!, c[2]! - a[2]!];
          const normal = [
            u[1]! * v[2]! - u[2]! * v[1]!,
            u[2]! * v[0]! - u[0]! * v[2]!,
            u[0]! * v[1]! - u[1]! * v[0]!,
          ];
          const length = Math.hypot(...normal) * Math.sign(det);
          const centroid = [0, 1, 2].map((axis) => (a[axis]! + b[axis]! + c[axis]!) / 3);
          out.push(
            [...centroid, ...normal.map((x) => x / length)]
              .map((x) => (Math.round(x * 1e4) / 1e4 || 0).toFixed(4))
              .join(' '),
          );
        }
      }
    }
  }
  return out.sort();
}

describe('granularity on structure strategies', () => {
  it('merged nodes move into the largest one, transformed, mirrored ones with their front faces kept', async () => {
    const path = generated('nested-mirrored.glb');
    const { document: source } = await readModel(path);
    const model = await readModel(path);
    const plan = await planParts(model.document, { granularity: { targetParts: 1 } });
    expect(plan.parts).toHaveLength(1);
    expect(plan.parts[0]!.sourceNames).toHaveLength(4);
    expect(frontFaces(model.document)).toEqual(frontFaces(source));
    const { manifest } = await splitAndCheck(path, { granularity: { targetParts: 2 } });
    expect(manifest.parts).toHaveLength(2);
  });

  it('primitives merge into the one they touch, into one part file each group', async () => {
    const { manifest } = await splitAndCheck(generated('primitives.glb'), {
      strategy: 'primitives',
      granularity: { targetParts: 2 },
    });
    expect(manifest.source.strategy).toBe('primitives');
    expect(manifest.parts).toHaveLength(2);
    expect(manifest.parts.find((part) => part.sourceNames)!.sourceNames).toHaveLength(2);
  });
});

const skinned = ['Fox.glb', 'CesiumMan.glb', 'RiggedFigure.glb'].map((file) => join(SHARED_MODELS, file));

describe.skipIf(!skinned.every(existsSync))('bones', () => {
  it.each([
    ['Fox.glb', 11, 'Head'],
    ['CesiumMan.glb', 9, 'Skeleton_neck_joint_2'],
    ['RiggedFigure.glb', 10, 'neck_joint_2'],
  ] as const)('%s is cut by joints into %i skinned parts that still pose', async (file, count, head) => {
    const path = join(SHARED_MODELS, file);
    const { manifest } = await splitAndCheck(path, { strategy: 'bones' });
    expect(manifest.source.strategy).toBe('bones');
    expect(manifest.parts).toHaveLength(count);
    expect(manifest.parts.map((part) => part.name)).toContain(head);
    for (const part of manifest.parts) {
      const { document } = await readModel(readFileSync(join(work, `pack-${outputs - 1}`, part.file)));
      const skin = document.getRoot().listSkins()[0]!;
      expect(skin, part.name).toBeDefined();
      expect(
        document
          .getRoot()
          .listNodes()
          .some((node) => node.getSkin() === skin),
      ).toBe(true);
    }
  });

  // The length of the cuts, as edges that only one triangle of a part holds, summed over the parts:
  // before the surface smoothing (smooth-labels.ts) 240, 226 and 114, with RiggedFigure's head cube
  // split into two interleaved shells; and the mirrored limbs of each model cut alike.
  it.each([
    ['Fox.glb', 200, ['LeftLeg02', 'RightLeg02']],
    ['CesiumMan.glb', 190, ['leg_joint_L_1', 'leg_joint_R_1']],
    ['RiggedFigure.glb', 95, ['leg_joint_L_1', 'leg_joint_R_1']],
  ] as const)(
    '%s: the cuts follow the surface (at most %i cut edges), mirrored limbs alike',
    async (file, most, pair) => {
      const report = await inspectModel(join(SHARED_MODELS, file), { strategy: 'bones' });
      const { manifest } = await splitAndCheck(join(SHARED_MODELS, file), {
        strategy: 'bones',
        thumbnails: null,
      });
      expect(manifest.parts).toHaveLength(report.parts.length);
      let cut = 0;
      for (const part of manifest.parts) {
        const { document } = await readModel(readFileSync(join(work, `pack-${outputs - 1}`, part.file)));
        cut += openEdges(document);
      }
      expect(cut).toBeLessThanOrEqual(most);
      const [left, right] = pair.map((name) => manifest.parts.find((part) => part.name === name)!);
      expect(left!.triangles).toBe(right!.triangles);
    },
  );

  it('each part carries only the joints its vertices use, each vertex weighted to the same joints', async () => {
    const path = join(SHARED_MODELS, 'Fox.glb');
    const { manifest } = await splitAndCheck(path, { strategy: 'bones', thumbnails: null, gallery: false });
    const { document: source } = await readModel(path);
    const sourceSkin = source.getRoot().listSkins()[0]!;
    const influences = (document: Document) => {
      const skin = document.getRoot().listSkins()[0]!;
      const names = skin.listJoints().map((joint) => joint.getName());
      const keys = new Set<string>();
      for (const mesh of document.getRoot().listMeshes())
        for (const primitive of mesh.listPrimitives()) {
          const position = primitive.getAttribute('POSITION')!;
          const joints = primitive.getAttribute('JOINTS_0')!;
          const weights = primitive.getAttribute('WEIGHTS_0')!;
          for (let v = 0; v < position.getCount(); v++) {
            const j = joints.getElement(v, [] as number[]);
            const w = weights.getElement(v, [] as number[]);
            const pairs = j.flatMap((joint, k) => (w[k]! > 0 ? [`${names[joint]}:${w[k]!.toFixed(4)}`] : []));
            keys.add(`${position.getElement(v, [] as number[]).map((x) => x.toFixed(4))}|${pairs.sort()}`);
          }
        }
      return { keys, joints: names.length };
    };
    const all = influences(source);
    let bytes = 0;
    const jointCounts: number[] = [];
    for (const part of manifest.parts) {
      const { document } = await readModel(readFileSync(join(work, `pack-${outputs - 1}`, part.file)));
      const { keys, joints } = influences(document);
      jointCounts.push(joints);
      for (const key of keys) expect(all.keys.has(key), `${part.name}: ${key}`).toBe(true);
      bytes += part.byteLength;
    }
    // The tail's parts need no leg joints: every part has fewer joints than the rig's 24.
    expect(Math.max(...jointCounts)).toBeLessThan(sourceSkin.listJoints().length);
    // 11 parts with their own joints and channels: 2.2× the 163 kB file (4.9× with the whole rig each).
    expect(bytes).toBeLessThan(2.5 * readFileSync(path).byteLength);
  });

  it('is what the offline segmenter uses for a single skinned mesh', async () => {
    const { document } = await readModel(join(SHARED_MODELS, 'Fox.glb'));
    const result = await segmentLocally(document);
    expect(result.strategy).toBe('bones');
    expect(result.parts).toBe(11);
    expect(result.reason).toMatch(/skinned mesh/);
  });

  it('names parts after joints without rig prefixes and exporter numbers', async () => {
    const report = await inspectModel(join(SHARED_MODELS, 'Fox.glb'), { strategy: 'bones' });
    expect(report.parts.map((part) => part.name)).toEqual([
      'Hip',
      'Spine01',
      'Spine02',
      'Neck',
      'Head',
      'RightUpperArm',
      'LeftUpperArm',
      'Tail02',
      'Tail03',
      'LeftLeg02',
      'RightLeg02',
    ]);
    const arm = report.parts.find((part) => part.name === 'LeftUpperArm')!;
    expect(arm.sourceNames).toEqual(['LeftUpperArm', 'LeftForeArm', 'LeftHand']);
  });
});

const morphStress = join(SHARED_MODELS, 'MorphStressTest.glb');

describe.skipIf(!existsSync(morphStress))('the offline segmenter judges specks by area', () => {
  it("keeps MorphStressTest's base plate (12 triangles, a quarter of the area) and its material name", async () => {
    const model = await readModel(morphStress);
    const result = await segmentLocally(model.document);
    expect(result.strategy).toBe('components');
    const report = await inspectModel(model, { strategy: 'nodes' });
    const base = report.parts.find((part) => part.name === 'Base')!;
    expect(base.triangles).toBe(12);
    expect(report.parts).toHaveLength(9);
  });
});

/** Edges (by position) that only one triangle of the document holds: a part's cut edges and holes. */
function openEdges(document: Document): number {
  let open = 0;
  for (const mesh of document.getRoot().listMeshes()) {
    for (const primitive of mesh.listPrimitives()) {
      const position = primitive.getAttribute('POSITION')!;
      const key = (i: number) =>
        position
          .getElement(i, [] as number[])
          .map((x) => x.toFixed(4))
          .join(',');
      const indices = triangleIndices(primitive);
      const edges = new Map<string, number>();
      for (let t = 0; t < indices.length; t += 3) {
        for (let e = 0; e < 3; e++) {
          const a = key(indices[t + e]!);
          const b = key(indices[t + ((e + 1) % 3)]!);
          const edge = a < b ? `${a}|${b}` : `${b}|${a}`;
          edges.set(edge, (edges.get(edge) ?? 0) + 1);
        }
      }
      for (const count of edges.values()) if (count === 1) open++;
    }
  }
  return open;
}
