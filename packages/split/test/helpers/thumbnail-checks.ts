/**
 * Scenes and pixel checks for the thumbnail tests: a cube and a quad in the renderer's own format,
 * and small readers of RGBA images (a pixel, the covered area, its bounding box, distinct colours).
 */
import type { DecodedImage } from '../../src/images/index.js';
import type { ThumbnailFrame, ThumbnailMesh } from '../../src/pack/thumbnails/index.js';

/** An axis-aligned cube: 24 vertices (a flat normal per face), 12 counter-clockwise triangles. */
export function cubeMesh(center: readonly number[] = [0, 0, 0], size = 1, withNormals = true): ThumbnailMesh {
  const positions: number[] = [];
  const normals: number[] = [];
  const indices: number[] = [];
  for (const axis of [0, 1, 2]) {
    for (const sign of [1, -1]) {
      // (u, v, axis) is right-handed, so corners in (u, v) order wind counter-clockwise seen from
      // outside when sign is +1; a negative face reverses u.
      const u = (axis + 1) % 3;
      const v = (axis + 2) % 3;
      const base = positions.length / 3;
      for (const [a, b] of [
        [-1, -1],
        [1, -1],
        [1, 1],
        [-1, 1],
      ] as const) {
        const p = [0, 0, 0];
        p[axis] = sign * 0.5;
        p[u] = a * 0.5 * sign;
        p[v] = b * 0.5;
        positions.push(center[0]! + p[0]! * size, center[1]! + p[1]! * size, center[2]! + p[2]! * size);
        const n = [0, 0, 0];
        n[axis] = sign;
        normals.push(...n);
      }
      indices.push(base, base + 1, base + 2, base, base + 2, base + 3);
    }
  }
  return {
    positions: new Float64Array(positions),
    normals: withNormals ? new Float32Array(normals) : null,
    indices: new Uint32Array(indices),
  };
}

/**
 * A closed sphere of `rings` × `segments` quads with unit normals. `bump` > 0 waves its radius
 * (1 + bump × sin 7θ × cos 5φ), so that the light varies across it more than a smooth sphere's.
 */
export function sphereMesh(
  rings: number,
  segments: number,
  center: readonly number[] = [0, 0, 0],
  bump = 0,
): ThumbnailMesh {
  const count = (rings + 1) * (segments + 1);
  const positions = new Float64Array(count * 3);
  const normals = new Float32Array(count * 3);
  for (let r = 0; r <= rings; r++) {
    for (let s = 0; s <= segments; s++) {
      const theta = (r / rings) * Math.PI;
      const phi = (s / segments) * 2 * Math.PI;
      const radius = 1 + bump * Math.sin(7 * theta) * Math.cos(5 * phi);
      const n = [Math.sin(theta) * Math.cos(phi), Math.cos(theta), -Math.sin(theta) * Math.sin(phi)];
      const v = r * (segments + 1) + s;
      positions.set(
        n.map((x, i) => center[i]! + x * radius),
        v * 3,
      );
      normals.set(n, v * 3);
    }
  }
  const indices = new Uint32Array(rings * segments * 6);
  for (let r = 0, k = 0; r < rings; r++) {
    for (let s = 0; s < segments; s++, k += 6) {
      const a = r * (segments + 1) + s;
      const b = a + segments + 1;
      indices.set([a, b, a + 1, a + 1, b, b + 1], k);
    }
  }
  return { positions, normals, indices };
}

/**
 * A 2 × 2 quad in the z = 0 plane facing +Z, corners (-1, -1) to (1, 1), with UV (0, 0) at the
 * top-left corner (-1, 1), as glTF maps an image onto geometry. `uvScale` stretches the UVs.
 */
export function quadMesh(z = 0, uvScale = 1): ThumbnailMesh {
  return {
    positions: new Float64Array([-1, -1, z, 1, -1, z, 1, 1, z, -1, 1, z]),
    normals: new Float32Array([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]),
    uvs: new Float32Array([0, uvScale, uvScale, uvScale, uvScale, 0, 0, 0]),
    indices: new Uint32Array([0, 1, 2, 0, 2, 3]),
  };
}

/** A flat n × n grid of quads (two triangles each) in the z = 0 plane, from (-1, -1) to (1, 1), facing +Z. */
export function gridMesh(n: number): ThumbnailMesh {
  const positions = new Float64Array((n + 1) * (n + 1) * 3);
  for (let y = 0; y <= n; y++)
    for (let x = 0; x <= n; x++) positions.set([(2 * x) / n - 1, (2 * y) / n - 1, 0], (y * (n + 1) + x) * 3);
  const indices = new Uint32Array(n * n * 6);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      const a = y * (n + 1) + x;
      indices.set([a, a + 1, a + n + 2, a, a + n + 2, a + n + 1], (y * n + x) * 6);
    }
  return { positions, indices };
}

/**
 * An 8 × 8 image in four 4 × 4 blocks: red top-left, green top-right, blue bottom-left, white
 * bottom-right (blocks, not single texels, so that bilinear filtering inside a quadrant reads only
 * that quadrant's colour). `alpha` per quadrant in the same order.
 */
export function quadrantsImage(alpha: readonly number[] = [255, 255, 255, 255]): DecodedImage {
  const colors = [
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
    [255, 255, 255],
  ];
  const data = new Uint8Array(8 * 8 * 4);
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const quadrant = (y < 4 ? 0 : 2) + (x < 4 ? 0 : 1);
      data.set([...colors[quadrant]!, alpha[quadrant]!], (y * 8 + x) * 4);
    }
  }
  return { width: 8, height: 8, data };
}

/** RGBA of the pixel that contains the image point (x, y). */
export function pixelAt(image: DecodedImage, x: number, y: number): [number, number, number, number] {
  const i = (Math.floor(y) * image.width + Math.floor(x)) * 4;
  return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!, image.data[i + 3]!];
}

/** RGBA of the pixel where a world-space point lands. */
export function pixelOf(image: DecodedImage, frame: ThumbnailFrame, point: readonly number[]): number[] {
  const [x, y] = frame.project(point[0]!, point[1]!, point[2]!);
  return pixelAt(image, x, y);
}

/** Pixels with any opacity. */
export function coverage(image: DecodedImage): number {
  let count = 0;
  for (let i = 3; i < image.data.length; i += 4) if (image.data[i]! > 0) count++;
  return count;
}

/** Pixels whose alpha is strictly between 0 and 255 (anti-aliased edges, translucency). */
export function partialPixels(image: DecodedImage): number {
  let count = 0;
  for (let i = 3; i < image.data.length; i += 4) if (image.data[i]! > 0 && image.data[i]! < 255) count++;
  return count;
}

/** Bounding box of the covered pixels, or null. */
export function coveredBox(
  image: DecodedImage,
): { minX: number; minY: number; maxX: number; maxY: number } | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.data[(y * image.width + x) * 4 + 3] === 0) continue;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  return minX <= maxX ? { minX, minY, maxX, maxY } : null;
}

/** Distinct RGBA values among the covered pixels. */
export function distinctColors(image: DecodedImage): number {
  const seen = new Set<number>();
  const view = new DataView(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  for (let i = 0; i < image.data.length; i += 4) if (image.data[i + 3]! > 0) seen.add(view.getUint32(i));
  return seen.size;
}

/** Largest per-channel difference, and how many pixels differ by more than `tolerance` on a channel. */
export function imageDifference(
  a: DecodedImage,
  b: DecodedImage,
  tolerance = 8,
): { max: number; pixels: number } {
  let max = 0;
  let pixels = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    let worst = 0;
    for (let c = 0; c < 4; c++) worst = Math.max(worst, Math.abs(a.data[i + c]! - b.data[i + c]!));
    max = Math.max(max, worst);
    if (worst > tolerance) pixels++;
  }
  return { max, pixels };
}

/** 8-bit sRGB code of a linear value, computed independently of the renderer's tables. */
export function srgb8(linear: number): number {
  const c = Math.min(1, Math.max(0, linear));
  return Math.round((c <= 0.0031308 ? c * 12.92 : 1.055 * c ** (1 / 2.4) - 0.055) * 255);
}
