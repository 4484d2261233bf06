import { forEachTrianglePair, meshEdges } from '../mesh-edges.js';
import { EdgeListBuilder, foldAffinity, graphFromEdges, type SurfaceGraph } from './graph.js';

/** Fold settings of {@link faceGraph}. */
export interface FoldOptions {
  concavityScale: number;
  convexFactor: number;
}

/**
 * The dual graph of a triangle list over welded vertices: one node per triangle, one edge per
 * pair of triangles sharing a mesh edge, weighted by the shared edge's length × its fold
 * affinity ({@link foldAffinity}). Messy input is expected: degenerate triangles are nodes with
 * zero area and a zero normal (their folds count as flat), an edge shared by more than two
 * triangles (non-manifold) links each to the next around it, open edges link nothing
 * (mesh-edges.ts). O(triangles).
 */
export function faceGraph(positions: Float64Array, indices: Uint32Array, fold: FoldOptions): SurfaceGraph {
  const triangles = Math.floor(indices.length / 3);
  const area = new Float64Array(triangles);
  const unit = new Float64Array(triangles * 3);
  const normal = new Float64Array(triangles * 3);
  const center = new Float64Array(triangles * 3);
  const centroid = new Float64Array(triangles * 3);
  for (let t = 0; t < triangles; t++) {
    const a = 3 * indices[3 * t]!;
    const b = 3 * indices[3 * t + 1]!;
    const c = 3 * indices[3 * t + 2]!;
    const ux = positions[b]! - positions[a]!;
    const uy = positions[b + 1]! - positions[a + 1]!;
    const uz = positions[b + 2]! - positions[a + 2]!;
    const vx = positions[c]! - positions[a]!;
    const vy = positions[c + 1]! - positions[a + 1]!;
    const vz = positions[c + 2]! - positions[a + 2]!;
    const nx = uy * vz - uz * vy;
    const ny = uz * vx - ux * vz;
    const nz = ux * vy - uy * vx;
    const twice = Math.hypot(nx, ny, nz);
    const s = twice / 2;
    area[t] = Number.isFinite(s) ? s : 0;
    if (twice > 0 && Number.isFinite(twice)) {
      unit[3 * t] = nx / twice;
      unit[3 * t + 1] = ny / twice;
      unit[3 * t + 2] = nz / twice;
      normal[3 * t] = nx / 2;
      normal[3 * t + 1] = ny / 2;
      normal[3 * t + 2] = nz / 2;
    }
    for (let k = 0; k < 3; k++) {
      const m = (positions[a + k]! + positions[b + k]! + positions[c + k]!) / 3;
      center[3 * t + k] = Number.isFinite(m) ? m : 0;
    }
  }
  // A floor under every area (a billionth of the mean) so that degenerate triangles still have a
  // centroid and a mass, without weighing anything.
  let total = 0;
  for (let t = 0; t < triangles; t++) total += area[t]!;
  const floor = total > 0 ? (total / triangles) * 1e-9 : 1;
  for (let t = 0; t < triangles; t++) {
    area[t] = Math.max(area[t]!, floor);
    for (let k = 0; k < 3; k++) centroid[3 * t + k] = center[3 * t + k]! * area[t]!;
  }

  const edges = meshEdges(indices);
  const builder = new EdgeListBuilder(Math.ceil(triangles * 1.6));
  forEachTrianglePair(edges, (f, g, e) => {
    if (f === g) return;
    const i = edges.corner[edges.start[e]!]!;
    const t = Math.floor(i / 3);
    const p = 3 * indices[i]!;
    const q = 3 * indices[3 * t + (((i % 3) + 1) % 3)]!;
    const length = Math.hypot(
      positions[p]! - positions[q]!,
      positions[p + 1]! - positions[q + 1]!,
      positions[p + 2]! - positions[q + 2]!,
    );
    const safe = Number.isFinite(length) ? length : 0;
    const at = (convexFactor: number) =>
      foldAffinity(unit, 3 * f, unit, 3 * g, center, 3 * f, center, 3 * g, fold.concavityScale, convexFactor);
    builder.push(f, g, safe * at(fold.convexFactor), safe, safe * at(0));
  });
  return graphFromEdges(triangles, builder, { area, normal, centroid });
}
