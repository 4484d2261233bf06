import { Document, NodeIO, type Primitive } from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import { splitPrimitiveByLabels } from '../src/detect/labels/split-primitive.js';
import { segmentShape, shapeTriangleLabels } from '../src/detect/shape/index.js';
import { validateGLB } from './helpers/gltf-checks.js';
import { mug, randError } from './helpers/shape-fixtures.js';

const cup = mug();

/**
 * The mug as one mesh of two primitives (two materials) that split its triangles in alternating
 * bands: each primitive has its own vertices, so only welding across primitives makes it one
 * surface. Each primitive is a soup-free indexed list with its own compact vertex numbering.
 */
function twoMaterialMug(): { document: Document; primitives: Primitive[]; owners: number[][] } {
  const document = new Document();
  const buffer = document.createBuffer();
  const mesh = document.createMesh('mug');
  const triangles = cup.indices.length / 3;
  const owners: number[][] = [[], []];
  for (let t = 0; t < triangles; t++) owners[Math.floor(t / 500) % 2]!.push(t);
  const primitives = owners.map((list, p) => {
    const remap = new Map<number, number>();
    const positions: number[] = [];
    const indices: number[] = [];
    for (const t of list) {
      for (let k = 0; k < 3; k++) {
        const v = cup.indices[3 * t + k]!;
        let local = remap.get(v);
        if (local === undefined) {
          local = remap.size;
          remap.set(v, local);
          positions.push(...cup.positions.subarray(3 * v, 3 * v + 3));
        }
        indices.push(local);
      }
    }
    const primitive = document
      .createPrimitive()
      .setAttribute(
        'POSITION',
        document.createAccessor().setType('VEC3').setArray(Float32Array.from(positions)).setBuffer(buffer),
      )
      .setIndices(
        document.createAccessor().setType('SCALAR').setArray(Uint32Array.from(indices)).setBuffer(buffer),
      )
      .setMaterial(document.createMaterial(`m${p}`));
    mesh.addPrimitive(primitive);
    return primitive;
  });
  document.createScene().addChild(document.createNode('mug').setMesh(mesh));
  return { document, primitives, owners };
}

describe('shapeTriangleLabels', () => {
  it('labels a mesh across its primitives as one surface, and the labels split into valid parts', async () => {
    const { document, primitives, owners } = twoMaterialMug();
    const result = shapeTriangleLabels(primitives);
    expect(result.count).toBe(2);
    expect(result.labels.map((labels) => labels.length)).toEqual(owners.map((list) => list.length));
    // Back in the mesh's triangle order, the labels match the construction (body, handle).
    const merged = new Uint32Array(cup.indices.length / 3);
    owners.forEach((list, p) => {
      list.forEach((t, i) => {
        merged[t] = result.labels[p]![i]!;
      });
    });
    expect(randError(merged, cup.labels)).toBeLessThan(0.03);
    // And they agree with the core run on the welded mesh.
    expect(randError(merged, segmentShape(cup.positions, cup.indices).labels)).toBeLessThan(0.01);

    // The split turns them into part primitives the Khronos validator accepts, losing no triangle.
    const root = document.getRoot();
    const scene = root.listScenes()[0]!;
    const parts = Array.from({ length: result.count }, (_, k) => document.createMesh(`part_${k}`));
    primitives.forEach((primitive, p) => {
      const split = splitPrimitiveByLabels(primitive, Uint32Array.from(result.labels[p]!), result.count);
      split.forEach((part, k) => {
        if (part) parts[k]!.addPrimitive(part);
      });
    });
    for (const node of root.listNodes()) node.dispose();
    parts.forEach((mesh) => {
      scene.addChild(document.createNode(mesh.getName()).setMesh(mesh));
    });
    root.listMeshes()[0]!.dispose();
    for (const primitive of primitives) primitive.dispose();
    const bytes = await new NodeIO().writeBinary(document);
    expect((await validateGLB(bytes)).errorMessages).toEqual([]);
    const read = await new NodeIO().readBinary(bytes);
    const triangles = read
      .getRoot()
      .listMeshes()
      .flatMap((mesh) => mesh.listPrimitives())
      .reduce((sum, primitive) => sum + primitive.getIndices()!.getCount() / 3, 0);
    expect(triangles).toBe(cup.indices.length / 3);
    expect(
      read
        .getRoot()
        .listNodes()
        .map((node) => node.getName()),
    ).toEqual(['part_0', 'part_1']);
  });

  it('passes options through (targetParts)', () => {
    const { primitives } = twoMaterialMug();
    expect(shapeTriangleLabels(primitives, { targetParts: 1 }).count).toBe(1);
  });
});
