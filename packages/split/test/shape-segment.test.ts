import { describe, expect, it } from 'vitest';
import { type ShapeResult, segmentShape } from '../src/detect/shape/index.js';
import { capsuleFigure, type LabelledMesh, mug, randError, table } from './helpers/shape-fixtures.js';

/** Labels form a partition: one per triangle, every value in 0…count-1 used. */
function expectPartition(result: ShapeResult, triangles: number): void {
  expect(result.labels).toHaveLength(triangles);
  const used = new Set(result.labels);
  expect(used.size).toBe(result.count);
  for (const label of used) expect(label).toBeLessThan(result.count);
}

/** Per part, its share of the total surface area. */
function areaShares(
  mesh: Pick<LabelledMesh, 'positions' | 'indices'>,
  labels: Uint32Array,
  count: number,
): number[] {
  const areas = new Array<number>(count).fill(0);
  const p = mesh.positions;
  for (let t = 0; t < labels.length; t++) {
    const [a, b, c] = [0, 1, 2].map((k) => 3 * mesh.indices[3 * t + k]!) as [number, number, number];
    const u = [p[b]! - p[a]!, p[b + 1]! - p[a + 1]!, p[b + 2]! - p[a + 2]!];
    const v = [p[c]! - p[a]!, p[c + 1]! - p[a + 1]!, p[c + 2]! - p[a + 2]!];
    areas[labels[t]!]! +=
      Math.hypot(
        u[1]! * v[2]! - u[2]! * v[1]!,
        u[2]! * v[0]! - u[0]! * v[2]!,
        u[0]! * v[1]! - u[1]! * v[0]!,
      ) / 2;
  }
  const total = areas.reduce((sum, a) => sum + a, 0);
  return areas.map((a) => a / total);
}

const figure = capsuleFigure();
const cup = mug();
const desk = table();

describe('segmentShape on generated fused shapes with known cuts', () => {
  // The bound: at most 1.5 % of face pairs disagree with the construction (a boundary a patch
  // off the crease costs ~1 %, a missing limb or a body cut in two 5–20 %; with the triangle-level
  // refinement the shapes score 0.002–0.009).
  it.each([
    ['a capsule body with head, arms and legs', figure, 6],
    ['a mug with a handle', cup, 2],
    ['a table', desk, 5],
  ])('cuts %s into its construction parts', (_, mesh, parts) => {
    const result = segmentShape(mesh.positions, mesh.indices);
    expectPartition(result, mesh.indices.length / 3);
    expect(result.count).toBe(parts);
    expect(result.count).toBe(mesh.parts);
    expect(randError(result.labels, mesh.labels)).toBeLessThan(0.015);
    expect(result.diagnostics.countChosenBy).toBe('threshold');
    expect(result.diagnostics.cutScores.every((score) => score < 1.2)).toBe(true);
    expect(result.diagnostics.nextCutScore).toBeGreaterThanOrEqual(1.2);
  });

  it('is deterministic: the same input gives the same labels', () => {
    const first = segmentShape(figure.positions, figure.indices);
    const second = segmentShape(figure.positions.slice(), figure.indices.slice());
    expect(second.labels).toEqual(first.labels);
    expect(second.diagnostics).toEqual(first.diagnostics);
  });

  it('labels the largest part 0', () => {
    const result = segmentShape(desk.positions, desk.indices);
    const shares = areaShares(desk, result.labels, result.count);
    expect(shares[0]).toBe(Math.max(...shares));
    expect([...shares].sort((a, b) => b - a)).toEqual(shares);
  });
});

describe('segmentShape granularity', () => {
  it.each([1, 3, 9])('targetParts %i gives exactly that many parts', (target) => {
    const result = segmentShape(figure.positions, figure.indices, { targetParts: target });
    expectPartition(result, figure.indices.length / 3);
    expect(result.count).toBe(target);
    expect(result.diagnostics.countChosenBy).toBe('targetParts');
  });

  it('targetParts keeps the best cuts: 2 parts of the mug are its body and handle', () => {
    const result = segmentShape(cup.positions, cup.indices, { targetParts: 2 });
    expect(randError(result.labels, cup.labels)).toBeLessThan(0.03);
  });

  it('minPartArea merges parts below that share of the area into a neighbour', () => {
    const plain = segmentShape(figure.positions, figure.indices);
    const coarse = segmentShape(figure.positions, figure.indices, { minPartArea: 0.1 });
    expectPartition(coarse, figure.indices.length / 3);
    expect(coarse.count).toBeLessThan(plain.count);
    expect(coarse.count).toBeGreaterThanOrEqual(1);
    for (const share of areaShares(figure, coarse.labels, coarse.count))
      expect(share).toBeGreaterThanOrEqual(0.1);
    expect(coarse.diagnostics.merged).toBeGreaterThan(0);
  });

  it('rejects invalid options with a RangeError naming the option', () => {
    expect(() => segmentShape(figure.positions, figure.indices, { targetParts: 0 })).toThrow(/targetParts/);
    expect(() => segmentShape(figure.positions, figure.indices, { minPartArea: Number.NaN })).toThrow(
      /minPartArea/,
    );
  });
});
