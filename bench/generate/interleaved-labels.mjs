/**
 * One primitive of `labels × cellsX × cellsY × 2` triangles with a per-vertex `_PART_ID`
 * (UNSIGNED_SHORT), as a segmenter that labels vertices would write. Each label is its own grid
 * patch (no vertex shared between labels), and the triangles of all labels are interleaved in the
 * index buffer (triangle t of label l sits at position t × labels + l), the worst case for a
 * splitter that expects labels in runs. Target 2: 200 labels × 50 × 100 cells × 2 = 2,000,000
 * triangles, 1,030,200 vertices.
 */
import { createMaterials, gridArrays, gridIndices } from './grid.mjs';

export function buildInterleavedLabels(core, { labels, cellsX, cellsY }) {
  const w = cellsX + 1;
  const h = cellsY + 1;
  const perLabel = w * h;
  const trianglesPerLabel = cellsX * cellsY * 2;
  const position = new Float32Array(labels * perLabel * 3);
  const normal = new Float32Array(labels * perLabel * 3);
  const partId = new Uint16Array(labels * perLabel);
  const indices = new Uint32Array(labels * trianglesPerLabel * 3);
  const columns = Math.ceil(Math.sqrt(labels));
  for (let l = 0; l < labels; l++) {
    const grid = gridArrays(w, h, l);
    const base = l * perLabel;
    for (let i = 0; i < perLabel; i++) {
      position[(base + i) * 3] = grid.position[i * 3] + (l % columns) * 1.1;
      position[(base + i) * 3 + 1] = grid.position[i * 3 + 1] + Math.floor(l / columns) * 1.1;
      position[(base + i) * 3 + 2] = grid.position[i * 3 + 2];
    }
    normal.set(grid.normal, base * 3);
    partId.fill(l, base, base + perLabel);
    const own = gridIndices(w, h, base);
    for (let t = 0; t < trianglesPerLabel; t++) {
      indices.set(own.subarray(t * 3, t * 3 + 3), (t * labels + l) * 3);
    }
  }
  const document = new core.Document();
  const buffer = document.createBuffer();
  const accessor = (type, array) => document.createAccessor().setType(type).setArray(array).setBuffer(buffer);
  const primitive = document
    .createPrimitive()
    .setAttribute('POSITION', accessor('VEC3', position))
    .setAttribute('NORMAL', accessor('VEC3', normal))
    .setAttribute('_PART_ID', accessor('SCALAR', partId))
    .setIndices(accessor('SCALAR', indices))
    .setMaterial(createMaterials(document, 1)[0]);
  const mesh = document.createMesh('labelled').addPrimitive(primitive);
  document.createScene('Scene').addChild(document.createNode('labelled').setMesh(mesh));
  return document;
}
