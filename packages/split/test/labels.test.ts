import { type Document, Logger, NodeIO } from '@gltf-transform/core';
import { EXTMeshGPUInstancing, type InstancedMesh } from '@gltf-transform/extensions';
import { describe, expect, it } from 'vitest';
import {
  type ExplodeOptions,
  explodeByLabels,
  findLabelSource,
  splitPrimitiveByLabels,
} from '../src/detect/labels/index.js';
import type { LabelStrategy } from '../src/options.js';
import { compareSoups, validateGLB, worldTriangles } from './helpers/gltf-checks.js';
import { expectCompact, meshChildren, quadsOf } from './helpers/label-checks.js';
import {
  boxesAndSpecks,
  componentsWithSpecks,
  flatColorBoxes,
  labelledGrid,
  skinnedMorphGrid,
} from './labels-fixtures.js';

function triangleTotal(document: Document): number {
  return document
    .getRoot()
    .listNodes()
    .flatMap((node) => node.getMesh()?.listPrimitives() ?? [])
    .reduce((sum, p) => sum + (p.getIndices()?.getCount() ?? 0) / 3, 0);
}

/** Explode, then check conservation, compactness and validity of the written GLB. */
async function explodeAndCheck(
  document: Document,
  strategy: LabelStrategy,
  options = {},
  dropped: string[] = [],
  extra: ExplodeOptions = {},
) {
  const before = worldTriangles(document);
  const trianglesBefore = triangleTotal(document);
  await document.transform(explodeByLabels(strategy, options, extra));
  expect(triangleTotal(document)).toBe(trianglesBefore);
  expect(compareSoups(worldTriangles(document), before)).toBeNull();
  for (const mesh of document.getRoot().listMeshes()) {
    for (const primitive of mesh.listPrimitives()) expectCompact(primitive, dropped);
  }
  // The source primitives' accessors were disposed, not left behind to bloat the file.
  const orphans = document
    .getRoot()
    .listAccessors()
    .filter((accessor) => accessor.listParents().every((parent) => parent.propertyType === 'Root'));
  expect(orphans).toEqual([]);
  const bytes = await new NodeIO().writeBinary(document);
  const report = await validateGLB(bytes);
  expect(report.errorMessages).toEqual([]);
  expect(report.errors).toBe(0);
  return new NodeIO().readBinary(bytes);
}

describe('attribute strategy', () => {
  it('splits interleaved _PART_ID triangles into one compact primitive per label', async () => {
    const cols = 8;
    const { document, node } = labelledGrid({
      cols,
      rows: 8,
      labelOf: (col, row) => (row * cols + col) % 5,
      semantic: '_PART_ID',
      vertices: 'separate',
    });
    expect(findLabelSource(document)).toMatchObject({
      strategy: 'attribute',
      attribute: '_PART_ID',
      labelCount: 5,
    });
    const read = await explodeAndCheck(document, 'attribute', {}, ['_PART_ID']);
    const children = meshChildren(node);
    expect(children.map((c) => c.getName())).toEqual(['part_0', 'part_1', 'part_2', 'part_3', 'part_4']);
    expect(node.getMesh()).toBeNull();
    children.forEach((child, label) => {
      const primitive = child.getMesh()!.listPrimitives()[0]!;
      const quads = quadsOf(primitive, cols);
      // Labels map to the right triangles: every quad of this part has this label, and all of them are here.
      expect(quads.every((q) => q % 5 === label)).toBe(true);
      expect(new Set(quads).size).toBe(
        Array.from({ length: 64 }, (_, q) => q).filter((q) => q % 5 === label).length,
      );
      // Separate vertices per quad: 4 vertices per quad, nothing shared, nothing extra.
      expect(primitive.getAttribute('POSITION')!.getCount()).toBe(new Set(quads).size * 4);
      expect(primitive.getMaterial()?.getName()).toBe('grid');
    });
    expect(
      read
        .getRoot()
        .listNodes()
        .filter((n) => n.getMesh()),
    ).toHaveLength(5);
  });

  it('duplicates boundary vertices and assigns triangles by majority with shared _SEGMENT vertices', async () => {
    const cols = 6;
    const band = (col: number) => (col < 3 ? 10 : 20);
    const { document, node, mesh } = labelledGrid({
      cols,
      rows: 3,
      labelOf: band,
      semantic: '_SEGMENT',
      labelArray: 'u16',
      vertices: 'shared',
    });
    const sourceVertices = mesh.listPrimitives()[0]!.getAttribute('POSITION')!.getCount();
    await explodeAndCheck(document, 'attribute', {}, ['_SEGMENT']);
    const [left, right] = meshChildren(node);
    expect(left!.getName()).toBe('part_10');
    expect(right!.getName()).toBe('part_20');
    const leftPrimitive = left!.getMesh()!.listPrimitives()[0]!;
    const rightPrimitive = right!.getMesh()!.listPrimitives()[0]!;
    // Vertex x=3 has label 20 (quad to its right) but the quads of column 2 have two label-10
    // vertices per triangle at most ... each triangle follows its majority.
    const leftCols = quadsOf(leftPrimitive, cols).map((q) => q % cols);
    const rightCols = quadsOf(rightPrimitive, cols).map((q) => q % cols);
    expect(Math.max(...leftCols)).toBeLessThanOrEqual(2);
    expect(Math.min(...rightCols)).toBeGreaterThanOrEqual(2);
    // Boundary vertices appear on both sides.
    const total =
      leftPrimitive.getAttribute('POSITION')!.getCount() +
      rightPrimitive.getAttribute('POSITION')!.getCount();
    expect(total).toBeGreaterThan(sourceVertices);
  });

  it('uses EXT_mesh_features _FEATURE_ID_n and a custom --attribute', async () => {
    const features = labelledGrid({
      cols: 4,
      rows: 1,
      labelOf: (col) => col,
      semantic: '_FEATURE_ID_1',
      vertices: 'separate',
    });
    expect(findLabelSource(features.document)).toMatchObject({
      strategy: 'attribute',
      attribute: '_FEATURE_ID_1',
    });
    await explodeAndCheck(features.document, 'attribute', {}, ['_FEATURE_ID_1']);
    expect(meshChildren(features.node)).toHaveLength(4);

    const custom = labelledGrid({
      cols: 4,
      rows: 1,
      labelOf: (col) => (col < 2 ? 0 : 1),
      semantic: '_REGION',
      labelArray: 'f32',
      vertices: 'separate',
    });
    expect(findLabelSource(custom.document)).toBeNull();
    expect(findLabelSource(custom.document, { attribute: '_REGION' })).toMatchObject({ labelCount: 2 });
    await explodeAndCheck(custom.document, 'attribute', { attribute: '_REGION' }, ['_REGION']);
    expect(meshChildren(custom.node).map((n) => n.getName())).toEqual(['part_0', 'part_1']);
  });

  it('lets each primitive use its own label attribute when a mesh mixes them', async () => {
    const a = labelledGrid({
      cols: 2,
      rows: 1,
      labelOf: (c) => c,
      semantic: '_PART_ID',
      vertices: 'separate',
    });
    const b = labelledGrid({
      cols: 2,
      rows: 1,
      labelOf: (c) => c + 2,
      semantic: '_SEGMENT',
      vertices: 'separate',
    });
    const moved = b.mesh.listPrimitives()[0]!;
    const { document, mesh, node } = a;
    // Bring b's primitive (and its accessors) into a's document, shifted up, as a second primitive.
    const copy = document.createPrimitive().setMaterial(mesh.listPrimitives()[0]!.getMaterial());
    const buffer = document.getRoot().listBuffers()[0]!;
    for (const semantic of moved.listSemantics()) {
      const source = moved.getAttribute(semantic)!;
      const array = source.getArray()!.slice();
      if (semantic === 'POSITION') for (let i = 1; i < array.length; i += 3) array[i]! += 5;
      copy.setAttribute(
        semantic,
        document.createAccessor().setType(source.getType()).setArray(array).setBuffer(buffer),
      );
    }
    copy.setIndices(
      document
        .createAccessor()
        .setType('SCALAR')
        .setArray(moved.getIndices()!.getArray()!.slice())
        .setBuffer(buffer),
    );
    mesh.addPrimitive(copy);
    const source = findLabelSource(document);
    expect(source).toMatchObject({ strategy: 'attribute', labelCount: 4 });
    expect(source?.attribute).toBeUndefined();
    await explodeAndCheck(document, 'attribute', {}, ['_PART_ID', '_SEGMENT']);
    expect(meshChildren(node).map((n) => n.getName())).toEqual(['part_0', 'part_1', 'part_2', 'part_3']);
  });

  it('chooses Uint32 indices only for a part with more than 65535 vertices', async () => {
    const cols = 300;
    const { document, node } = labelledGrid({
      cols,
      rows: 230,
      labelOf: (_, row) => (row < 229 ? 0 : 1),
      semantic: '_PART_ID',
      vertices: 'shared',
    });
    await document.transform(explodeByLabels('attribute'));
    const [big, small] = meshChildren(node).map((c) => c.getMesh()!.listPrimitives()[0]!);
    expect(big!.getAttribute('POSITION')!.getCount()).toBeGreaterThan(65535);
    expect(big!.getIndices()!.getArray()).toBeInstanceOf(Uint32Array);
    expect(small!.getIndices()!.getArray()).toBeInstanceOf(Uint16Array);
    expectCompact(big!);
    expectCompact(small!);
  });
});

describe('colors strategy', () => {
  const palette: [number, number, number][] = [
    [255, 0, 0],
    [0, 255, 0],
    [255, 0, 0],
    [0, 0, 255],
  ];

  it('detects flat face colours and splits one part per colour', async () => {
    const document = flatColorBoxes(palette, true);
    const source = findLabelSource(document);
    expect(source).toMatchObject({ strategy: 'colors', labelCount: 3 });
    const node = document.getRoot().listNodes()[0]!;
    await explodeAndCheck(document, 'colors');
    const children = meshChildren(node);
    expect(children.map((c) => c.getName()).sort()).toEqual(['color_0000ff', 'color_00ff00', 'color_ff0000']);
    const red = children.find((c) => c.getName() === 'color_ff0000')!;
    // The two red boxes (12 triangles each) are one part.
    expect(red.getMesh()!.listPrimitives()[0]!.getIndices()!.getCount() / 3).toBe(24);
    // COLOR_0 is kept with its component type and normalized flag.
    const color = red.getMesh()!.listPrimitives()[0]!.getAttribute('COLOR_0')!;
    expect(color.getArray()).toBeInstanceOf(Uint8Array);
    expect(color.getNormalized()).toBe(true);
  });

  it('keeps a colour and its re-encoding noise together across a rounding boundary', async () => {
    // 130 ± 1 straddles a 5/255 grid line (129/5.1 rounds down, 131/5.1 up): clustering must hold it.
    const document = flatColorBoxes(
      [
        [0, 130, 200],
        [230, 25, 75],
      ],
      true,
    );
    expect(findLabelSource(document)).toMatchObject({ strategy: 'colors', labelCount: 2 });
    const node = document.getRoot().listNodes()[0]!;
    await explodeAndCheck(document, 'colors');
    expect(meshChildren(node).map((c) => c.getName())).toEqual(['color_0082c8', 'color_e6194b']);
  });

  it('leaves a mesh with more colours than maxColors whole when colors is forced', async () => {
    const many = Array.from({ length: 5 }, (_, i): [number, number, number] => [i * 50, 0, 0]);
    const document = flatColorBoxes(many);
    const node = document.getRoot().listNodes()[0]!;
    const warnings: string[] = [];
    document.setLogger(
      new (class extends Logger {
        override warn(text: string): void {
          warnings.push(text);
        }
      })(Logger.Verbosity.SILENT),
    );
    await document.transform(explodeByLabels('colors', { maxColors: 4 }));
    expect(meshChildren(node)).toHaveLength(0);
    expect(node.getMesh()).not.toBeNull();
    expect(warnings.join()).toMatch(/more than maxColors \(4\) part colours/);
    await document.transform(explodeByLabels('colors', { maxColors: 5 }));
    expect(meshChildren(node)).toHaveLength(5);
  });

  it('does not call smooth or single-colour vertex colours a segmentation', () => {
    expect(findLabelSource(flatColorBoxes([[200, 200, 200]]))).toBeNull();
    const smooth = flatColorBoxes(palette);
    const color = smooth
      .getRoot()
      .listAccessors()
      .find((a) => a.getNormalized())!;
    const array = color.getArray()!;
    for (let v = 0; v < color.getCount(); v++) array[v * 4] = (v * 37) % 256; // a gradient per vertex
    expect(findLabelSource(smooth)).toBeNull();
    expect(findLabelSource(flatColorBoxes(palette), { maxColors: 2 })).toBeNull();
  });
});

describe('components strategy', () => {
  it('welds seams, merges specks into their neighbour, and ranks parts by size', async () => {
    const { document, patchTriangles, specks } = componentsWithSpecks();
    expect(findLabelSource(document)).toBeNull();
    const node = document.getRoot().listNodes()[0]!;
    await explodeAndCheck(document, 'components');
    const children = meshChildren(node);
    expect(children.map((c) => c.getName())).toEqual(['part_0', 'part_1', 'part_2']);
    const counts = children.map((c) => c.getMesh()!.listPrimitives()[0]!.getIndices()!.getCount() / 3);
    // Specks sit inside the middle patch's bounds: they join it.
    expect(counts).toEqual([patchTriangles[0], patchTriangles[1]! + specks, patchTriangles[2]]);
  });

  it("gives a speck inside two pieces' bounds to the tighter one", async () => {
    // An outer shell (0..20) around an inner box (5..8); the speck sits inside both boxes.
    const document = boxesAndSpecks(
      [
        [
          [0, 0, 0],
          [20, 20, 20],
        ],
        [
          [5, 5, 5],
          [8, 8, 8],
        ],
      ],
      [[6, 6, 6.5]],
    );
    const node = document.getRoot().listNodes()[0]!;
    await explodeAndCheck(document, 'components');
    const counts = meshChildren(node).map(
      (c) => c.getMesh()!.listPrimitives()[0]!.getIndices()!.getCount() / 3,
    );
    // Pieces are ranked by area: part_0 is the outer shell; the speck joined the inner box, whose
    // surface is nearer (its bounds are inside both).
    expect(counts).toEqual([12, 13]);
    const inner = meshChildren(node)[1]!.getMesh()!.listPrimitives()[0]!.getAttribute('POSITION')!;
    expect(inner.getMax([0, 0, 0])).toEqual([8, 8, 8]);
  });

  it('keeps specks separate when the thresholds allow it', async () => {
    const { document } = componentsWithSpecks();
    const node = document.getRoot().listNodes()[0]!;
    await document.transform(explodeByLabels('components', {}, { granularity: { minPartArea: 0 } }));
    expect(meshChildren(node)).toHaveLength(7);
  });

  it('welds bit-identical seam positions even with a tiny tolerance', async () => {
    const { document } = componentsWithSpecks();
    const node = document.getRoot().listNodes()[0]!;
    await document.transform(
      explodeByLabels('components', { weldTolerance: 1e-12 }, { granularity: { minPartArea: 0 } }),
    );
    // 3 patches + 4 specks: the seam halves of each patch still weld (identical positions share a cell).
    expect(meshChildren(node)).toHaveLength(7);
  });
});

describe('explodeByLabels', () => {
  it('keeps morph targets, skin and morph animations on every part', async () => {
    const { document, node } = skinnedMorphGrid();
    const skin = node.getSkin()!;
    const read = await explodeAndCheck(document, 'attribute', {}, ['_PART_ID']);
    const children = meshChildren(node);
    expect(children).toHaveLength(3);
    const animation = document.getRoot().listAnimations()[0]!;
    for (const [label, child] of children.entries()) {
      expect(child.getSkin()).toBe(skin);
      const primitive = child.getMesh()!.listPrimitives()[0]!;
      expect(child.getMesh()!.getWeights()).toEqual([0]);
      expect(child.getMesh()!.getExtras()).toEqual({ targetNames: ['lift'] });
      const target = primitive.listTargets()[0]!;
      expect(target.getName()).toBe('lift');
      // The remapped morph delta still belongs to each vertex: z offset = label + 1.
      const deltas = target.getAttribute('POSITION')!.getArray()!;
      for (let v = 0; v < deltas.length / 3; v++) expect(deltas[v * 3 + 2]).toBe(label + 1);
      const joints = primitive.getAttribute('JOINTS_0')!.getArray()!;
      expect(joints[0]).toBe(label % 2);
      expect(
        animation.listChannels().some((c) => c.getTargetNode() === child && c.getTargetPath() === 'weights'),
      ).toBe(true);
    }
    // The original node lost its mesh, so its skin and morph channel are gone (they would be invalid).
    expect(node.getSkin()).toBeNull();
    expect(animation.listChannels().some((c) => c.getTargetNode() === node)).toBe(false);
    expect(read.getRoot().listSkins()).toHaveLength(1);
  });

  it('splits a shared mesh once and gives every node children sharing the new meshes', async () => {
    const { document, node, mesh } = labelledGrid({
      cols: 4,
      rows: 1,
      labelOf: (col) => col % 2,
      semantic: '_PART_ID',
      vertices: 'separate',
    });
    const twin = document.createNode('twin').setMesh(mesh).setTranslation([0, 5, 0]);
    document.getRoot().listScenes()[0]!.addChild(twin);
    await explodeAndCheck(document, 'attribute', {}, ['_PART_ID']);
    const a = meshChildren(node);
    const b = meshChildren(twin);
    expect(a.map((n) => n.getName())).toEqual(['grid_part_0', 'grid_part_1']);
    expect(b.map((n) => n.getName())).toEqual(['twin_part_0', 'twin_part_1']);
    expect(a.map((n) => n.getMesh())).toEqual(b.map((n) => n.getMesh()));
    expect(document.getRoot().listMeshes()).toHaveLength(2);
  });

  it('copies GPU instancing to every part', async () => {
    const { document, node } = labelledGrid({
      cols: 4,
      rows: 1,
      labelOf: (col) => (col < 2 ? 0 : 1),
      semantic: '_PART_ID',
      vertices: 'separate',
    });
    const instancing = document.createExtension(EXTMeshGPUInstancing).setRequired(true);
    const translations = document
      .createAccessor()
      .setType('VEC3')
      .setArray(new Float32Array([0, 0, 0, 0, 10, 0, 0, 0, 10]))
      .setBuffer(document.getRoot().listBuffers()[0]!);
    node.setExtension(
      'EXT_mesh_gpu_instancing',
      instancing.createInstancedMesh().setAttribute('TRANSLATION', translations),
    );
    const io = new NodeIO().registerExtensions([EXTMeshGPUInstancing]);
    const before = worldTriangles(document);
    await document.transform(explodeByLabels('attribute'));
    const children = meshChildren(node);
    expect(children).toHaveLength(2);
    for (const child of children) {
      expect(child.getExtension<InstancedMesh>('EXT_mesh_gpu_instancing')?.getAttribute('TRANSLATION')).toBe(
        translations,
      );
    }
    expect(node.getExtension('EXT_mesh_gpu_instancing')).toBeNull();
    const bytes = await io.writeBinary(document);
    expect((await validateGLB(bytes)).errorMessages).toEqual([]);
    expect(compareSoups(worldTriangles(await io.readBinary(bytes)), before)).toBeNull();
  });

  it('leaves points and unlabelled primitives on the original node', async () => {
    const { document, node, mesh } = labelledGrid({
      cols: 2,
      rows: 1,
      labelOf: (col) => col,
      semantic: '_PART_ID',
      vertices: 'separate',
    });
    const points = document
      .createPrimitive()
      .setMode(0)
      .setAttribute(
        'POSITION',
        document
          .createAccessor()
          .setType('VEC3')
          .setArray(new Float32Array([0, 0, 1, 1, 0, 1]))
          .setBuffer(document.getRoot().listBuffers()[0]!),
      );
    mesh.addPrimitive(points);
    await document.transform(explodeByLabels('attribute'));
    expect(node.getMesh()).toBe(mesh);
    expect(mesh.listPrimitives()).toEqual([points]);
    expect(meshChildren(node)).toHaveLength(2);
    const report = await validateGLB(await new NodeIO().writeBinary(document));
    expect(report.errorMessages).toEqual([]);
  });
});

describe('label options', () => {
  it('reject NaN and out-of-range values with the option named', () => {
    expect(() => explodeByLabels('components', { weldTolerance: Number.NaN })).toThrow(/weldTolerance/);
    expect(() => explodeByLabels('colors', { maxColors: 1 })).toThrow(
      /maxColors must be an integer of at least 2/,
    );
    expect(() => explodeByLabels('components', {}, { granularity: { minPartArea: 2 } })).toThrow(
      /minPartArea/,
    );
    expect(() => explodeByLabels('components', {}, { granularity: { targetParts: 0 } })).toThrow(
      /targetParts/,
    );
    expect(() => findLabelSource(flatColorBoxes([[1, 2, 3]]), { colorTolerance: -0.1 })).toThrow(RangeError);
    expect(() => explodeByLabels('attribute', { attribute: '' })).toThrow(/attribute/);
  });
});

describe('splitPrimitiveByLabels', () => {
  it('preserves component types and normalized flags, and rejects a label count mismatch', () => {
    const { mesh } = labelledGrid({
      cols: 2,
      rows: 1,
      labelOf: (c) => c,
      semantic: '_PART_ID',
      vertices: 'shared',
    });
    const primitive = mesh.listPrimitives()[0]!;
    const uv = primitive.getAttribute('TEXCOORD_0')!;
    const quantised = new Uint16Array(uv.getArray()!.length).map((_, i) => i * 1000);
    uv.setArray(quantised).setNormalized(true);
    const parts = splitPrimitiveByLabels(primitive, Uint32Array.from([0, 0, 2, 2]), 3);
    expect(parts[1]).toBeNull();
    const uvOut = parts[2]!.getAttribute('TEXCOORD_0')!;
    expect(uvOut.getArray()).toBeInstanceOf(Uint16Array);
    expect(uvOut.getNormalized()).toBe(true);
    expect(parts[0]!.getAttribute('_PART_ID')).not.toBeNull(); // nothing dropped unless asked
    expect(() => splitPrimitiveByLabels(primitive, new Uint32Array(3), 1)).toThrow(
      /3 labels for 4 triangles/,
    );
  });
});
