import { describe, expect, it } from 'vitest';
import { segmentShape } from '../src/detect/shape/index.js';
import { capsuleFigure, mug, randError } from './helpers/shape-fixtures.js';

const figure = capsuleFigure(48);
const triangles = figure.indices.length / 3;

/** Every triangle labelled, labels 0…count-1 all used. */
function expectPartition(labels: Uint32Array, count: number, expected: number): void {
  expect(labels).toHaveLength(expected);
  const used = new Set(labels);
  expect(used.size).toBe(count);
  expect(Math.max(...used)).toBe(count - 1);
}

/** The same triangles with three fresh vertices each (a triangle soup, as some exporters write). */
function unweld(
  positions: Float32Array,
  indices: Uint32Array,
): { positions: Float32Array; indices: Uint32Array } {
  const out = new Float32Array(indices.length * 3);
  for (let i = 0; i < indices.length; i++)
    out.set(positions.subarray(3 * indices[i]!, 3 * indices[i]! + 3), 3 * i);
  return { positions: out, indices: Uint32Array.from({ length: indices.length }, (_, i) => i) };
}

describe('segmentShape on messy input', () => {
  const reference = segmentShape(figure.positions, figure.indices);

  it('welds a triangle soup back: same parts as the welded mesh', () => {
    const soup = unweld(figure.positions, figure.indices);
    const result = segmentShape(soup.positions, soup.indices);
    expectPartition(result.labels, result.count, triangles);
    expect(result.count).toBe(reference.count);
    expect(randError(result.labels, reference.labels)).toBe(0);
    expect(result.diagnostics.weldedVertices).toBe(reference.diagnostics.weldedVertices);
  });

  it('copes with duplicated triangles and degenerate ones, labelling each', () => {
    const extra = [0, 0, 1, 5, 5, 5, 2, 3, 2]; // two degenerate triangles (repeated corners) and a sliver
    const indices = Uint32Array.from([...figure.indices, ...figure.indices.subarray(0, 300), ...extra]);
    const result = segmentShape(figure.positions, indices);
    expectPartition(result.labels, result.count, indices.length / 3);
    // Duplicates make their edges non-manifold, which changes the coarsening a little: the parts
    // may differ by a cut, not more.
    expect(Math.abs(result.count - reference.count)).toBeLessThanOrEqual(1);
    expect(randError(result.labels.subarray(0, triangles), reference.labels)).toBeLessThan(0.03);
    // The copies get the same part as their originals.
    for (let t = 0; t < 100; t++) expect(result.labels[triangles + t]).toBe(result.labels[t]);
  });

  it('keeps separate shells apart and merges specks into the nearest part', () => {
    const other = mug(40);
    const offset = figure.positions.length / 3;
    const moved = other.positions.map((value, i) => (i % 3 === 0 ? value + 4 : value));
    // A speck: one small triangle floating near the figure's body.
    const speck = Float32Array.from([0, 0, 0.6, 0.01, 0, 0.6, 0, 0.01, 0.6]);
    const positions = Float32Array.from([...figure.positions, ...moved, ...speck]);
    const speckBase = offset + other.positions.length / 3;
    const indices = Uint32Array.from([
      ...figure.indices,
      ...Array.from(other.indices, (v) => v + offset),
      speckBase,
      speckBase + 1,
      speckBase + 2,
    ]);
    const result = segmentShape(positions, indices);
    const count = indices.length / 3;
    expectPartition(result.labels, result.count, count);
    expect(result.diagnostics.shells).toBeGreaterThanOrEqual(3);
    const figureParts = new Set(result.labels.subarray(0, triangles));
    const mugParts = new Set(result.labels.subarray(triangles, count - 1));
    for (const part of mugParts) expect(figureParts.has(part)).toBe(false);
    expect(figureParts.has(result.labels[count - 1]!)).toBe(true);
  });

  it('copes with an open mesh (a hole cut out)', () => {
    // Drop every triangle whose first vertex is above the shoulders: the head and neck are gone.
    const kept: number[] = [];
    for (let t = 0; t < triangles; t++) {
      if (figure.positions[3 * figure.indices[3 * t]! + 1]! < 0.6)
        kept.push(...figure.indices.subarray(3 * t, 3 * t + 3));
    }
    const result = segmentShape(figure.positions, Uint32Array.from(kept));
    expectPartition(result.labels, result.count, kept.length / 3);
    expect(result.count).toBeGreaterThanOrEqual(3);
  });

  it('never throws on odd geometry: NaN positions, out-of-range indices, a partial triangle, nothing at all', () => {
    const positions = figure.positions.slice();
    positions[0] = Number.NaN;
    positions[4] = Number.POSITIVE_INFINITY;
    const indices = Uint32Array.from([...figure.indices, 1e9, 2, 3, 7, 7]); // last two: a partial triangle
    const result = segmentShape(positions, indices);
    expectPartition(result.labels, result.count, triangles + 1);
    expect(segmentShape(new Float32Array(0), new Uint32Array(0))).toMatchObject({ count: 0 });
    const flat = segmentShape(new Float32Array(9), Uint32Array.from([0, 1, 2]));
    expect(flat.count).toBe(1);
    expect(Array.from(flat.labels)).toEqual([0]);
    const empty = segmentShape(new Float32Array(0), Uint32Array.from([0, 1, 2]));
    expect(Array.from(empty.labels)).toEqual([0]);
  });
});
