import { describe, expect, it } from 'vitest';
import { smoothTriangleLabels, triangleEdges } from '../src/detect/labels/smooth-labels.js';

/**
 * A grid of `w` × `h` quads, two triangles each, as welded corner ids (three per triangle); triangle
 * `2 * (y * w + x)` and the next are the quad at column x, row y.
 */
function grid(w: number, h: number): Uint32Array {
  const id = (x: number, y: number) => y * (w + 1) + x;
  const corners: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      corners.push(id(x, y), id(x + 1, y), id(x + 1, y + 1));
      corners.push(id(x, y), id(x + 1, y + 1), id(x, y + 1));
    }
  }
  return Uint32Array.from(corners);
}

/** Edges between differently labelled triangles. */
function seams(labels: Float64Array, corners: Uint32Array): number {
  const edges = triangleEdges(corners);
  let count = 0;
  for (let t = 0; t < labels.length; t++)
    for (let i = edges.offsets[t]!; i < edges.offsets[t + 1]!; i++)
      if (edges.neighbours[i]! > t && labels[edges.neighbours[i]!] !== labels[t]) count++;
  return count;
}

describe('triangleEdges', () => {
  it('links the triangles that share an edge, and only those', () => {
    const edges = triangleEdges(grid(2, 1));
    // Quad 0: triangles 0 and 1 share their diagonal; triangle 0 shares the middle edge with 3.
    const of = (t: number) => [...edges.neighbours.subarray(edges.offsets[t]!, edges.offsets[t + 1]!)].sort();
    expect(of(0)).toEqual([1, 3]);
    expect(of(1)).toEqual([0]);
    expect(of(2)).toEqual([3]);
    expect(of(3)).toEqual([0, 2]);
  });
});

describe('smoothTriangleLabels', () => {
  // A strip 8 quads long whose evidence blends from joint 0 (left) to joint 1 (right), with the
  // dominant joint alternating from triangle to triangle in the middle, as blended skin weights do.
  const w = 8;
  const corners = grid(w, 2);
  const triangles = corners.length / 3;
  const columnOf = (t: number) => Math.floor(t / 2) % w;
  const shareOfOne = (t: number) => {
    const base = columnOf(t) / (w - 1);
    // ±0.1 flicker around the blend: the raw winner alternates where the blend is near 0.5.
    return Math.min(1, Math.max(0, base + (t % 2 === 0 ? 0.1 : -0.1)));
  };
  const cost = (t: number, label: number) => (label === 1 ? 1 - shareOfOne(t) : shareOfOne(t));
  const raw = () => Float64Array.from({ length: triangles }, (_, t) => (shareOfOne(t) > 0.5 ? 1 : 0));

  it('ends the alternation where evidence is close, leaving one seam across the strip', () => {
    const labels = raw();
    const before = seams(labels, corners);
    expect(smoothTriangleLabels(labels, triangleEdges(corners), cost, 0.25)).toBeGreaterThan(0);
    expect(seams(labels, corners)).toBeLessThan(before);
    // One cut across the strip (h = 2 rows of quads): a seam per row, the least any cut can have.
    expect(seams(labels, corners)).toBe(2);
    expect(labels[0]).toBe(0);
    expect(labels[2 * (w - 1)]).toBe(1);
  });

  it('never moves a triangle whose own evidence is decisive (a gap over 3 × the seam)', () => {
    const labels = Float64Array.from({ length: triangles }, (_, t) => (t === 5 ? 1 : 0));
    // Triangle 5 is all joint 1; its neighbours are all joint 0 and would like it to join them.
    const decisive = (t: number, label: number) =>
      t === 5 ? (label === 1 ? 0 : 1) : label === 0 ? 0.4 : 0.6;
    smoothTriangleLabels(labels, triangleEdges(corners), decisive, 0.25);
    expect(labels[5]).toBe(1);
    // The same triangle with weak evidence (0.55 against 0.45) joins its neighbours.
    const weak = (t: number, label: number) =>
      t === 5 ? (label === 1 ? 0.45 : 0.55) : label === 0 ? 0.4 : 0.6;
    smoothTriangleLabels(labels, triangleEdges(corners), weak, 0.25);
    expect(labels[5]).toBe(0);
  });

  it('gives the same cut whatever the order of the triangles', () => {
    const order = Array.from({ length: triangles }, (_, t) => t).reverse();
    const shuffled = new Uint32Array(corners.length);
    for (const [to, from] of order.entries()) shuffled.set(corners.subarray(3 * from, 3 * from + 3), 3 * to);
    const inOrder = raw();
    expect(smoothTriangleLabels(inOrder, triangleEdges(corners), cost, 0.25)).toBeGreaterThan(0);
    const reordered = Float64Array.from(order, (from) => raw()[from]!);
    smoothTriangleLabels(reordered, triangleEdges(shuffled), (t, label) => cost(order[t]!, label), 0.25);
    expect(Array.from(order, (from) => inOrder[from])).toEqual([...reordered]);
  });
});
