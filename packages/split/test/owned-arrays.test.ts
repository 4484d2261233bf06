import { Document, NodeIO, type TypedArray } from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import { planParts } from '../src/detect/plan-parts.js';
import { fastDocument } from '../src/fast/fast-document.js';
import { FastGltf } from '../src/fast/fast-gltf.js';
import { openGlb } from '../src/fast/open-glb.js';
import { isOwned, markOwned, RecycledMemory, releaseOwned } from '../src/owned-arrays.js';

/**
 * The label split gives the memory of the byte-level reader's source arrays back as soon as it has
 * read them (src/owned-arrays.ts, splitPrimitiveByLabels' `releaseSource`), and never an array
 * another primitive still reads, nor one it does not own.
 */

const io = new NodeIO();

describe('markOwned / releaseOwned', () => {
  it('releases a marked array once, and nothing else', () => {
    const owned = markOwned(new Float32Array([1, 2, 3]));
    const view = new Float32Array(new ArrayBuffer(32), 8, 3);
    markOwned(view);
    const plain = new Float32Array([4, 5]);
    expect(isOwned(owned)).toBe(true);
    // A view of part of a buffer may share it: never marked.
    expect(isOwned(view)).toBe(false);
    expect(releaseOwned(view)).toBeNull();
    expect(releaseOwned(plain)).toBeNull();
    expect(Array.from(plain)).toEqual([4, 5]);
    const memory = releaseOwned(owned);
    // The memory moves, with its contents, to a buffer of the caller's.
    expect(Array.from(new Float32Array(memory!))).toEqual([1, 2, 3]);
    expect(owned.length).toBe(0);
    expect(owned.buffer.byteLength).toBe(0);
    expect(releaseOwned(owned)).toBeNull();
    expect(releaseOwned(null)).toBeNull();
  });

  it('keeps released buffers that an expected request fills at least half, and hands them out aligned', () => {
    // Expected: 12 bytes (fits the 20-byte buffer at 60 %) and 48 (the 64-byte one at 75 %).
    const recycled = new RecycledMemory([12, 48]);
    expect(recycled.take(Float32Array, 1)).toBeNull();
    recycled.add(new ArrayBuffer(20));
    recycled.add(new ArrayBuffer(64));
    // Mostly unused by any expected request: let go, never handed out.
    recycled.add(new ArrayBuffer(1000));
    recycled.add(null);
    const a = recycled.take<Uint16Array>(Uint16Array, 3)!;
    expect([a.buffer.byteLength, a.byteOffset, a.length]).toEqual([20, 0, 3]);
    // 6 bytes used, next start aligned to 8: 8 + 12 fits in 20.
    const b = recycled.take<Float32Array>(Float32Array, 3)!;
    expect([b.buffer.byteLength, b.byteOffset]).toEqual([20, 8]);
    const c = recycled.take<Float64Array>(Float64Array, 2)!;
    expect([c.buffer.byteLength, c.byteOffset]).toEqual([64, 0]);
    expect(recycled.take(Float64Array, 7)).toBeNull();
    expect(recycled.take(Uint8Array, 100)).toBeNull();
  });
});

/**
 * A welded grid labelled in three column bands (`_PART_ID`), drawn by two primitives that share
 * its POSITION and `_PART_ID` accessors (left and right halves, indices of their own), and a second
 * mesh with accessors of its own.
 */
async function labelledGlb(): Promise<Uint8Array> {
  const document = new Document();
  const buffer = document.createBuffer();
  const scene = document.createScene();
  const cols = 12;
  const rows = 4;
  const grid = (z: number) => {
    const positions: number[] = [];
    const labels: number[] = [];
    for (let y = 0; y <= rows; y++)
      for (let x = 0; x <= cols; x++) {
        positions.push(x, y, z + 0.01 * x * y);
        labels.push(Math.min(2, Math.floor((3 * x) / cols)));
      }
    return {
      position: document
        .createAccessor()
        .setType('VEC3')
        .setArray(new Float32Array(positions))
        .setBuffer(buffer),
      label: document.createAccessor().setType('SCALAR').setArray(new Uint16Array(labels)).setBuffer(buffer),
    };
  };
  const quads = (from: number, to: number) => {
    const indices: number[] = [];
    for (let y = 0; y < rows; y++)
      for (let x = from; x < to; x++) {
        const a = y * (cols + 1) + x;
        indices.push(a, a + 1, a + cols + 2, a, a + cols + 2, a + cols + 1);
      }
    return document.createAccessor().setType('SCALAR').setArray(new Uint32Array(indices)).setBuffer(buffer);
  };
  const shared = grid(0);
  const halves = document.createMesh('halves');
  for (const [from, to] of [
    [0, 6],
    [6, 12],
  ] as const)
    halves.addPrimitive(
      document
        .createPrimitive()
        .setAttribute('POSITION', shared.position)
        .setAttribute('_PART_ID', shared.label)
        .setIndices(quads(from, to)),
    );
  const own = grid(5);
  const single = document
    .createMesh('single')
    .addPrimitive(
      document
        .createPrimitive()
        .setAttribute('POSITION', own.position)
        .setAttribute('_PART_ID', own.label)
        .setIndices(quads(0, 12)),
    );
  scene.addChild(document.createNode('halves').setMesh(halves));
  scene.addChild(document.createNode('single').setMesh(single).setTranslation([0, 10, 0]));
  return io.writeBinary(document);
}

/** Every accessor array of the document, in root order. */
function sourceArrays(document: Document): TypedArray[] {
  return document
    .getRoot()
    .listAccessors()
    .map((accessor) => accessor.getArray()!);
}

/** Each part node's name with its primitives' positions and indices, in node order. */
function partGeometry(document: Document): unknown[] {
  return document
    .getRoot()
    .listNodes()
    .filter((node) => node.getMesh())
    .map((node) => ({
      name: node.getName(),
      primitives: node
        .getMesh()!
        .listPrimitives()
        .map((primitive) => ({
          positions: Array.from(primitive.getAttribute('POSITION')!.getArray()!),
          indices: Array.from(primitive.getIndices()!.getArray()!),
        })),
    }));
}

describe('the label split releases the byte-level reader source arrays', () => {
  it('once read, shared accessors after their last primitive, with the same parts as glTF-Transform reading', async () => {
    const bytes = await labelledGlb();
    const opened = (await openGlb(bytes))!;
    const fast = fastDocument(new FastGltf(opened.json, opened.source, opened.binOffset));
    opened.source.close();
    const read = await io.readBinary(bytes);

    const fastSources = sourceArrays(fast);
    const readSources = sourceArrays(read);
    expect(fastSources.length).toBe(7);
    expect(fastSources.every(isOwned)).toBe(true);
    expect(readSources.some(isOwned)).toBe(false);

    const fastPlan = await planParts(fast, { strategy: 'attribute' });
    const readPlan = await planParts(read, { strategy: 'attribute' });
    expect(fastPlan.parts.length).toBe(6);
    expect(readPlan.parts.map((part) => part.nodes[0]!.getName())).toEqual(
      fastPlan.parts.map((part) => part.nodes[0]!.getName()),
    );
    // The shared POSITION was read by the second half after the first was split: had it been
    // released then, the second half's parts would be empty or wrong.
    expect(partGeometry(fast)).toEqual(partGeometry(read));
    expect(partGeometry(fast).length).toBe(6);
    // Every source array of the byte-level reader is given back; glTF-Transform's are not touched.
    expect(fastSources.map((array) => array.length)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(readSources.every((array) => array.length > 0)).toBe(true);
  });
});
