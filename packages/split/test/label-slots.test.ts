/**
 * The fast paths of the label split (labels/label-slots.ts, attribute-slots.ts and the index
 * packing of split-primitive.ts) against what they replace: a Set-and-sort reference, the general
 * Float64Array path, and the written pack. Every case here takes a different branch.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document, Mesh, Primitive } from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import { attributeSlots } from '../src/detect/labels/attribute-slots.js';
import {
  attributeTriangleLabels,
  explodeByLabels,
  findLabelSource,
  splitPrimitiveByLabels,
} from '../src/detect/labels/index.js';
import { assignSlots, distinctLabels, SMALL_LABELS } from '../src/detect/labels/label-slots.js';
import { createIO, readModel, splitModel } from '../src/index.js';
import { compareSoups, worldTriangles } from './helpers/gltf-checks.js';
import { expectCompact, meshChildren, quadsOf } from './helpers/label-checks.js';
import { expectValidPack } from './helpers/pack-checks.js';
import { useTempDir } from './helpers/temp.js';
import { labelledGrid } from './labels-fixtures.js';

const work = useTempDir('label-slots');

/** Distinct values as a Set sees them (-0 is 0), ascending, NaN last; slots by SameValueZero. */
function reference(arrays: Float64Array[]): { values: number[]; slots: number[][] } {
  const distinct = new Set<number>();
  for (const array of arrays) for (const value of array) distinct.add(value);
  const numbers = [...distinct].filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  const values = distinct.size > numbers.length ? [...numbers, Number.NaN] : numbers;
  const slotOf = new Map(values.map((value, slot) => [value, slot]));
  return { values, slots: arrays.map((array) => [...array].map((value) => slotOf.get(value)!)) };
}

/** A deterministic interleaving of `count` labels drawn from `ids` (a linear congruential walk). */
function interleaved(count: number, ids: readonly number[]): Float64Array {
  const out = new Float64Array(count);
  let state = 12345;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out[i] = ids[state % ids.length]!;
  }
  return out;
}

/** Copies `primitive` (from another document) into `mesh` of `document`, moved up by `dy`. */
function addCopy(document: Document, mesh: Mesh, primitive: Primitive, dy: number): void {
  const buffer = document.getRoot().listBuffers()[0]!;
  const copy = document.createPrimitive().setMaterial(mesh.listPrimitives()[0]!.getMaterial());
  for (const semantic of primitive.listSemantics()) {
    const source = primitive.getAttribute(semantic)!;
    const array = source.getArray()!.slice();
    if (semantic === 'POSITION') for (let i = 1; i < array.length; i += 3) array[i]! += dy;
    copy.setAttribute(
      semantic,
      document.createAccessor().setType(source.getType()).setArray(array).setBuffer(buffer),
    );
  }
  const indices = primitive.getIndices()!.getArray()!.slice();
  copy.setIndices(document.createAccessor().setType('SCALAR').setArray(indices).setBuffer(buffer));
  mesh.addPrimitive(copy);
}

describe('distinctLabels and assignSlots', () => {
  it.each([
    ['small labels with gaps', [[3, 3, 7, 1000, 65535, 7]]],
    ['the edge of the bitmap', [[SMALL_LABELS - 1, SMALL_LABELS, 0, SMALL_LABELS + 7]]],
    ['negative and fractional labels', [[-1, 2, 0.5, 2, -1, -0.25]]],
    ['-0 and 0 as one label', [[-0, 0, 5, -0]]],
    ['NaN as one label, sorted last', [[Number.NaN, 1, Number.NaN, 0]]],
    ['labels shared across primitives', [[5, 1], [9, 1, 5], []]],
    [
      '200 interleaved labels with gaps',
      [
        [
          ...interleaved(
            20000,
            Array.from({ length: 200 }, (_, i) => i * 37),
          ),
        ],
      ],
    ],
  ] as const)('match a Set-and-sort reference: %s', (_, lists) => {
    const arrays = lists.map((list) => Float64Array.from(list));
    const expected = reference(arrays);
    const values = distinctLabels(arrays);
    expect(values).toEqual(expected.values);
    arrays.forEach((array, i) => {
      expect([...assignSlots(array, values)]).toEqual(expected.slots[i]);
    });
  });
});

describe('attributeSlots (the integer fast path)', () => {
  it('gives the slots of the general path for integer labels, and declines anything else', () => {
    const ids = [3, 7, 1000, 65535];
    const cols = 12;
    const integers = labelledGrid({
      cols,
      rows: 5,
      labelOf: (col, row) => ids[(row * cols + col) % ids.length]!,
      semantic: '_PART_ID',
      labelArray: 'u16',
      vertices: 'shared',
    });
    const primitive = integers.mesh.listPrimitives()[0]!;
    const general = attributeTriangleLabels(primitive, '_PART_ID');
    const values = distinctLabels([general]);
    const fast = attributeSlots([primitive]);
    expect(fast).not.toBeNull();
    expect(fast!.values).toEqual(values);
    expect([...fast!.slots.get(primitive)!]).toEqual([...assignSlots(general, values)]);
    expect([...fast!.semantics]).toEqual(['_PART_ID']);

    // Labels 0 … n-1 are their own slots (the table pass is skipped): same result again.
    const dense = labelledGrid({
      cols,
      rows: 5,
      labelOf: (col, row) => (row * cols + col * 7) % 6,
      semantic: '_PART_ID',
      vertices: 'shared',
    });
    const densePrimitive = dense.mesh.listPrimitives()[0]!;
    const denseLabels = attributeTriangleLabels(densePrimitive, '_PART_ID');
    const denseFast = attributeSlots([densePrimitive])!;
    expect(denseFast.values).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...denseFast.slots.get(densePrimitive)!]).toEqual([
      ...assignSlots(denseLabels, denseFast.values),
    ]);

    // Whole numbers stored as floats take the fast path too; a fraction anywhere does not.
    const floats = labelledGrid({
      cols: 4,
      rows: 1,
      labelOf: (col) => col * 2,
      semantic: '_PART_ID',
      labelArray: 'f32',
      vertices: 'separate',
    });
    expect(attributeSlots(floats.mesh.listPrimitives())?.values).toEqual([0, 2, 4, 6]);
    const fractions = labelledGrid({
      cols: 4,
      rows: 1,
      labelOf: (col) => (col === 3 ? 0.5 : col),
      semantic: '_PART_ID',
      labelArray: 'f32',
      vertices: 'separate',
    });
    expect(attributeSlots(fractions.mesh.listPrimitives())).toBeNull();
    const large = labelledGrid({
      cols: 2,
      rows: 1,
      labelOf: (col) => (col === 0 ? 1 : SMALL_LABELS),
      semantic: '_PART_ID',
      labelArray: 'f32',
      vertices: 'separate',
    });
    expect(attributeSlots(large.mesh.listPrimitives())).toBeNull();
    // findLabelSource counts the same labels through either path.
    expect(findLabelSource(integers.document)).toMatchObject({ strategy: 'attribute', labelCount: 4 });
    expect(findLabelSource(fractions.document)).toMatchObject({ strategy: 'attribute', labelCount: 4 });
  });
});

describe('explodeByLabels with unusual labels', () => {
  it.each([
    [
      'integer ids with gaps (fast path)',
      'u16',
      [65535, 3, 1000, 7],
      ['part_3', 'part_7', 'part_1000', 'part_65535'],
    ],
    [
      'negative, fractional and large ids (general path)',
      'f32',
      [2, -1, 70000, 0.5],
      ['part_-1', 'part_0.5', 'part_2', 'part_70000'],
    ],
  ] as const)('names and orders parts by label value: %s', async (_, labelArray, ids, names) => {
    const cols = 10;
    const { document, node } = labelledGrid({
      cols,
      rows: 6,
      labelOf: (col, row) => ids[(row * cols + col) % ids.length]!,
      semantic: '_PART_ID',
      labelArray,
      vertices: 'separate',
    });
    const before = worldTriangles(document);
    await document.transform(explodeByLabels('attribute'));
    const children = meshChildren(node);
    expect(children.map((child) => child.getName())).toEqual(names);
    const sorted = [...ids].sort((a, b) => a - b);
    children.forEach((child, slot) => {
      const primitive = child.getMesh()!.listPrimitives()[0]!;
      expectCompact(primitive);
      expect(primitive.getAttribute('_PART_ID')).toBeNull();
      // Exactly the quads whose label this part is named after, both triangles of each.
      expect(primitive.getIndices()!.getCount()).toBe((60 / ids.length) * 6);
      const quads = [...new Set(quadsOf(primitive, cols))].sort((a, b) => a - b);
      const expected = Array.from({ length: 60 }, (_, q) => q).filter(
        (q) => ids[q % ids.length] === sorted[slot],
      );
      expect(quads).toEqual(expected);
    });
    expect(compareSoups(worldTriangles(document), before)).toBeNull();
  });

  it('keeps one labelling across primitives when one of them needs the general path', async () => {
    const a = labelledGrid({
      cols: 4,
      rows: 1,
      labelOf: (col) => (col < 2 ? 1 : 2),
      semantic: '_PART_ID',
      labelArray: 'u16',
      vertices: 'separate',
    });
    const b = labelledGrid({
      cols: 4,
      rows: 1,
      labelOf: (col) => (col < 2 ? 1.5 : 2),
      semantic: '_PART_ID',
      labelArray: 'f32',
      vertices: 'separate',
    });
    addCopy(a.document, a.mesh, b.mesh.listPrimitives()[0]!, 5);
    const before = worldTriangles(a.document);
    await a.document.transform(explodeByLabels('attribute'));
    const children = meshChildren(a.node);
    expect(children.map((child) => child.getName())).toEqual(['part_1', 'part_1.5', 'part_2']);
    // Label 2 is in both primitives: one part, one primitive from each.
    expect(children.map((child) => child.getMesh()!.listPrimitives().length)).toEqual([1, 1, 2]);
    for (const child of children)
      for (const primitive of child.getMesh()!.listPrimitives()) expectCompact(primitive);
    expect(compareSoups(worldTriangles(a.document), before)).toBeNull();
  });
});

describe('splitPrimitiveByLabels numbering', () => {
  it('numbers each part as a slot-by-slot remap would, with boundary vertices shared by many slots', () => {
    // A welded grid whose quads take 7 labels in a scrambled order: most vertices are used by
    // several slots, the case the one-pass remap handles with a Map per slot.
    const cols = 16;
    const rows = 9;
    const { mesh } = labelledGrid({ cols, rows, labelOf: () => 0, semantic: '_PART_ID', vertices: 'shared' });
    const primitive = mesh.listPrimitives()[0]!;
    const slots = Uint32Array.from(interleaved(cols * rows * 2, [0, 1, 2, 3, 4, 5, 6]));
    const parts = splitPrimitiveByLabels(primitive, slots, 8, ['_PART_ID']);
    expect(parts[7]).toBeNull();
    const indices = primitive.getIndices()!.getArray()!;
    const positions = primitive.getAttribute('POSITION')!.getArray()!;
    for (let slot = 0; slot < 7; slot++) {
      const numbers = new Map<number, number>();
      const expectedIndices: number[] = [];
      const expectedPositions: number[] = [];
      slots.forEach((s, t) => {
        if (s !== slot) return;
        for (let j = 0; j < 3; j++) {
          const v = indices[3 * t + j]!;
          if (!numbers.has(v)) {
            numbers.set(v, numbers.size);
            expectedPositions.push(positions[3 * v]!, positions[3 * v + 1]!, positions[3 * v + 2]!);
          }
          expectedIndices.push(numbers.get(v)!);
        }
      });
      const part = parts[slot]!;
      expect([...part.getIndices()!.getArray()!]).toEqual(expectedIndices);
      expect([...part.getAttribute('POSITION')!.getArray()!]).toEqual(expectedPositions);
      expect(part.getAttribute('_PART_ID')).toBeNull();
    }
  });

  it('rejects a slot out of range and an index past the vertices', () => {
    const { mesh } = labelledGrid({
      cols: 2,
      rows: 1,
      labelOf: (c) => c,
      semantic: '_PART_ID',
      vertices: 'shared',
    });
    const primitive = mesh.listPrimitives()[0]!;
    expect(() => splitPrimitiveByLabels(primitive, Uint32Array.from([0, 0, 1, 2]), 2)).toThrow(
      /slot 2 of triangle 3 is not below 2/,
    );
    const indices = primitive.getIndices()!;
    const broken = indices.getArray()!.slice();
    broken[4] = 99;
    indices.setArray(broken);
    expect(() => splitPrimitiveByLabels(primitive, Uint32Array.from([0, 1, 1, 0]), 2)).toThrow(
      /index 99 at 4 is past the 6 vertices/,
    );
  });
});

describe('splitPrimitiveByLabels index packing', () => {
  it('writes Uint16 directly, Uint16 after counting, and Uint32, all in one primitive', async () => {
    // Separate vertices (4 per quad), 250 × 111 quads, labels interleaved by quad:
    //  0: 16,650 quads = 66,600 vertices > 65535 → Uint32;
    //  1: 11,000 quads = 66,000 index references (might exceed 65535 vertices) but 44,000 vertices → Uint16;
    //  2: 100 quads = 600 references, at most 600 vertices → written straight as Uint16.
    const cols = 250;
    const { document, node } = labelledGrid({
      cols,
      rows: 111,
      labelOf: (col, row) => {
        const q = row * cols + col;
        if (q % 5 < 3) return 0;
        return row === 0 ? 2 : 1;
      },
      semantic: '_PART_ID',
      labelArray: 'u8',
      vertices: 'separate',
    });
    const before = worldTriangles(document);
    await document.transform(explodeByLabels('attribute'));
    const parts = meshChildren(node).map((child) => child.getMesh()!.listPrimitives()[0]!);
    const shape = parts.map((p) => ({
      vertices: p.getAttribute('POSITION')!.getCount(),
      references: p.getIndices()!.getCount(),
      type: p.getIndices()!.getArray()!.constructor.name,
    }));
    expect(shape).toEqual([
      { vertices: 66600, references: 99900, type: 'Uint32Array' },
      { vertices: 44000, references: 66000, type: 'Uint16Array' },
      { vertices: 400, references: 600, type: 'Uint16Array' },
    ]);
    for (const part of parts) expectCompact(part);
    expect(compareSoups(worldTriangles(document), before)).toBeNull();
  });

  it('writes each part file with its own data only, though parts share gathered arrays', async () => {
    const ids = [4, 9, 1, 30, 2];
    const cols = 20;
    const { document } = labelledGrid({
      cols,
      rows: 20,
      labelOf: (col, row) => ids[(row * cols + col) % ids.length]!,
      semantic: '_PART_ID',
      labelArray: 'u16',
      vertices: 'separate',
    });
    const bytes = await (await createIO()).writeBinary(document);
    const model = await readModel(bytes, { name: 'interleaved.glb' });
    const { document: source } = await readModel(bytes, { name: 'interleaved.glb' });
    const out = join(work, 'interleaved');
    const { manifest } = await splitModel(model, out, { strategy: 'attribute' });
    expect(manifest.parts.map((part) => part.name)).toEqual([
      'part_1',
      'part_2',
      'part_4',
      'part_9',
      'part_30',
    ]);
    await expectValidPack(out, manifest, source);
    // 400 quads, 80 per label, 4 vertices and 2 triangles each.
    for (const part of manifest.parts) {
      expect(part.vertices).toBe(320);
      expect(part.triangles).toBe(160);
      const { document: written } = await readModel(new Uint8Array(await readFile(join(out, part.file))));
      const positions = written.getRoot().listMeshes()[0]!.listPrimitives()[0]!.getAttribute('POSITION')!;
      expect(positions.getCount()).toBe(320);
    }
    // A part that carried the whole gathered array would make the pack about five times the source.
    const total = manifest.parts.reduce((sum, part) => sum + part.byteLength, 0);
    expect(total).toBeLessThan(1.5 * bytes.byteLength);
  });
});
