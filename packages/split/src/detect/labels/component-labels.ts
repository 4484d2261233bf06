import type { Primitive } from '@gltf-transform/core';
import { triangleListIndices } from './triangles.js';
import { weldPositions } from './weld.js';

export interface ComponentLabelOptions {
  weldTolerance: number;
  minComponentRatio: number;
  minComponentTriangles: number;
}

/** Per-primitive triangle labels (component ids ranked by size: 0 is the largest piece). */
export interface ComponentLabels {
  labels: Float64Array[];
  /** Pieces found before small ones were merged. */
  rawComponents: number;
  /** Pieces after merging. */
  components: number;
}

function find(parent: Int32Array, x: number): number {
  let node = x;
  while (parent[node] !== node) {
    parent[node] = parent[parent[node]!]!; // path halving
    node = parent[node]!;
  }
  return node;
}

/**
 * Connected components of the triangles of one mesh's triangle-list primitives, after welding
 * positions (so a piece spanning two materials is one piece). Union-find over welded vertices,
 * then every piece smaller than max(minComponentRatio × triangles, minComponentTriangles) is
 * merged into the nearest kept piece: the one whose bounding box is closest to its own (zero
 * when they overlap, which is the usual case for an eye in a head or a button on a coat), ties
 * going to the TIGHTEST box (an eye inside both the head's and the body's bounds belongs to the
 * head). When no piece reaches the threshold, the largest is kept.
 */
export function componentTriangleLabels(
  primitives: readonly Primitive[],
  options: ComponentLabelOptions,
): ComponentLabels {
  const weld = weldPositions(primitives, options.weldTolerance);
  const parent = new Int32Array(weld.count);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const triangleLists = primitives.map(triangleListIndices);
  for (let p = 0; p < primitives.length; p++) {
    const indices = triangleLists[p]!;
    const ids = weld.ids[p]!;
    for (let i = 0; i < indices.length; i += 3) {
      const a = find(parent, ids[indices[i]!]!);
      for (let j = 1; j < 3; j++) {
        const b = find(parent, ids[indices[i + j]!]!);
        if (a !== b) parent[b] = a;
      }
    }
  }
  // Number the pieces (roots) in triangle order, count their triangles, and remember each
  // triangle's piece so that labelling needs no second find.
  const pieceOfRoot = new Int32Array(weld.count).fill(-1);
  const pieceSizes = new Uint32Array(weld.count);
  let pieces = 0;
  let triangles = 0;
  const trianglePieces = primitives.map((_, p) => {
    const indices = triangleLists[p]!;
    const ids = weld.ids[p]!;
    const out = new Uint32Array(indices.length / 3);
    for (let t = 0; t < out.length; t++) {
      const root = find(parent, ids[indices[3 * t]!]!);
      let piece = pieceOfRoot[root]!;
      if (piece === -1) piece = pieceOfRoot[root] = pieces++;
      pieceSizes[piece]! += 1;
      out[t] = piece;
    }
    triangles += out.length;
    return out;
  });
  // Bounds per piece from its welded vertices (each visited once, not once per triangle corner).
  const boxes = new Float64Array(pieces * 6);
  for (let c = 0; c < pieces; c++)
    boxes.set([Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity], 6 * c);
  for (let w = 0; w < weld.count; w++) {
    const piece = pieceOfRoot[find(parent, w)]!;
    if (piece === -1) continue; // a vertex no triangle uses
    for (let axis = 0; axis < 3; axis++) {
      const value = weld.positions[3 * w + axis]!;
      if (value < boxes[6 * piece + axis]!) boxes[6 * piece + axis] = value;
      if (value > boxes[6 * piece + 3 + axis]!) boxes[6 * piece + 3 + axis] = value;
    }
  }
  const sizes = Array.from(pieceSizes.subarray(0, pieces));
  const target = mergeSmallComponents(sizes, boxes, triangles, options);
  // Rank kept pieces by merged size (largest first) so labels are stable and meaningful.
  const mergedSize = new Map<number, number>();
  target.forEach((t, c) => {
    mergedSize.set(t, (mergedSize.get(t) ?? 0) + sizes[c]!);
  });
  const ranked = [...mergedSize.keys()].sort((a, b) => mergedSize.get(b)! - mergedSize.get(a)! || a - b);
  const rankOf = new Map(ranked.map((c, i) => [c, i]));
  const rank = target.map((t) => rankOf.get(t)!);
  const labels = trianglePieces.map((piecesOfTriangles) => {
    const out = new Float64Array(piecesOfTriangles.length);
    for (let t = 0; t < out.length; t++) out[t] = rank[piecesOfTriangles[t]!]!;
    return out;
  });
  return { labels, rawComponents: sizes.length, components: ranked.length };
}

/** For each component, the component it ends up in (itself when kept). */
function mergeSmallComponents(
  sizes: readonly number[],
  boxes: Float64Array,
  triangles: number,
  options: ComponentLabelOptions,
): number[] {
  const threshold = Math.max(options.minComponentRatio * triangles, options.minComponentTriangles);
  let kept = sizes.map((_, c) => c).filter((c) => sizes[c]! >= threshold);
  if (kept.length === 0 && sizes.length > 0) {
    kept = [sizes.reduce((best, size, c) => (size > sizes[best]! ? c : best), 0)];
  }
  const isKept = new Set(kept);
  return sizes.map((_, c) => {
    if (isKept.has(c)) return c;
    let best = kept[0]!;
    let bestDistance = Infinity;
    let bestExtent = Infinity;
    for (const k of kept) {
      const distance = boxDistance(boxes, c, k);
      const extent = boxExtent(boxes, k);
      if (distance < bestDistance || (distance === bestDistance && extent < bestExtent)) {
        best = k;
        bestDistance = distance;
        bestExtent = extent;
      }
    }
    return best;
  });
}

/** Squared diagonal of a piece's bounding box. */
function boxExtent(boxes: Float64Array, c: number): number {
  let sum = 0;
  for (let axis = 0; axis < 3; axis++) sum += (boxes[6 * c + 3 + axis]! - boxes[6 * c + axis]!) ** 2;
  return sum;
}

function boxDistance(boxes: Float64Array, a: number, b: number): number {
  let sum = 0;
  for (let axis = 0; axis < 3; axis++) {
    const gap = Math.max(
      boxes[6 * a + axis]! - boxes[6 * b + 3 + axis]!,
      boxes[6 * b + axis]! - boxes[6 * a + 3 + axis]!,
      0,
    );
    sum += gap * gap;
  }
  return sum;
}
