/**
 * Checks for parts/textures: what colour each triangle of a part shows at its UV corners and
 * centroid, before and after its textures are cropped. Two samplers, as GPUs sample:
 * - nearest texel, compared exactly (PNG) — except where a point lies within 1/1000 of a texel of a
 *   texel edge, where float32 rounding of the remapped UV may pick the neighbour (GPUs differ there too);
 * - bilinear (texel centres at +0.5, the sampler's wrap mode), which also reads the neighbours and so
 *   checks the margin; continuous, so it is compared everywhere.
 */
import type { Document, Primitive } from '@gltf-transform/core';
import { expect } from 'vitest';
import { triangleIndices } from '../../src/geometry.js';
import { type DecodedImage, decodeImage } from '../../src/images/index.js';
import { CLAMP_TO_EDGE, listTextureSlots, MIRRORED_REPEAT } from '../../src/parts/textures/index.js';

/** One textured slot of one primitive: what its texture is sampled with at each point. */
export interface SlotSamples {
  /** `mesh#primitive slot`, for messages. */
  label: string;
  /** 4 UV points per triangle (3 corners, centroid), flat u, v. */
  points: Float64Array;
  image: DecodedImage;
  wrapS: number;
  wrapT: number;
  mimeType: string;
}

function wrap(x: number, size: number, mode: number): number {
  if (mode === CLAMP_TO_EDGE) return Math.min(size - 1, Math.max(0, x));
  if (mode === MIRRORED_REPEAT) {
    const period = 2 * size;
    const m = ((x % period) + period) % period;
    return m < size ? m : period - 1 - m;
  }
  return ((x % size) + size) % size;
}

function texel(
  image: DecodedImage,
  x: number,
  y: number,
  channel: number,
  wrapS: number,
  wrapT: number,
): number {
  return image.data[
    (wrap(y, image.height, wrapT) * image.width + wrap(x, image.width, wrapS)) * 4 + channel
  ]!;
}

/** Nearest texel (RGBA) at (u, v), or null when the point is within 1e-3 texel of a texel edge. */
export function sampleNearest(sample: SlotSamples, u: number, v: number): number[] | null {
  const x = u * sample.image.width;
  const y = v * sample.image.height;
  const near = (t: number) => Math.abs(t - Math.round(t)) < 1e-3;
  if (near(x) || near(y)) return null;
  return [0, 1, 2, 3].map((c) =>
    texel(sample.image, Math.floor(x), Math.floor(y), c, sample.wrapS, sample.wrapT),
  );
}

/** Bilinear sample (RGBA, unrounded) at (u, v). */
export function sampleBilinear(sample: SlotSamples, u: number, v: number): number[] {
  const x = u * sample.image.width - 0.5;
  const y = v * sample.image.height - 0.5;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  return [0, 1, 2, 3].map((c) => {
    const at = (dx: number, dy: number) =>
      texel(sample.image, x0 + dx, y0 + dy, c, sample.wrapS, sample.wrapT);
    return (at(0, 0) * (1 - fx) + at(1, 0) * fx) * (1 - fy) + (at(0, 1) * (1 - fx) + at(1, 1) * fx) * fy;
  });
}

function points(primitive: Primitive, texCoord: number): Float64Array {
  const uvs = primitive.getAttribute(`TEXCOORD_${texCoord}`)!;
  const triangles = triangleIndices(primitive);
  const out = new Float64Array((triangles.length / 3) * 8);
  const a = [0, 0];
  const b = [0, 0];
  const c = [0, 0];
  for (let t = 0; t < triangles.length / 3; t++) {
    uvs.getElement(triangles[t * 3]!, a);
    uvs.getElement(triangles[t * 3 + 1]!, b);
    uvs.getElement(triangles[t * 3 + 2]!, c);
    out.set(
      [a[0]!, a[1]!, b[0]!, b[1]!, c[0]!, c[1]!, (a[0]! + b[0]! + c[0]!) / 3, (a[1]! + b[1]! + c[1]!) / 3],
      t * 8,
    );
  }
  return out;
}

/** Every textured slot of every primitive of a document, sorted by mesh, primitive and slot, decoded. */
export async function slotSamples(document: Document): Promise<SlotSamples[]> {
  const out: SlotSamples[] = [];
  const decoded = new Map<Uint8Array, Promise<DecodedImage>>();
  for (const mesh of document.getRoot().listMeshes()) {
    for (const [p, primitive] of mesh.listPrimitives().entries()) {
      const material = primitive.getMaterial();
      if (!material) continue;
      for (const { slot, texture, info } of listTextureSlots(material)) {
        const bytes = texture.getImage()!;
        if (!decoded.has(bytes)) decoded.set(bytes, decodeImage(bytes));
        out.push({
          label: `${mesh.getName()}#${p} ${slot}`,
          points: points(primitive, info.getTexCoord()),
          image: await decoded.get(bytes)!,
          wrapS: info.getWrapS(),
          wrapT: info.getWrapT(),
          mimeType: texture.getMimeType(),
        });
      }
    }
  }
  // Slot order follows the property graph's edges, which a write and read may reorder.
  return out.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/** How far the colours after a crop are from those before, over every point of every slot. */
export interface ColourComparison {
  points: number;
  /** Points compared by nearest texel (not on a texel edge). */
  nearestPoints: number;
  /** Largest channel difference, nearest texel. */
  worstNearest: number;
  /** Largest channel difference, bilinear. */
  worstBilinear: number;
}

/** Compares the colours of the same slots before and after (same primitives, same order). */
export function compareColours(before: SlotSamples[], after: SlotSamples[]): ColourComparison {
  expect(after.map((sample) => sample.label)).toEqual(before.map((sample) => sample.label));
  const result: ColourComparison = { points: 0, nearestPoints: 0, worstNearest: 0, worstBilinear: 0 };
  for (const [i, was] of before.entries()) {
    const now = after[i]!;
    expect(now.points.length).toBe(was.points.length);
    for (let k = 0; k < was.points.length; k += 2) {
      result.points++;
      const [u0, v0] = [was.points[k]!, was.points[k + 1]!];
      const [u1, v1] = [now.points[k]!, now.points[k + 1]!];
      const a = sampleBilinear(was, u0, v0);
      const b = sampleBilinear(now, u1, v1);
      for (let c = 0; c < 4; c++)
        result.worstBilinear = Math.max(result.worstBilinear, Math.abs(a[c]! - b[c]!));
      const na = sampleNearest(was, u0, v0);
      const nb = sampleNearest(now, u1, v1);
      if (!na || !nb) continue;
      result.nearestPoints++;
      for (let c = 0; c < 4; c++)
        result.worstNearest = Math.max(result.worstNearest, Math.abs(na[c]! - nb[c]!));
    }
  }
  return result;
}
