import type { Document, ExtensionProperty, Material, Primitive, TextureInfo } from '@gltf-transform/core';

/**
 * Material slots that need a tangent space but are not the core normal map. glTF says a renderer
 * builds tangents from the normal map's UVs when TANGENT is missing; with only a clearcoat normal
 * texture (or anisotropy) there is nothing to build from, and the Khronos validator reports
 * MESH_PRIMITIVE_NO_TANGENT_SPACE as an error. Some sources pass only because the validator links
 * extension textures after checking meshes; their parts, re-ordered, would fail.
 */
interface TangentSlot {
  extension: string;
  texture: string;
  textureInfo: string;
}

const TANGENT_SLOTS: readonly TangentSlot[] = [
  {
    extension: 'KHR_materials_clearcoat',
    texture: 'getClearcoatNormalTexture',
    textureInfo: 'getClearcoatNormalTextureInfo',
  },
  {
    extension: 'KHR_materials_anisotropy',
    texture: 'getAnisotropyTexture',
    textureInfo: 'getAnisotropyTextureInfo',
  },
];

type Getters = ExtensionProperty & Record<string, (() => unknown) | undefined>;

/** The UV set a material's tangent-needing extension texture uses, or null when none needs tangents. */
function tangentTexCoord(material: Material | null): number | null {
  if (!material || material.getNormalTexture()) return null;
  for (const slot of TANGENT_SLOTS) {
    const extension = material.getExtension<ExtensionProperty>(slot.extension) as Getters | null;
    if (!extension?.[slot.texture]?.()) continue;
    const info = extension[slot.textureInfo]?.() as TextureInfo | null | undefined;
    if (info) return info.getTexCoord();
  }
  return null;
}

/**
 * Adds per-vertex tangents (Lengyel's method: per-triangle UV derivatives accumulated per vertex,
 * orthogonalised against the normal, handedness in w) to indexed or plain triangle-list primitives
 * whose material needs a tangent space it cannot derive (see {@link TANGENT_SLOTS}). Other
 * primitives are left untouched. Returns how many primitives got tangents.
 */
export function addMissingTangents(document: Document, primitives: readonly Primitive[]): number {
  let added = 0;
  for (const primitive of primitives) {
    if (primitive.getMode() !== 4 || primitive.getAttribute('TANGENT')) continue;
    const texCoord = tangentTexCoord(primitive.getMaterial());
    if (texCoord === null) continue;
    const position = primitive.getAttribute('POSITION');
    const normal = primitive.getAttribute('NORMAL');
    const uv = primitive.getAttribute(`TEXCOORD_${texCoord}`);
    if (!position || !normal || !uv) continue;
    const tangents = computeTangents(primitive);
    primitive.setAttribute(
      'TANGENT',
      document.createAccessor().setType('VEC4').setArray(tangents).setBuffer(position.getBuffer()),
    );
    added++;
  }
  return added;
}

function computeTangents(primitive: Primitive): Float32Array {
  const position = primitive.getAttribute('POSITION')!;
  const normal = primitive.getAttribute('NORMAL')!;
  const texCoord = tangentTexCoord(primitive.getMaterial())!;
  const uv = primitive.getAttribute(`TEXCOORD_${texCoord}`)!;
  const count = position.getCount();
  const indices = primitive.getIndices();
  const triangles = Math.floor((indices?.getCount() ?? count) / 3);
  const tan = new Float64Array(count * 3);
  const bit = new Float64Array(count * 3);
  const p = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const t = [
    [0, 0],
    [0, 0],
    [0, 0],
  ];
  const v = [0, 0, 0];
  for (let f = 0; f < triangles; f++) {
    for (let k = 0; k < 3; k++) {
      v[k] = indices ? indices.getScalar(f * 3 + k) : f * 3 + k;
      position.getElement(v[k]!, p[k]!);
      uv.getElement(v[k]!, t[k]!);
    }
    const e1 = [p[1]![0]! - p[0]![0]!, p[1]![1]! - p[0]![1]!, p[1]![2]! - p[0]![2]!];
    const e2 = [p[2]![0]! - p[0]![0]!, p[2]![1]! - p[0]![1]!, p[2]![2]! - p[0]![2]!];
    const du1 = t[1]![0]! - t[0]![0]!;
    const dv1 = t[1]![1]! - t[0]![1]!;
    const du2 = t[2]![0]! - t[0]![0]!;
    const dv2 = t[2]![1]! - t[0]![1]!;
    const det = du1 * dv2 - du2 * dv1;
    if (Math.abs(det) < 1e-20) continue;
    const r = 1 / det;
    for (let k = 0; k < 3; k++) {
      for (let axis = 0; axis < 3; axis++) {
        const at = v[k]! * 3 + axis;
        tan[at] = tan[at]! + (e1[axis]! * dv2 - e2[axis]! * dv1) * r;
        bit[at] = bit[at]! + (e2[axis]! * du1 - e1[axis]! * du2) * r;
      }
    }
  }
  const out = new Float32Array(count * 4);
  const n = [0, 0, 0];
  for (let i = 0; i < count; i++) {
    normal.getElement(i, n);
    const [nx, ny, nz] = n as [number, number, number];
    let tx = tan[i * 3]!;
    let ty = tan[i * 3 + 1]!;
    let tz = tan[i * 3 + 2]!;
    // Gram-Schmidt: remove the normal component.
    const d = nx * tx + ny * ty + nz * tz;
    tx -= nx * d;
    ty -= ny * d;
    tz -= nz * d;
    let length = Math.hypot(tx, ty, tz);
    if (length < 1e-12) {
      // No usable UV gradient: any unit vector perpendicular to the normal.
      [tx, ty, tz] = Math.abs(nx) < 0.9 ? [0, -nz, ny] : [-nz, 0, nx];
      length = Math.hypot(tx, ty, tz) || 1;
    }
    tx /= length;
    ty /= length;
    tz /= length;
    const cx = ny * tz - nz * ty;
    const cy = nz * tx - nx * tz;
    const cz = nx * ty - ny * tx;
    const w = cx * bit[i * 3]! + cy * bit[i * 3 + 1]! + cz * bit[i * 3 + 2]! < 0 ? -1 : 1;
    out.set([tx, ty, tz, w], i * 4);
  }
  return out;
}
