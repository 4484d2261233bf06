import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document } from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import { readModel, segmentLocally, splitModel } from '../src/index.js';
import { expectStandalone, partFileTriangles } from './helpers/frame-checks.js';
import { soupBounds, validateGLB } from './helpers/gltf-checks.js';
import { expectValidPack } from './helpers/pack-checks.js';
import { FIXTURES, SHARED_MODELS } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

/**
 * Part files stand on their own: opened alone, a part shows as the source scene shows it (upright, at
 * its scale, mirrored where the source mirrors it). Each part file's own scene, read back with
 * glTF-Transform, draws the source node's world-space triangles: exactly with `original`, moved so
 * that the bounds' bottom centre is at the origin with `bottom`. The first placement is then a pure
 * translation (the identity with `original`), and every other placement rebuilds its own node.
 */

const work = useTempDir('frames');

/** Splits a model with each pivot and checks every part file stands on its own. */
function framesOf(
  title: string,
  path: string,
  prepare: (document: Document) => Promise<unknown> = async () => {},
): void {
  describe.skipIf(!existsSync(path))(title, () => {
    it.each(['original', 'bottom'] as const)(
      'every part file shows its part as the source scene does (pivot %s)',
      async (pivot) => {
        const model = await readModel(path);
        await prepare(model.document);
        const out = join(work, `${title.replace(/\W+/g, '-')}-${pivot}`);
        const { manifest } = await splitModel(model, out, { pivot });
        expect(manifest.parts.length).toBeGreaterThan(0);
        await expectStandalone(model.document, out, manifest, pivot);
        // And the pack still rebuilds the source (placed parts and `reassemble`), valid part files.
        if (pivot === 'bottom') await expectValidPack(out, manifest, model.document);
      },
      120_000,
    );
  });
}

framesOf('CesiumMilkTruck (rotated root, animated wheels)', join(FIXTURES, 'CesiumMilkTruck.glb'));
framesOf('ToyCar (scaled and rotated nodes)', join(SHARED_MODELS, 'ToyCar', 'ToyCar.gltf'));
framesOf('OrientationTest (rotations about every axis)', join(SHARED_MODELS, 'OrientationTest.glb'));
framesOf('NegativeScaleTest (mirrored nodes, shared meshes)', join(SHARED_MODELS, 'NegativeScaleTest.glb'));
framesOf(
  'PartCrafter_sword, segmented locally (Sketchfab root rotation)',
  join(FIXTURES, 'PartCrafter_sword.glb'),
  (document) => segmentLocally(document),
);
framesOf('sheared world matrices (generated)', join(FIXTURES, 'generated', 'sheared.glb'));
framesOf('nested and mirrored nodes (generated)', join(FIXTURES, 'generated', 'nested-mirrored.glb'));
framesOf('a skinned mesh (its joints pose it)', join(FIXTURES, 'SimpleSkin.embedded.gltf'));
framesOf('a skinned figure', join(SHARED_MODELS, 'CesiumMan.glb'));
framesOf('GPU instancing', join(FIXTURES, 'SimpleInstancing.glb'));

describe('opened as a user would', () => {
  it('the milk truck stands on its wheels with --pivot bottom', async () => {
    const out = join(work, 'truck-bottom');
    const { manifest } = await splitModel(join(FIXTURES, 'CesiumMilkTruck.glb'), out, { pivot: 'bottom' });
    const body = soupBounds(await partFileTriangles(out, 'parts/Cesium_Milk_Truck.glb'));
    const height = body.max[1]! - body.min[1]!;
    const length = body.max[2]! - body.min[2]!;
    // Upright: up is +y (2.32 high), the truck runs along z (4.87 long), and it stands on y = 0.
    expect(body.min[1]).toBeCloseTo(0, 9);
    expect(height).toBeCloseTo(2.3176, 3);
    expect(length).toBeCloseTo(4.8689, 3);
    // A wheel pair: two wheels side by side on one axle along x, both touching the ground, not one
    // stacked above the other.
    const wheels = await partFileTriangles(out, 'parts/Wheels.glb');
    const sides = [0, 1].map((side) => {
      const picked: number[] = [];
      for (let t = 0; t < wheels.length; t += 9) {
        const x = (wheels[t]! + wheels[t + 3]! + wheels[t + 6]!) / 3;
        if (x < 0 === (side === 0)) picked.push(...wheels.subarray(t, t + 9));
      }
      return soupBounds(Float64Array.from(picked));
    });
    for (const wheel of sides) {
      expect(wheel.min[1]).toBeCloseTo(0, 6);
      expect(wheel.max[1]).toBeCloseTo(0.8525, 3);
    }
    // The cab and tank rise far above the wheels' tops, as in the source.
    expect(body.max[1]).toBeGreaterThan(2.5 * sides[0]!.max[1]!);
    expect(manifest.parts.map((part) => part.bounds.min[1])).toEqual([0, 0, 0]);
  });

  it("the sword's blade stands upright with --pivot bottom", async () => {
    const model = await readModel(join(FIXTURES, 'PartCrafter_sword.glb'));
    await segmentLocally(model.document);
    const out = join(work, 'sword-bottom');
    const { manifest } = await splitModel(model, out, { pivot: 'bottom' });
    const longest = manifest.parts.reduce((a, b) => (b.triangles > a.triangles ? b : a));
    const { min, max } = soupBounds(await partFileTriangles(out, longest.file));
    const extent = [0, 1, 2].map((axis) => max[axis]! - min[axis]!);
    // The blade points up (y is its longest side), not lying flat along z as in the mesh's own space.
    expect(extent[1]).toBeGreaterThan(3 * Math.max(extent[0]!, extent[2]!));
  });
});

describe('sheared frames', () => {
  it('a sheared world matrix becomes two TRS nodes (valid glTF); an animated node under shear keeps its own', async () => {
    const out = join(work, 'sheared-nodes');
    const { manifest } = await splitModel(join(FIXTURES, 'generated', 'sheared.glb'), out);
    const tilted = manifest.parts.find((part) => part.sourceName === 'tilted')!;
    const bytes = new Uint8Array(await readFile(join(out, tilted.file)));
    expect((await validateGLB(bytes)).errorMessages).toEqual([]);
    const { document } = await readModel(bytes);
    const [frame] = document.getRoot().getDefaultScene()!.listChildren();
    expect(frame!.getName()).toBe(`${tilted.name}_frame`);
    expect(frame!.listChildren().map((node) => node.getName())).toEqual([tilted.name]);
    expect(frame!.listChildren()[0]!.getMesh()).not.toBeNull();
    // The animated box under a sheared parent keeps its own transform under two wrapper nodes.
    const spinning = manifest.parts.find((part) => part.sourceName === 'spinning')!;
    const animated = (await readModel(join(out, spinning.file))).document;
    const pivot = animated.getRoot().getDefaultScene()!.listChildren()[0]!;
    expect(pivot.getName()).toBe(`${spinning.name}_pivot`);
    expect(pivot.listChildren()[0]!.getName()).toBe(`${spinning.name}_frame`);
    const channel = animated.getRoot().listAnimations()[0]!.listChannels()[0]!;
    expect(channel.getTargetNode()!.getName()).toBe(spinning.name);
  });
});
