/**
 * Builders for the generated fixtures in fixtures/generated/ (written by fixtures.test.ts with
 * UPDATE_FIXTURES=1, checked against the committed files otherwise). Each returns a small Document
 * that exercises one behaviour of the split: every strategy, hostile names, nested and mirrored
 * nodes, shared meshes.
 */

import {
  Document,
  type Material,
  type Mesh,
  type Primitive,
  type vec3,
  type vec4,
} from '@gltf-transform/core';
import {
  buildBlendedColors,
  buildColorShells,
  buildFragments,
  buildGenericNames,
} from './layout-fixtures.js';
import { capsuleFigure } from './shape-fixtures.js';

/** A closed box as one indexed triangle list (8 corners, 12 triangles, outward winding). */
function boxArrays(center: vec3, size: vec3): { positions: Float32Array; indices: Uint16Array } {
  const [cx, cy, cz] = center;
  const [hx, hy, hz] = [size[0] / 2, size[1] / 2, size[2] / 2];
  const positions = new Float32Array(24);
  for (let i = 0; i < 8; i++) {
    positions[i * 3] = cx + (i & 1 ? hx : -hx);
    positions[i * 3 + 1] = cy + (i & 2 ? hy : -hy);
    positions[i * 3 + 2] = cz + (i & 4 ? hz : -hz);
  }
  // prettier-ignore
  const indices = new Uint16Array([
    0, 2, 1, 1, 2, 3, 4, 5, 6, 5, 7, 6, 0, 1, 4, 1, 5, 4, 2, 6, 3, 3, 6, 7, 0, 4, 2, 2, 4, 6, 1, 3, 5, 3, 7,
    5,
  ]);
  return { positions, indices };
}

function boxPrimitive(document: Document, center: vec3, size: vec3, material?: Material): Primitive {
  const buffer = document.getRoot().listBuffers()[0] ?? document.createBuffer();
  const { positions, indices } = boxArrays(center, size);
  const primitive = document
    .createPrimitive()
    .setAttribute('POSITION', document.createAccessor().setType('VEC3').setArray(positions).setBuffer(buffer))
    .setIndices(document.createAccessor().setType('SCALAR').setArray(indices).setBuffer(buffer));
  if (material) primitive.setMaterial(material);
  return primitive;
}

function boxMesh(document: Document, name: string, center: vec3 = [0, 0, 0], size: vec3 = [1, 1, 1]): Mesh {
  return document.createMesh(name).addPrimitive(boxPrimitive(document, center, size));
}

function sceneOf(document: Document, name: string) {
  const scene = document.createScene(name);
  document.getRoot().setDefaultScene(scene);
  return scene;
}

/** Names no file system accepts as they are, duplicates, empty names, long and non-Latin names. */
export const HOSTILE_NAMES: readonly string[] = [
  'a/b\\c',
  '..',
  '.',
  'CON',
  'con.txt',
  'NUL',
  'COM1',
  'LPT9',
  '',
  '   ',
  'x'.repeat(300),
  '😀👨‍👩‍👧',
  '頭部',
  'head',
  'Head',
  'head',
  'caf\u00e9',
  'cafe\u0301',
  'wall-col',
  'door_noimp',
  'bad\u0001name',
  '<>:"|?*',
  'trailing. ',
];

/** One node per hostile name, each with its own box mesh (unnamed, so the node name is the source). */
export function buildHostileNames(): Document {
  const document = new Document();
  const scene = sceneOf(document, 'hostile');
  HOSTILE_NAMES.forEach((name, i) => {
    const mesh = boxMesh(document, '', [0, 0, 0], [0.5, 0.5 + i * 0.01, 0.5]);
    scene.addChild(
      document
        .createNode(name)
        .setMesh(mesh)
        .setTranslation([i * 1.5, 0, 0]),
    );
  });
  return document;
}

/**
 * Nested mesh nodes under transformed parents, a mirrored branch (negative scale) and a rotated one:
 * placements must compose the whole parent chain, and mirrored parts must keep their geometry.
 */
export function buildNestedMirrored(): Document {
  const document = new Document();
  const scene = sceneOf(document, 'nested');
  const q = Math.SQRT1_2;
  const body = document.createNode('body').setMesh(boxMesh(document, 'body', [0, 1, 0], [1, 2, 0.5]));
  const arm = document
    .createNode('arm_left')
    .setMesh(boxMesh(document, 'arm', [0.5, 0, 0], [1, 0.2, 0.2]))
    .setTranslation([0.5, 1.5, 0])
    .setRotation([0, 0, q, q]);
  const hand = document
    .createNode('hand_left')
    .setMesh(boxMesh(document, 'hand', [0.1, 0, 0], [0.2, 0.3, 0.1]))
    .setTranslation([1, 0, 0])
    .setScale([1.5, 1.5, 1.5]);
  const mirror = document.createNode('mirror').setScale([-1, 1, 1]);
  const armRight = document
    .createNode('arm_right')
    .setMesh(boxMesh(document, 'arm_r', [0.5, 0.1, 0.05], [1, 0.2, 0.3]))
    .setTranslation([0.5, 1.5, 0]);
  const rig = document
    .createNode('rig')
    .setTranslation([0, 0, 2])
    .setRotation([q, 0, 0, q])
    .setScale([2, 2, 2]);
  scene.addChild(rig);
  rig.addChild(body);
  body.addChild(arm).addChild(mirror);
  arm.addChild(hand);
  mirror.addChild(armRight);
  return document;
}

/** One mesh placed by four nodes (modular reuse) beside one mesh used once. */
export function buildSharedMesh(): Document {
  const document = new Document();
  const scene = sceneOf(document, 'shared');
  const pillar = boxMesh(document, 'pillar', [0, 1, 0], [0.3, 2, 0.3]);
  for (let i = 0; i < 4; i++) {
    scene.addChild(
      document
        .createNode(`pillar_${i}`)
        .setMesh(pillar)
        .setTranslation([i % 2 ? 2 : -2, 0, i < 2 ? 2 : -2])
        .setRotation([0, Math.sin(i / 2), 0, Math.cos(i / 2)]),
    );
  }
  scene.addChild(document.createNode('roof').setMesh(boxMesh(document, 'roof', [0, 2.1, 0], [5, 0.2, 5])));
  return document;
}

/** One mesh node whose mesh has three primitives, each with its own named material. */
export function buildPrimitives(): Document {
  const document = new Document();
  const scene = sceneOf(document, 'car');
  const names = ['Body', 'Glass', 'Tire'];
  const mesh = document.createMesh('car');
  names.forEach((name, i) => {
    const material = document
      .createMaterial(name)
      .setBaseColorFactor([i === 0 ? 1 : 0.2, i === 1 ? 1 : 0.2, i === 2 ? 1 : 0.2, 1] as vec4);
    mesh.addPrimitive(boxPrimitive(document, [i * 1.2, 0, 0], [1, 1, 1], material));
  });
  scene.addChild(document.createNode('car').setMesh(mesh).setTranslation([0, 0.5, 0]));
  return document;
}

/** Several boxes fused into one primitive, as one list of vertices and indices. */
function fusedBoxes(document: Document, boxes: Array<{ center: vec3; size: vec3 }>): Primitive {
  const buffer = document.getRoot().listBuffers()[0] ?? document.createBuffer();
  const positions = new Float32Array(boxes.length * 24);
  const indices = new Uint16Array(boxes.length * 36);
  boxes.forEach((box, b) => {
    const arrays = boxArrays(box.center, box.size);
    positions.set(arrays.positions, b * 24);
    for (let i = 0; i < 36; i++) indices[b * 36 + i] = arrays.indices[i]! + b * 8;
  });
  return document
    .createPrimitive()
    .setAttribute('POSITION', document.createAccessor().setType('VEC3').setArray(positions).setBuffer(buffer))
    .setIndices(document.createAccessor().setType('SCALAR').setArray(indices).setBuffer(buffer));
}

const THREE_BOXES = [
  { center: [0, 0, 0] as vec3, size: [1, 1, 1] as vec3 },
  { center: [2, 0, 0] as vec3, size: [1, 2, 1] as vec3 },
  { center: [4, 0, 0] as vec3, size: [1, 1, 3] as vec3 },
];

/**
 * One fused mesh of the three boxes with a per-vertex attribute whose value for box `b` is
 * `labelOf(b)`: the label-carrying models that segmenters write.
 */
function labelledBoxes(
  sceneName: string,
  semantic: string,
  type: 'SCALAR' | 'VEC4',
  labelOf: (box: number) => number[],
): Document {
  const document = new Document();
  const primitive = fusedBoxes(document, THREE_BOXES);
  const size = type === 'SCALAR' ? 1 : 4;
  const values = new Float32Array(THREE_BOXES.length * 8 * size);
  for (let v = 0; v < THREE_BOXES.length * 8; v++) values.set(labelOf(Math.floor(v / 8)), v * size);
  const buffer = document.getRoot().listBuffers()[0]!;
  primitive.setAttribute(
    semantic,
    document.createAccessor().setType(type).setArray(values).setBuffer(buffer),
  );
  sceneOf(document, sceneName).addChild(
    document.createNode('model').setMesh(document.createMesh('model').addPrimitive(primitive)),
  );
  return document;
}

/** One fused mesh of three boxes whose vertices carry `_PART_ID` (box index), as a float attribute. */
export function buildPartIdLabels(): Document {
  return labelledBoxes('labelled', '_PART_ID', 'SCALAR', (box) => [box]);
}

/** One fused mesh of three boxes painted with one flat vertex colour per box (colour-coded segmentation). */
export function buildFlatColors(): Document {
  const palette = [
    [1, 0, 0, 1],
    [0, 1, 0, 1],
    [0, 0, 1, 1],
  ];
  return labelledBoxes('colors', 'COLOR_0', 'VEC4', (box) => palette[box]!);
}

/**
 * One fused mesh of three boxes (12 triangles each) and a tiny speck of 2 triangles beside the second
 * box: `components` must find three parts, the speck merged (it is far under 0.2 % of the area).
 */
export function buildComponents(): Document {
  const document = new Document();
  const primitive = fusedBoxes(document, THREE_BOXES);
  const positions = primitive.getAttribute('POSITION')!;
  const indices = primitive.getIndices()!;
  const base = positions.getCount();
  const speck = [2, 1.05, 0, 2.01, 1.05, 0, 2, 1.06, 0, 2.01, 1.06, 0];
  positions.setArray(Float32Array.from([...(positions.getArray() as Float32Array), ...speck]));
  const triangles = [base, base + 1, base + 2, base + 1, base + 3, base + 2];
  indices.setArray(Uint16Array.from([...(indices.getArray() as Uint16Array), ...triangles]));
  sceneOf(document, 'components').addChild(
    document.createNode('fused').setMesh(document.createMesh('fused').addPrimitive(primitive)),
  );
  return document;
}

/** A unit quaternion for `angle` radians about a unit axis. */
function turn(axis: vec3, angle: number): vec4 {
  const s = Math.sin(angle / 2);
  return [axis[0] * s, axis[1] * s, axis[2] * s, Math.cos(angle / 2)];
}

/**
 * World matrices with shear, which no single TRS can hold: rotated boxes under non-uniformly scaled
 * parents (one of them mirrored), an animated box under a sheared parent, and one mesh placed by two
 * nodes scaled along different rotated axes (so the second placement has shear too).
 */
export function buildSheared(): Document {
  const document = new Document();
  const scene = sceneOf(document, 'sheared');
  const stretch = document.createNode('stretch').setTranslation([0, 1, 0]).setScale([2, 0.5, 1]);
  scene.addChild(stretch);
  stretch.addChild(
    document
      .createNode('tilted')
      .setMesh(boxMesh(document, 'tilted', [0, 0.5, 0], [1, 1, 0.4]))
      .setRotation(turn([0, 0, 1], Math.PI / 4)),
  );
  const mirror = document.createNode('mirror_stretch').setTranslation([0, 0, 3]).setScale([-1.5, 1, 0.5]);
  scene.addChild(mirror);
  mirror.addChild(
    document
      .createNode('mirror_tilted')
      .setMesh(boxMesh(document, 'mirror_tilted', [0.3, 0, 0], [1, 0.6, 0.8]))
      .setRotation(turn([0, 1, 0], Math.PI / 6)),
  );
  const tilt = document.createNode('tilt').setRotation(turn([0, 0, 1], Math.PI / 4));
  stretch.addChild(document.createNode('stretch_again').setTranslation([0, 0, -3]).addChild(tilt));
  const spinning = document
    .createNode('spinning')
    .setMesh(boxMesh(document, 'spinning', [0, 0, 0], [0.6, 1.2, 0.6]))
    .setTranslation([0.5, 0, 0]);
  tilt.addChild(spinning);
  const buffer = document.getRoot().listBuffers()[0]!;
  const q = turn([0, 1, 0], Math.PI / 2);
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
        .setType('VEC4')
        .setArray(new Float32Array([0, 0, 0, 1, ...q]))
        .setBuffer(buffer),
    );
  document
    .createAnimation('spin')
    .addSampler(sampler)
    .addChannel(
      document.createAnimationChannel().setTargetNode(spinning).setTargetPath('rotation').setSampler(sampler),
    );
  const peg = boxMesh(document, 'peg', [0, 0.5, 0], [0.4, 1, 0.4]);
  scene.addChild(
    document
      .createNode('peg_0')
      .setMesh(peg)
      .setTranslation([3, 0, 0])
      .setRotation(turn([0, 0, 1], Math.PI / 4))
      .setScale([1, 3, 1]),
  );
  scene.addChild(
    document
      .createNode('peg_1')
      .setMesh(peg)
      .setTranslation([-3, 0, 0])
      .setRotation(turn([1, 0, 0], Math.PI / 6))
      .setScale([2, 1, 1]),
  );
  return document;
}

/**
 * One fused, watertight mesh as AI generators write them: a capsule body with a head, two arms and
 * two legs, welded into one primitive with normals (shape-fixtures.ts), textured by nothing, named
 * by nothing. What `shape` is for: `meshparts run` without a key cuts it into its 6 parts.
 */
function buildFusedFigure(): Document {
  const { positions, indices } = capsuleFigure(48);
  const document = new Document();
  const buffer = document.createBuffer();
  const primitive = document
    .createPrimitive()
    .setAttribute('POSITION', document.createAccessor().setType('VEC3').setArray(positions).setBuffer(buffer))
    .setIndices(document.createAccessor().setType('SCALAR').setArray(indices).setBuffer(buffer))
    .setMaterial(
      document.createMaterial('clay').setBaseColorFactor([0.8, 0.62, 0.45, 1]).setRoughnessFactor(0.8),
    );
  const node = document.createNode('figure').setMesh(document.createMesh('figure').addPrimitive(primitive));
  document.createScene('figure').addChild(node);
  return document;
}

/** Every generated fixture, by file name under fixtures/generated/. */
export const GENERATED_FIXTURES: Readonly<Record<string, () => Document>> = {
  'hostile-names.glb': buildHostileNames,
  'nested-mirrored.glb': buildNestedMirrored,
  'shared-mesh.glb': buildSharedMesh,
  'primitives.glb': buildPrimitives,
  'labels-part-id.glb': buildPartIdLabels,
  'labels-flat-colors.glb': buildFlatColors,
  'components.glb': buildComponents,
  'sheared.glb': buildSheared,
  // The layouts of issue 13 (layout-fixtures.ts).
  'blended-colors-7.glb': () => buildBlendedColors({ parts: 7, size: 60, seed: 7 }),
  'blended-colors-34.glb': () => buildBlendedColors({ parts: 34, size: 60, seed: 34 }),
  'color-shells.glb': () => buildColorShells({ colors: 2, shells: 4000, seed: 2 }),
  'fragments.glb': buildFragments,
  'generic-names.glb': buildGenericNames,
  // A fused mesh for `shape` (issue 14), from shape-fixtures.ts.
  'fused-figure.glb': buildFusedFigure,
};
