import type { Primitive } from '@gltf-transform/core';
import { disjointSets, findRoot as find } from '../../disjoint-sets.js';
import { triangleAreas } from '../granularity/label-geometry.js';
import { triangleListIndices } from './triangles.js';
import { weldPositions } from './weld.js';

export interface ComponentLabelOptions {
  weldTolerance: number;
}

/** Per-primitive triangle labels: connected pieces ranked by surface area (0 is the largest). */
export interface ComponentLabels {
  labels: Float64Array[];
  /** Pieces found. */
  components: number;
}

/**
 * Connected components of the triangles of one mesh's triangle-list primitives, after welding
 * positions (so a piece spanning two materials, or cut by a UV seam, is one piece): union-find over
 * welded vertices. Pieces are ranked by surface area, largest first, so `part_0` is the biggest.
 * Small pieces are not merged here: the granularity step merges every strategy's small parts by
 * area (see ../granularity/), pieces included, into the piece with the nearest surface.
 */
export function componentTriangleLabels(
  primitives: readonly Primitive[],
  options: ComponentLabelOptions,
): ComponentLabels {
  const weld = weldPositions(primitives, options.weldTolerance);
  const parent = disjointSets(weld.count);
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
  // Number the pieces (roots) in triangle order and sum their areas; remember each triangle's piece
  // so that labelling needs no second find.
  const pieceOfRoot = new Int32Array(weld.count).fill(-1);
  const pieceAreas: number[] = [];
  const trianglePieces = primitives.map((primitive, p) => {
    const indices = triangleLists[p]!;
    const ids = weld.ids[p]!;
    const areas = triangleAreas(primitive);
    const out = new Uint32Array(indices.length / 3);
    for (let t = 0; t < out.length; t++) {
      const root = find(parent, ids[indices[3 * t]!]!);
      let piece = pieceOfRoot[root]!;
      if (piece === -1) {
        piece = pieceOfRoot[root] = pieceAreas.length;
        pieceAreas.push(0);
      }
      pieceAreas[piece]! += areas[t]!;
      out[t] = piece;
    }
    return out;
  });
  // Largest first; equal areas keep their order of first appearance (stable sort).
  const ranked = pieceAreas.map((_, piece) => piece).sort((a, b) => pieceAreas[b]! - pieceAreas[a]!);
  const rank = new Uint32Array(pieceAreas.length);
  ranked.forEach((piece, r) => {
    rank[piece] = r;
  });
  const labels = trianglePieces.map((pieces) => {
    const out = new Float64Array(pieces.length);
    for (let t = 0; t < out.length; t++) out[t] = rank[pieces[t]!]!;
    return out;
  });
  return { labels, components: pieceAreas.length };
}
