/**
 * An AI-style textured model for the texture benchmark (issue 15): `parts` box-shaped mesh nodes in
 * one material whose base colour is one `size`² atlas. Each box face is its own UV island, and the
 * islands of all parts are shuffled over the atlas, as an automatic unwrap (xatlas) of a whole model
 * leaves them: a part's texels are scattered, not in one corner. The atlas has fine detail (a checker,
 * gradients and noise) so that its encoded size behaves like a real texture's. Deterministic.
 */

/** A small seeded PRNG (mulberry32): the same seed writes the same model. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FACES = [
  // normal, and two tangent axes spanning the face
  [
    [1, 0, 0],
    [0, 0, -1],
    [0, 1, 0],
  ],
  [
    [-1, 0, 0],
    [0, 0, 1],
    [0, 1, 0],
  ],
  [
    [0, 1, 0],
    [1, 0, 0],
    [0, 0, -1],
  ],
  [
    [0, -1, 0],
    [1, 0, 0],
    [0, 0, 1],
  ],
  [
    [0, 0, 1],
    [1, 0, 0],
    [0, 1, 0],
  ],
  [
    [0, 0, -1],
    [-1, 0, 0],
    [0, 1, 0],
  ],
];

/**
 * Builds the model. `encode(rgb, size, format)` turns raw RGB pixels into PNG or JPEG bytes (sharp,
 * passed in so that this module has no dependency of its own).
 */
export async function buildTexturedAtlas(
  core,
  encode,
  { parts = 20, size = 2048, format = 'jpeg', seed = 15 } = {},
) {
  const rand = random(seed);
  // Islands: one per face, 80–200 texels a side, shelf-packed in shuffled order with 8 texels apart.
  const islands = [];
  for (let p = 0; p < parts; p++)
    for (let f = 0; f < 6; f++)
      islands.push({ p, f, w: 80 + Math.floor(rand() * 120), h: 80 + Math.floor(rand() * 120) });
  for (let i = islands.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [islands[i], islands[j]] = [islands[j], islands[i]];
  }
  let x = 8;
  let y = 8;
  let shelf = 0;
  for (const island of islands) {
    if (x + island.w + 8 > size) {
      x = 8;
      y += shelf + 8;
      shelf = 0;
    }
    if (y + island.h + 8 > size) throw new Error('atlas too small for the islands');
    island.x = x;
    island.y = y;
    x += island.w + 8;
    shelf = Math.max(shelf, island.h);
  }

  // Pixels: dark background; each island a hue per part, shaded per face, with a checker and noise.
  const rgb = new Uint8Array(size * size * 3).fill(40);
  for (const island of islands) {
    const hue = (island.p * 137.5) % 360;
    const base = [0, 120, 240].map((offset) => 128 + 90 * Math.cos(((hue - offset) * Math.PI) / 180));
    const shade = 0.7 + 0.05 * island.f;
    for (let j = 0; j < island.h; j++)
      for (let i = 0; i < island.w; i++) {
        const checker = ((i >> 3) + (j >> 3)) & 1 ? 18 : -18;
        const at = ((island.y + j) * size + island.x + i) * 3;
        for (let c = 0; c < 3; c++) {
          const value = base[c] * shade + checker + (i / island.w) * 30 + (rand() - 0.5) * 24;
          rgb[at + c] = Math.max(0, Math.min(255, Math.round(value)));
        }
      }
  }
  const image = await encode(rgb, size, format);

  const document = new core.Document();
  const buffer = document.createBuffer();
  const texture = document
    .createTexture('atlas')
    .setImage(image)
    .setMimeType(format === 'png' ? 'image/png' : 'image/jpeg');
  const material = document
    .createMaterial('atlas')
    .setBaseColorTexture(texture)
    .setRoughnessFactor(0.8)
    .setMetallicFactor(0);
  const scene = document.createScene('Scene');
  const columns = Math.ceil(Math.sqrt(parts));
  for (let p = 0; p < parts; p++) {
    const positions = [];
    const normals = [];
    const uvs = [];
    const indices = [];
    for (let f = 0; f < 6; f++) {
      const island = islands.find((candidate) => candidate.p === p && candidate.f === f);
      const [n, s, t] = FACES[f];
      const v0 = positions.length / 3;
      for (const [a, b] of [
        [-1, -1],
        [1, -1],
        [1, 1],
        [-1, 1],
      ]) {
        for (let k = 0; k < 3; k++) positions.push(0.5 * (n[k] + a * s[k] + b * t[k]));
        normals.push(...n);
        // 2 texels inside the island, so bilinear filtering stays on it.
        uvs.push(
          (island.x + 2 + ((a + 1) / 2) * (island.w - 4)) / size,
          (island.y + 2 + ((1 - b) / 2) * (island.h - 4)) / size,
        );
      }
      indices.push(v0, v0 + 1, v0 + 2, v0, v0 + 2, v0 + 3);
    }
    const accessor = (type, array) =>
      document.createAccessor().setType(type).setArray(array).setBuffer(buffer);
    const primitive = document
      .createPrimitive()
      .setAttribute('POSITION', accessor('VEC3', new Float32Array(positions)))
      .setAttribute('NORMAL', accessor('VEC3', new Float32Array(normals)))
      .setAttribute('TEXCOORD_0', accessor('VEC2', new Float32Array(uvs)))
      .setIndices(accessor('SCALAR', new Uint16Array(indices)))
      .setMaterial(material);
    const name = `part_${String(p).padStart(2, '0')}`;
    scene.addChild(
      document
        .createNode(name)
        .setMesh(document.createMesh(name).addPrimitive(primitive))
        .setTranslation([(p % columns) * 1.5, Math.floor(p / columns) * 1.5, 0]),
    );
  }
  return document;
}
