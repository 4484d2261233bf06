/**
 * Checks shared by the label tests (labels.test.ts, label-slots.test.ts): what a part primitive made by
 * a label split must look like, and which quads of a labelled grid it holds.
 */
import type { Node, Primitive } from '@gltf-transform/core';
import { expect } from 'vitest';

/**
 * Every index in range, every vertex used, Uint16 indices exactly when the part has at most 65535
 * vertices, every attribute as long as POSITION, and none of `dropped` (e.g. the label attribute).
 */
export function expectCompact(primitive: Primitive, dropped: readonly string[] = []): void {
  const count = primitive.getAttribute('POSITION')!.getCount();
  const indices = primitive.getIndices()!.getArray()!;
  const used = new Uint8Array(count);
  let outOfRange = 0;
  for (const index of indices) {
    if (index >= count) outOfRange++;
    else used[index] = 1;
  }
  expect(outOfRange).toBe(0);
  expect(used.every((u) => u === 1)).toBe(true);
  expect(indices).toBeInstanceOf(count <= 65535 ? Uint16Array : Uint32Array);
  for (const semantic of primitive.listSemantics()) {
    expect(primitive.getAttribute(semantic)!.getCount()).toBe(count);
  }
  for (const semantic of dropped) expect(primitive.getAttribute(semantic)).toBeNull();
}

/** Quad index (row × cols + col) of each triangle of a grid part, from its centroid. */
export function quadsOf(primitive: Primitive, cols: number): number[] {
  const positions = primitive.getAttribute('POSITION')!.getArray()!;
  const indices = primitive.getIndices()!.getArray()!;
  const quads: number[] = [];
  for (let t = 0; t < indices.length; t += 3) {
    let x = 0;
    let y = 0;
    for (let j = 0; j < 3; j++) {
      x += positions[indices[t + j]! * 3]! / 3;
      y += positions[indices[t + j]! * 3 + 1]! / 3;
    }
    quads.push(Math.floor(y) * cols + Math.floor(x));
  }
  return quads;
}

/** The children of a node that carry a mesh (the parts a label split made under it). */
export function meshChildren(node: Node): Node[] {
  return node.listChildren().filter((child) => child.getMesh());
}
