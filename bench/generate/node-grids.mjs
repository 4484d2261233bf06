/**
 * A Tripo-layout model: `parts` mesh nodes, each its own `w × h` grid mesh, sharing `materials`
 * materials, laid out in a square so the nodes do not overlap. Used for target 1 (500 nodes of
 * 43 × 43 = 1849 vertices, ~51 MB) and for the scaling set (same total size, 10 to 5000 parts).
 */
import { createMaterials, gridArrays } from './grid.mjs';

export function buildNodeGrids(core, { parts, w, h, materials = 8 }) {
  const document = new core.Document();
  const buffer = document.createBuffer();
  const shared = createMaterials(document, materials);
  const scene = document.createScene('Scene');
  const columns = Math.ceil(Math.sqrt(parts));
  for (let p = 0; p < parts; p++) {
    const { position, normal, uv, indices } = gridArrays(w, h, p);
    const accessor = (type, array) =>
      document.createAccessor().setType(type).setArray(array).setBuffer(buffer);
    const primitive = document
      .createPrimitive()
      .setAttribute('POSITION', accessor('VEC3', position))
      .setAttribute('NORMAL', accessor('VEC3', normal))
      .setAttribute('TEXCOORD_0', accessor('VEC2', uv))
      .setIndices(accessor('SCALAR', indices))
      .setMaterial(shared[p % shared.length]);
    const name = `part_${String(p).padStart(4, '0')}`;
    const mesh = document.createMesh(name).addPrimitive(primitive);
    const node = document
      .createNode(name)
      .setMesh(mesh)
      .setTranslation([(p % columns) * 1.1, Math.floor(p / columns) * 1.1, 0]);
    scene.addChild(node);
  }
  return document;
}
