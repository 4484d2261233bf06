/**
 * Deterministic grid geometry for the generated models: a `w × h` vertex grid, gently waved so the
 * normals vary, with POSITION, NORMAL, TEXCOORD_0 and 32-bit indices. No randomness: the same
 * arguments always give the same bytes, so results are comparable across runs and machines.
 */

/**
 * @param {number} w vertices along x
 * @param {number} h vertices along y
 * @param {number} seed shifts the wave so grids differ from each other
 */
export function gridArrays(w, h, seed) {
  const count = w * h;
  const position = new Float32Array(count * 3);
  const normal = new Float32Array(count * 3);
  const uv = new Float32Array(count * 2);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const u = x / (w - 1);
      const v = y / (h - 1);
      const phase = seed * 0.37;
      const z = 0.05 * Math.sin(6 * u + phase) * Math.cos(6 * v - phase);
      position.set([u, v, z], i * 3);
      // Normal of z = f(u, v): (-df/du, -df/dv, 1), normalised.
      const dzdu = 0.3 * Math.cos(6 * u + phase) * Math.cos(6 * v - phase);
      const dzdv = -0.3 * Math.sin(6 * u + phase) * Math.sin(6 * v - phase);
      const length = Math.hypot(dzdu, dzdv, 1);
      normal.set([-dzdu / length, -dzdv / length, 1 / length], i * 3);
      uv.set([u, v], i * 2);
    }
  }
  return { position, normal, uv, indices: gridIndices(w, h, 0) };
}

/** Two triangles per grid cell, counter-clockwise seen from +z, offset by `base`. */
export function gridIndices(w, h, base) {
  const indices = new Uint32Array((w - 1) * (h - 1) * 6);
  let k = 0;
  for (let y = 0; y < h - 1; y++) {
    for (let x = 0; x < w - 1; x++) {
      const a = base + y * w + x;
      const b = a + 1;
      const c = a + w;
      const d = c + 1;
      indices.set([a, b, d, a, d, c], k);
      k += 6;
    }
  }
  return indices;
}

/** Eight shared materials, as a segmenter's output of a textured model would have a few. */
export function createMaterials(document, count = 8) {
  return Array.from({ length: count }, (_, i) =>
    document
      .createMaterial(`material_${i}`)
      .setBaseColorFactor([((i * 37) % 100) / 100, ((i * 59) % 100) / 100, ((i * 83) % 100) / 100, 1])
      .setRoughnessFactor(0.5 + i / 32),
  );
}
