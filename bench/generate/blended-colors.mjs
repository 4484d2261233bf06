/**
 * One welded mesh of `(size − 1)² × 2` triangles coloured by part and written the way trimesh writes
 * face colours on merged vertices: each vertex's COLOR_0 is the mean of its faces' colours,
 * truncated to 8 bits (UNSIGNED_BYTE normalized VEC4). A bumpy height field whose cells are cut
 * along a pseudo-random diagonal (vertices of 4 to 8 faces, so blends take many values), the parts
 * are Voronoi regions of `parts` seed points, the colours random and distinct. The same layout as the
 * tests' fixtures (packages/split/test/helpers/layout-fixtures.ts, `buildBlendedColors`), here in
 * plain JavaScript for the benchmark runner. Target 7: size 708, 7 parts → 999,698 triangles.
 */

/** A small deterministic generator (LCG): the same numbers every run. */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

export function buildBlendedColors(core, { parts, size, seed }) {
  const random = seeded(seed);
  const palette = [];
  while (palette.length < parts) {
    const color = [0, 0, 0].map(() => Math.floor(random() * 256));
    if (palette.every((other) => Math.max(...other.map((c, i) => Math.abs(c - color[i]))) >= 60))
      palette.push(color);
  }
  const seeds = Array.from({ length: parts }, () => [random() * (size - 1), random() * (size - 1)]);
  const vertices = size * size;
  const position = new Float32Array(vertices * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = y * size + x;
      position[3 * v] = x / (size - 1);
      position[3 * v + 1] = y / (size - 1);
      position[3 * v + 2] = 0.05 * Math.sin((x / size) * 9) * Math.cos((y / size) * 7);
    }
  }
  const triangles = (size - 1) * (size - 1) * 2;
  const indices = new Uint32Array(triangles * 3);
  const sums = new Float64Array(vertices * 3);
  const counts = new Uint32Array(vertices);
  let k = 0;
  for (let y = 0; y < size - 1; y++) {
    for (let x = 0; x < size - 1; x++) {
      const a = y * size + x;
      const q = [a, a + 1, a + size + 1, a + size];
      const pair =
        random() < 0.5 ? [q[0], q[1], q[2], q[0], q[2], q[3]] : [q[0], q[1], q[3], q[1], q[2], q[3]];
      for (let t = 0; t < 2; t++) {
        const tri = pair.slice(3 * t, 3 * t + 3);
        indices.set(tri, k);
        k += 3;
        const cx = ((tri[0] % size) + (tri[1] % size) + (tri[2] % size)) / 3;
        const cy = (Math.floor(tri[0] / size) + Math.floor(tri[1] / size) + Math.floor(tri[2] / size)) / 3;
        let best = 0;
        let bestDistance = Infinity;
        for (let i = 0; i < parts; i++) {
          const d = (seeds[i][0] - cx) ** 2 + (seeds[i][1] - cy) ** 2;
          if (d < bestDistance) {
            best = i;
            bestDistance = d;
          }
        }
        for (const v of tri) {
          for (let c = 0; c < 3; c++) sums[3 * v + c] += palette[best][c];
          counts[v] += 1;
        }
      }
    }
  }
  const color = new Uint8Array(vertices * 4);
  for (let v = 0; v < vertices; v++) {
    for (let c = 0; c < 3; c++) color[4 * v + c] = Math.floor(sums[3 * v + c] / counts[v]);
    color[4 * v + 3] = 255;
  }
  const document = new core.Document();
  const buffer = document.createBuffer();
  const accessor = (type, array) => document.createAccessor().setType(type).setArray(array).setBuffer(buffer);
  const primitive = document
    .createPrimitive()
    .setAttribute('POSITION', accessor('VEC3', position))
    .setAttribute('COLOR_0', accessor('VEC4', color).setNormalized(true))
    .setIndices(accessor('SCALAR', indices));
  const node = document
    .createNode('geometry_0')
    .setMesh(document.createMesh('geometry_0').addPrimitive(primitive));
  document.createScene('scene').addChild(node);
  return document;
}
