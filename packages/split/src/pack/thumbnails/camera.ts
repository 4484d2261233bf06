import { PlacementBuffers, placedMeshes } from './placement.js';
import type { ThumbnailMesh, ThumbnailScene } from './thumbnail-scene.js';

/**
 * The fixed thumbnail camera: a three-quarter view from the front-right and above (glTF is Y-up
 * and +Z is the front), looking at the centre of the scene's bounds, with a mild perspective.
 * Every part of a pack is seen from the same side, so a gallery reads as one set.
 */
export const THUMBNAIL_CAMERA = Object.freeze({
  /**
   * From the bounds centre toward the eye: azimuth 36.9° from +Z toward +X, elevation 26.6°.
   * The front (+Z), the right side (+X) and the top (+Y) are visible.
   */
  direction: Object.freeze([0.6, 0.5, 0.8] as const),
  /** Eye distance in bounding-sphere radii: a 42° cone around the sphere, a mild perspective. */
  distance: 2.8,
  /** Empty share of the image kept on each side of the drawing's projected extent. */
  margin: 0.05,
});

/** Right, up and toward-the-eye unit vectors (9 numbers), from {@link THUMBNAIL_CAMERA}. */
const BASIS: readonly number[] = (() => {
  const [dx, dy, dz] = THUMBNAIL_CAMERA.direction;
  const length = Math.hypot(dx, dy, dz);
  const [ex, ey, ez] = [dx / length, dy / length, dz / length];
  // right = worldUp × eye, up = eye × right.
  const rl = Math.hypot(ez, ex);
  const [rx, ry, rz] = [ez / rl, 0, -ex / rl];
  return Object.freeze([rx, ry, rz, ey * rz - ez * ry, ez * rx - ex * rz, ex * ry - ey * rx, ex, ey, ez]);
})();

/** Placement of the projected drawing in the image: centre of its extent and pixels per unit. */
interface ImageFit {
  midX: number;
  midY: number;
  /** Pixels per projected unit. */
  scale: number;
}

/**
 * The camera framed on one scene at one image size. Framing uses the projected extent of every
 * vertex a triangle uses, so the drawing fills the image (less the margin) along its longer side
 * whatever the model's size, position or units: a 1 mm cube at (1000, 1000, 1000) is drawn as large
 * as a unit cube at the origin. Arithmetic is float64, relative to the bounds centre and scaled by
 * the bounds radius. Built by {@link frameThumbnail}.
 */
export class ThumbnailFrame {
  /** Image width and height in pixels. */
  readonly size: number;
  readonly #center: readonly [number, number, number];
  readonly #inverseRadius: number;
  readonly #fit: ImageFit;

  constructor(size: number, center: readonly [number, number, number], radius: number, fit: ImageFit) {
    this.size = size;
    this.#center = center;
    this.#inverseRadius = 1 / radius;
    this.#fit = fit;
  }

  /** The same view at another image size (the renderer draws at size × supersampling). */
  resized(size: number): ThumbnailFrame {
    const fit = { ...this.#fit, scale: (this.#fit.scale * size) / this.size };
    return new ThumbnailFrame(size, this.#center, 1 / this.#inverseRadius, fit);
  }

  /**
   * Where a world-space point lands: `[x, y, inverseDepth]`, x to the right and y down in pixels
   * (pixel i covers [i, i + 1)), inverseDepth larger for nearer points. For tests and tools.
   */
  project(x: number, y: number, z: number): [number, number, number] {
    const out = new Float64Array(3);
    this.#projectInto(x, y, z, out, 0);
    return [out[0]!, out[1]!, out[2]!];
  }

  /** Projects every vertex of `mesh` into `screen` (x, y, inverseDepth per vertex). */
  projectMesh(mesh: ThumbnailMesh, screen: Float64Array): void {
    const p = mesh.positions;
    const count = Math.floor(p.length / 3);
    for (let i = 0; i < count; i++) this.#projectInto(p[i * 3]!, p[i * 3 + 1]!, p[i * 3 + 2]!, screen, i * 3);
  }

  /**
   * Projects every vertex of `mesh` and snaps it to the rasterizer's fixed-point grid in one pass:
   * `fixed` gets x and y in units of 1 / `unit` pixel (rounded), `inverseDepth` the inverse depth.
   * The arithmetic is {@link project}'s.
   */
  snapMesh(mesh: ThumbnailMesh, unit: number, fixed: Float64Array, inverseDepth: Float64Array): void {
    const p = mesh.positions;
    const count = Math.floor(p.length / 3);
    const b = BASIS;
    const [cx, cy, cz] = this.#center;
    const inverseRadius = this.#inverseRadius;
    const distance = THUMBNAIL_CAMERA.distance;
    const { midX, midY, scale } = this.#fit;
    const half = this.size / 2;
    for (let i = 0; i < count; i++) {
      const qx = (p[i * 3]! - cx) * inverseRadius;
      const qy = (p[i * 3 + 1]! - cy) * inverseRadius;
      const qz = (p[i * 3 + 2]! - cz) * inverseRadius;
      const iz = 1 / (distance - (qx * b[6]! + qy * b[7]! + qz * b[8]!));
      const x = (qx * b[0]! + qy * b[1]! + qz * b[2]!) * iz;
      const y = (qx * b[3]! + qy * b[4]! + qz * b[5]!) * iz;
      fixed[i * 2] = Math.round((half + (x - midX) * scale) * unit);
      fixed[i * 2 + 1] = Math.round((half - (y - midY) * scale) * unit);
      inverseDepth[i] = iz;
    }
  }

  #projectInto(x: number, y: number, z: number, out: Float64Array, offset: number): void {
    projectRaw(x, y, z, this.#center, this.#inverseRadius, out, offset);
    const { midX, midY, scale } = this.#fit;
    out[offset] = this.size / 2 + (out[offset]! - midX) * scale;
    out[offset + 1] = this.size / 2 - (out[offset + 1]! - midY) * scale;
  }
}

/** Perspective projection before fitting to the image: x right, y up, then inverse depth. */
function projectRaw(
  x: number,
  y: number,
  z: number,
  center: readonly [number, number, number],
  inverseRadius: number,
  out: Float64Array,
  offset: number,
): void {
  const b = BASIS;
  const qx = (x - center[0]) * inverseRadius;
  const qy = (y - center[1]) * inverseRadius;
  const qz = (z - center[2]) * inverseRadius;
  // The eye is at distance D along the eye direction; depth D - q·eye >= D - 1 > 0 for |q| <= 1.
  const inverseDepth = 1 / (THUMBNAIL_CAMERA.distance - (qx * b[6]! + qy * b[7]! + qz * b[8]!));
  out[offset] = (qx * b[0]! + qy * b[1]! + qz * b[2]!) * inverseDepth;
  out[offset + 1] = (qx * b[3]! + qy * b[4]! + qz * b[5]!) * inverseDepth;
  out[offset + 2] = inverseDepth;
}

/**
 * Marks (1) the vertices that a triangle of `mesh` uses and whose position is finite, so that
 * framing ignores stray vertices of a shared vertex buffer and never sees NaN or Infinity.
 */
export function usedVertices(mesh: ThumbnailMesh): Uint8Array {
  const p = mesh.positions;
  const count = Math.floor(p.length / 3);
  const used = new Uint8Array(count);
  const indices = mesh.indices;
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i]!;
    if (v < count) used[v] = 1;
  }
  for (let v = 0; v < count; v++) {
    if (
      used[v] === 1 &&
      !(Number.isFinite(p[v * 3]!) && Number.isFinite(p[v * 3 + 1]!) && Number.isFinite(p[v * 3 + 2]!))
    )
      used[v] = 0;
  }
  return used;
}

/**
 * A scene's meshes, already placed, each with its {@link usedVertices}, handed to `visit` one after
 * another: once per pass over the scene ({@link frameFromPasses} makes two). Each pass gives the same
 * meshes in the same order; a mesh need not outlive its visit (a streamed scene reuses its memory).
 */
export type PlacedMeshPass = (visit: (mesh: ThumbnailMesh, used: Uint8Array) => void) => void;

/**
 * Frames the camera on a scene for a `size` × `size` image, or returns null when nothing can be
 * drawn (no triangle with finite vertices, or everything projects to one point).
 * `used` is {@link usedVertices} of each mesh, whose meshes are then already placed (without it,
 * matrices are applied and `used` computed here).
 */
export function frameThumbnail(
  scene: ThumbnailScene,
  size: number,
  used?: readonly Uint8Array[],
): ThumbnailFrame | null {
  if (!used) {
    // A caller's scene may carry matrices (ThumbnailMesh.matrix): framed as the renderer places it.
    const meshes = placedMeshes(scene.meshes, new PlacementBuffers());
    return frameThumbnail({ meshes }, size, meshes.map(usedVertices));
  }
  return frameFromPasses((visit) => {
    scene.meshes.forEach((mesh, m) => {
      visit(mesh, used[m]!);
    });
  }, size);
}

/**
 * {@link frameThumbnail} over a scene given as passes (two: the bounds, then the projected extent), so
 * that a scene read mesh by mesh is framed without being held whole (render-thumbnail.ts,
 * drawThumbnailStream). The same arithmetic in the same order: the same frame.
 */
export function frameFromPasses(pass: PlacedMeshPass, size: number): ThumbnailFrame | null {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  pass((mesh, marks) => {
    const p = mesh.positions;
    for (let v = 0; v < marks.length; v++) {
      if (marks[v] !== 1) continue;
      for (let axis = 0; axis < 3; axis++) {
        const value = p[v * 3 + axis]!;
        if (value < min[axis]!) min[axis] = value;
        if (value > max[axis]!) max[axis] = value;
      }
    }
  });
  if (!(min[0]! <= max[0]!)) return null;
  // Halves before subtracting: bounds near ±Number.MAX_VALUE must not overflow to Infinity.
  const center: [number, number, number] = [
    min[0]! / 2 + max[0]! / 2,
    min[1]! / 2 + max[1]! / 2,
    min[2]! / 2 + max[2]! / 2,
  ];
  const radius = Math.hypot(max[0]! / 2 - min[0]! / 2, max[1]! / 2 - min[1]! / 2, max[2]! / 2 - min[2]! / 2);
  if (!(radius > 0 && Number.isFinite(radius))) return null;

  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  const point = new Float64Array(3);
  pass((mesh, marks) => {
    const p = mesh.positions;
    for (let v = 0; v < marks.length; v++) {
      if (marks[v] !== 1) continue;
      projectRaw(p[v * 3]!, p[v * 3 + 1]!, p[v * 3 + 2]!, center, 1 / radius, point, 0);
      const x = point[0]!;
      const y = point[1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  });
  const span = Math.max(maxX - minX, maxY - minY);
  // Projected coordinates are in units of the bounding radius (about ±0.4): below 1e-9 the drawing
  // is a point or a segment and no triangle covers a pixel.
  if (!(span > 1e-9)) return null;
  return new ThumbnailFrame(size, center, radius, {
    midX: (minX + maxX) / 2,
    midY: (minY + maxY) / 2,
    scale: (size * (1 - 2 * THUMBNAIL_CAMERA.margin)) / span,
  });
}
