import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Document, NodeIO } from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import type { PivotMode } from '../src/options.js';
import { splitModel } from '../src/split-model.js';
import { validateGLB } from './helpers/gltf-checks.js';
import { FIXTURES } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

/**
 * A part moves as the model shows it, also when the motion comes from an animated ancestor: the
 * newcomer's trial played BoxAnimated's inner box, which rises with its parent node, and the part
 * file only turned. Checked the way an engine sees it: three.js plays the source and the part file
 * and the part's world bounds are compared over the clip (equal up to the pivot's offset, which is
 * the same at every time).
 */

const tmp = useTempDir('animated-ancestors');
const TIMES = [0, 0.25, 0.5, 1, 1.5, 2, 3];

/** What of three.js this test uses (the package ships no types: no @types/three for one test). */
interface Object3DLike {
  name: string;
  parent: Object3DLike | null;
  isMesh?: boolean;
  traverse(visit: (object: Object3DLike) => void): void;
  updateMatrixWorld(force: boolean): void;
}
interface ThreeLike {
  AnimationMixer: new (
    root: Object3DLike,
  ) => { clipAction(clip: unknown): { play(): void }; setTime(t: number): void };
  Box3: new () => {
    setFromObject(o: Object3DLike, precise: boolean): { getCenter(v: unknown): { toArray(): number[] } };
  };
  Vector3: new () => unknown;
}
interface LoaderLike {
  parse(data: ArrayBuffer, path: string, done: (gltf: Loaded) => void, fail: (error: unknown) => void): void;
}
interface Loaded {
  scene: Object3DLike;
  animations: unknown[];
}

/** Modules named in a variable: TypeScript does not look for their (absent) types. */
const importUntyped = (specifier: string): Promise<Record<string, unknown>> => import(specifier);

async function load(path: string): Promise<Loaded> {
  // three's GLTFLoader looks for `self` (a browser global) when it parses.
  (globalThis as { self?: unknown }).self ??= globalThis;
  const { GLTFLoader } = (await importUntyped('three/examples/jsm/loaders/GLTFLoader.js')) as {
    GLTFLoader: new () => LoaderLike;
  };
  const bytes = await readFile(path);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return new Promise((resolve, reject) => new GLTFLoader().parse(buffer, '', resolve, reject));
}

/** The world-space box centre of the mesh named `mesh` (or the first mesh) at each time, playing every clip. */
async function centres(path: string, mesh?: string): Promise<number[][]> {
  const THREE = (await importUntyped('three')) as unknown as ThreeLike;
  const { scene, animations } = await load(path);
  const mixer = new THREE.AnimationMixer(scene);
  for (const clip of animations) mixer.clipAction(clip).play();
  let target: Object3DLike | undefined;
  scene.traverse((object) => {
    if (object.isMesh && (!mesh || object.name === mesh || object.parent?.name === mesh)) target ??= object;
  });
  expect(target, `a mesh in ${path}`).toBeDefined();
  return TIMES.map((time) => {
    mixer.setTime(time);
    scene.updateMatrixWorld(true);
    return new THREE.Box3().setFromObject(target!, true).getCenter(new THREE.Vector3()).toArray();
  });
}

/** `centres` of the part minus those of the source: the same offset at every time means the same motion. */
function offsets(part: number[][], source: number[][]): number[][] {
  return part.map((row, i) => row.map((value, axis) => value - source[i]![axis]!));
}

/** A model whose mesh node has no animation of its own: its parent slides it along x, 0 → 4 in 2 s. */
async function slidingChild(): Promise<string> {
  const document = new Document();
  const buffer = document.createBuffer();
  const position = document
    .createAccessor()
    .setType('VEC3')
    .setArray(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]))
    .setBuffer(buffer);
  const mesh = document
    .createMesh('tri')
    .addPrimitive(document.createPrimitive().setAttribute('POSITION', position));
  const child = document.createNode('tri').setMesh(mesh).setTranslation([0, 2, 0]);
  const parent = document.createNode('slider').setTranslation([1, 0, 0]).addChild(child);
  const other = document
    .createNode('still')
    .setMesh(
      document
        .createMesh('still')
        .addPrimitive(document.createPrimitive().setAttribute('POSITION', position)),
    );
  document.createScene().addChild(parent).addChild(other);
  const times = document
    .createAccessor()
    .setType('SCALAR')
    .setArray(new Float32Array([0, 2]))
    .setBuffer(buffer);
  const values = document
    .createAccessor()
    .setType('VEC3')
    .setArray(new Float32Array([0, 0, 0, 4, 0, 0]))
    .setBuffer(buffer);
  const sampler = document
    .createAnimationSampler()
    .setInput(times)
    .setOutput(values)
    .setInterpolation('LINEAR');
  document
    .createAnimation('slide')
    .addSampler(sampler)
    .addChannel(
      document
        .createAnimationChannel()
        .setTargetNode(parent)
        .setTargetPath('translation')
        .setSampler(sampler),
    );
  const path = join(tmp, 'sliding-child.glb');
  await writeFile(path, await new NodeIO().writeBinary(document));
  return path;
}

describe('a part under an animated ancestor carries its motion', () => {
  for (const pivot of ['original', 'bottom', 'center'] as PivotMode[]) {
    it(`BoxAnimated's inner box rises with its parent (pivot ${pivot})`, async () => {
      const source = join(FIXTURES, 'BoxAnimated.glb');
      const dir = join(tmp, `box-${pivot}`);
      await splitModel(source, dir, { pivot, thumbnails: null, gallery: false });
      const part = join(dir, 'parts', 'inner_box.glb');
      const moved = offsets(await centres(part), await centres(source, 'inner_box'));
      for (const row of moved)
        for (const [axis, value] of row.entries()) expect(value).toBeCloseTo(moved[0]![axis]!, 4);
      if (pivot === 'original') for (const value of moved[0]!) expect(value).toBeCloseTo(0, 4);
      expect((await validateGLB(await readFile(part))).errorMessages).toEqual([]);
    });
  }

  it('a mesh node without an animation of its own slides with its parent', async () => {
    const source = await slidingChild();
    const dir = join(tmp, 'slide');
    const { manifest } = await splitModel(source, dir, { thumbnails: null, gallery: false });
    expect(manifest.parts.map((part) => part.name).sort()).toEqual(['still', 'tri']);
    const part = join(dir, 'parts', 'tri.glb');
    const [sourceCentres, partCentres] = [await centres(source, 'tri'), await centres(part)];
    // It moves (x + 3 at 1.5 s of the 2 s slide), and the same in the part file.
    expect(sourceCentres[TIMES.indexOf(1.5)]![0]! - sourceCentres[0]![0]!).toBeCloseTo(3, 4);
    for (const row of offsets(partCentres, sourceCentres))
      for (const value of row) expect(value).toBeCloseTo(0, 4);
    expect((await validateGLB(await readFile(part))).errorMessages).toEqual([]);
  });
});
