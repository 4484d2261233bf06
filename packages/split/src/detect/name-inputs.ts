import type { Document, Primitive } from '@gltf-transform/core';
import { baseColorOf } from '../base-color.js';
import {
  type Bounds,
  createWorldMatrices,
  emptyBounds,
  expandPlacedBounds,
  finiteBounds,
} from '../geometry.js';
import type { NameInput } from '../pack/naming/index.js';
import { sceneBounds } from '../scene.js';
import type { PartPlan, PlannedPart } from './detect-parts.js';
import { triangleAreas } from './granularity/label-geometry.js';
import { colorName } from './labels/color-space.js';
import { isTriangleList, normalizedDivisor, triangleListIndices } from './labels/triangles.js';

/**
 * What naming needs of each planned part, in plan order: its source name (naming drops exporter
 * debris from it), and, only when the template asks for them, `{region}` and `{color}`. Shared by
 * splitModel and inspectModel, so both name alike.
 */
export async function partNameInputs(
  document: Document,
  plan: PartPlan,
  template: string,
): Promise<NameInput[]> {
  const regions = template.includes('{region}') ? partRegions(document, plan.parts) : null;
  const colors = template.includes('{color}') ? await partColors(plan.parts) : null;
  return plan.parts.map((part, index) => ({
    sourceName: part.sourceName,
    index,
    id: part.id,
    ...(regions ? { region: regions[index]! } : {}),
    ...(colors ? { color: colors[index]! } : {}),
  }));
}

/** The axes a region names, in the order its words come: +Y is up, +Z the front, +X the left. */
const REGION_AXES: ReadonlyArray<readonly [axis: number, high: string, low: string]> = [
  [1, 'top', 'bottom'],
  [2, 'front', 'back'],
  [0, 'left', 'right'],
];

/**
 * Parts with the same region that lie apart by at least this share of the model's extent on an axis
 * are told apart on it (two legs both in the bottom third: `bottom_left`, `bottom_right`).
 */
const REGION_SEPARATION = 0.1;

/**
 * `top`, `bottom`, `left`, `right`, `front` or `back`, combined (`top_front_left`), from the centre
 * of the part's bounds (first placement) within the model's: each axis is cut in thirds, the middle
 * third says nothing, and a part in the middle of all three is `center`. Parts that would share a
 * region are then told apart by the axis they lie apart on (a pair of legs in the middle third of
 * X: `bottom_left`, `bottom_right`); what stays the same is made unique by naming (`left_2`).
 * glTF's conventions: +Y is up, the model faces +Z (its front), so its left is +X. `model` is the
 * model's bounds (default: the scene's now; a caller that takes meshes apart measures them before).
 */
export function partRegions(
  document: Document,
  parts: readonly Pick<PlannedPart, 'mesh' | 'primitive' | 'nodes'>[],
  model: Bounds = sceneBounds(document),
): string[] {
  const worldOf = createWorldMatrices();
  const centres = parts.map((part) => {
    const bounds = emptyBounds();
    const primitives = part.primitive ? [part.primitive] : part.mesh.listPrimitives();
    for (const primitive of primitives) expandPlacedBounds(bounds, primitive, part.nodes[0]!, worldOf);
    const box = finiteBounds(bounds);
    return [0, 1, 2].map((axis) => (box.min[axis]! + box.max[axis]!) / 2);
  });
  const extent = [0, 1, 2].map((axis) => model.max[axis]! - model.min[axis]!);
  const words = centres.map((centre) => {
    const found: string[] = [];
    for (const [axis, high, low] of REGION_AXES) {
      if (!(extent[axis]! > 0)) continue;
      const t = (centre[axis]! - model.min[axis]!) / extent[axis]!;
      if (t > 2 / 3) found.push(high);
      else if (t < 1 / 3) found.push(low);
    }
    return found;
  });
  tellApart(words, centres, extent);
  return words.map((found) => (found.length > 0 ? found.join('_') : 'center'));
}

/**
 * For each group of parts with the same region words, adds the word of the first axis (in region
 * order) not already named on which the group's centres spread by REGION_SEPARATION or more: each
 * part gets the high or low word by its side of the group's mean, or none within a tenth of the
 * spread of it (the middle one of three).
 */
function tellApart(words: string[][], centres: number[][], extent: number[]): void {
  const groups = new Map<string, number[]>();
  for (const [index, found] of words.entries()) {
    const key = found.join('_');
    groups.set(key, [...(groups.get(key) ?? []), index]);
  }
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const named = new Set(words[members[0]!]);
    for (const [axis, high, low] of REGION_AXES) {
      if (named.has(high) || named.has(low) || !(extent[axis]! > 0)) continue;
      const values = members.map((index) => centres[index]![axis]!);
      const spread = Math.max(...values) - Math.min(...values);
      if (spread < REGION_SEPARATION * extent[axis]!) continue;
      const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
      for (const [k, index] of members.entries()) {
        const offset = values[k]! - mean;
        if (Math.abs(offset) <= spread / 10) continue;
        // Region words keep their order (top, front, left): insert where this axis's word belongs.
        const order = REGION_AXES.flatMap(([, h, l]) => [h, l]);
        words[index] = [...words[index]!, offset > 0 ? high : low].sort(
          (a, b) => order.indexOf(a) - order.indexOf(b),
        );
      }
      break;
    }
  }
}

/** Most triangles of a primitive sampled for its colour (evenly strided beyond that). */
const MAX_COLOR_SAMPLES = 20000;

/** sRGB 8-bit channel to linear light. */
function toLinear(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** Linear light to an sRGB 8-bit channel. */
function toSrgb(value: number): number {
  const c = Math.min(1, Math.max(0, value));
  return Math.round(255 * (c <= 0.0031308 ? c * 12.92 : 1.055 * c ** (1 / 2.4) - 0.055));
}

/**
 * The nearest common colour name of each part's base colour: the area-weighted mean, in linear
 * light, of its material's base colour factor × its base colour texture at each triangle's UV
 * centroid × its vertex colours (COLOR_0); a specular-glossiness material's diffuse colour
 * (base-color.ts).
 */
export async function partColors(parts: readonly PlannedPart[]): Promise<string[]> {
  const { ImageCache } = await import('../images/index.js');
  const images = new ImageCache();
  const names: string[] = [];
  for (const part of parts) {
    const sum = [0, 0, 0];
    let weight = 0;
    const primitives = part.primitive ? [part.primitive] : part.mesh.listPrimitives();
    for (const primitive of primitives.filter(isTriangleList)) {
      const result = await primitiveColor(primitive, images);
      for (let c = 0; c < 3; c++) sum[c]! += result.rgb[c]! * result.weight;
      weight += result.weight;
    }
    const mean = weight > 0 ? sum.map((value) => value / weight) : [1, 1, 1];
    names.push(colorName(toSrgb(mean[0]!), toSrgb(mean[1]!), toSrgb(mean[2]!)));
  }
  return names;
}

async function primitiveColor(
  primitive: Primitive,
  images: InstanceType<typeof import('../images/index.js').ImageCache>,
): Promise<{ rgb: number[]; weight: number }> {
  const material = primitive.getMaterial();
  // A specular-glossiness material's colour is its diffuse one (its base colour is often white).
  const { factor, texture, info } = material
    ? baseColorOf(material)
    : { factor: [1, 1, 1, 1], texture: null, info: null };
  const areas = triangleAreas(primitive);
  const indices = triangleListIndices(primitive);
  const stride = Math.max(1, Math.ceil(areas.length / MAX_COLOR_SAMPLES));
  const uv = info ? primitive.getAttribute(`TEXCOORD_${info.getTexCoord()}`) : null;
  let pixels: { width: number; height: number; data: Uint8Array } | null = null;
  const bytes = texture?.getImage();
  if (bytes && uv) {
    try {
      pixels = await images.get(bytes);
    } catch {
      pixels = null; // an image sharp cannot read (KTX2): the factor alone
    }
  }
  const color = primitive.getAttribute('COLOR_0');
  const colorArray = color?.getArray();
  const colorScale = colorArray ? 1 / normalizedDivisor(colorArray, color!.getNormalized()) : 1;
  const colorSize = color?.getElementSize() ?? 0;
  const uvArray = uv?.getArray();
  const uvScale = uvArray ? 1 / normalizedDivisor(uvArray, uv!.getNormalized()) : 1;
  const sum = [0, 0, 0];
  let weight = 0;
  for (let t = 0; t < areas.length; t += stride) {
    const area = areas[t]!;
    if (!(area > 0)) continue;
    const rgb = [factor[0], factor[1], factor[2]];
    if (pixels && uvArray) {
      let u = 0;
      let v = 0;
      for (let j = 0; j < 3; j++) {
        const vertex = indices[3 * t + j]!;
        u += (uvArray[2 * vertex]! * uvScale) / 3;
        v += (uvArray[2 * vertex + 1]! * uvScale) / 3;
      }
      const x = Math.min(pixels.width - 1, Math.floor((u - Math.floor(u)) * pixels.width));
      const y = Math.min(pixels.height - 1, Math.floor((v - Math.floor(v)) * pixels.height));
      const at = 4 * (y * pixels.width + x);
      for (let c = 0; c < 3; c++) rgb[c]! *= toLinear(pixels.data[at + c]!);
    }
    if (colorArray) {
      for (let c = 0; c < 3; c++) {
        let mean = 0;
        for (let j = 0; j < 3; j++)
          mean += (colorArray[indices[3 * t + j]! * colorSize + c]! * colorScale) / 3;
        rgb[c]! *= mean;
      }
    }
    for (let c = 0; c < 3; c++) sum[c]! += rgb[c]! * area;
    weight += area;
  }
  return { rgb: weight > 0 ? sum.map((value) => value / weight) : [factor[0], factor[1], factor[2]], weight };
}
