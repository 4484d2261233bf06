/**
 * Generated models in the layouts real AI part segmenters write (issue 13), for fixtures/generated/.
 * The real outputs (HoloPart, PartPacker, SAMPart3D, P3-SAM, X-Part, PartCrafter, Tripo) may not be
 * redistributed, so each builder reproduces one layout from what those files hold (see
 * fixtures/SOURCES.md for how closely). Deterministic: a seeded generator, no Math.random.
 */
import { Document, type Material, type Mesh, type Node, type vec4 } from '@gltf-transform/core';

/** A small deterministic generator (LCG, Numerical Recipes constants): the same numbers every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** `count` segmenter-style part colours: random 8-bit RGB, each at least 60 apart on some channel. */
export function partPalette(count: number, random: () => number): [number, number, number][] {
  const colors: [number, number, number][] = [];
  while (colors.length < count) {
    const color: [number, number, number] = [0, 0, 0].map(() => Math.floor(random() * 256)) as [
      number,
      number,
      number,
    ];
    if (colors.every((other) => Math.max(...other.map((c, i) => Math.abs(c - color[i]!))) >= 60))
      colors.push(color);
  }
  return colors;
}

export interface BlendedColorsOptions {
  /** Part colours (Voronoi regions of the grid). */
  parts: number;
  /** Grid vertices along x and y. */
  size: number;
  seed: number;
}

/**
 * One welded mesh whose faces were coloured by part, then written the way trimesh writes face
 * colours on merged vertices: each vertex's colour is the mean of its faces' colours, truncated to
 * 8 bits (`astype(uint8)`), as an UNSIGNED_BYTE normalized VEC4 COLOR_0. The surface is a bumpy
 * height field whose cells are cut along a random diagonal (so vertices have 4 to 8 faces and the
 * blends take many values), and the parts are Voronoi regions of random seeds: boundaries of every
 * direction, and junctions of three parts.
 */
export function buildBlendedColors({ parts, size, seed }: BlendedColorsOptions): Document {
  const random = seeded(seed);
  const palette = partPalette(parts, random);
  const seeds = Array.from({ length: parts }, () => [random() * (size - 1), random() * (size - 1)] as const);
  const positions = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = y * size + x;
      positions[3 * v] = x / (size - 1);
      positions[3 * v + 1] = y / (size - 1);
      positions[3 * v + 2] = 0.05 * Math.sin((x / size) * 9) * Math.cos((y / size) * 7);
    }
  }
  const cells = (size - 1) * (size - 1);
  const indices = new Uint32Array(cells * 6);
  const faceColor: number[] = [];
  let k = 0;
  for (let y = 0; y < size - 1; y++) {
    for (let x = 0; x < size - 1; x++) {
      const a = y * size + x;
      const quad = [a, a + 1, a + size + 1, a + size];
      const triangles =
        random() < 0.5
          ? [
              [quad[0]!, quad[1]!, quad[2]!],
              [quad[0]!, quad[2]!, quad[3]!],
            ]
          : [
              [quad[0]!, quad[1]!, quad[3]!],
              [quad[1]!, quad[2]!, quad[3]!],
            ];
      for (const triangle of triangles) {
        indices.set(triangle, k);
        k += 3;
        const cx = triangle.reduce((sum, v) => sum + (v % size), 0) / 3;
        const cy = triangle.reduce((sum, v) => sum + Math.floor(v / size), 0) / 3;
        let best = 0;
        let bestDistance = Infinity;
        seeds.forEach(([sx, sy], i) => {
          const d = (sx - cx) ** 2 + (sy - cy) ** 2;
          if (d < bestDistance) {
            best = i;
            bestDistance = d;
          }
        });
        faceColor.push(best);
      }
    }
  }
  // trimesh: vertex colour = mean of the incident faces' colours, truncated to uint8.
  const sums = new Float64Array(size * size * 3);
  const counts = new Uint32Array(size * size);
  faceColor.forEach((part, f) => {
    for (let j = 0; j < 3; j++) {
      const v = indices[3 * f + j]!;
      for (let c = 0; c < 3; c++) sums[3 * v + c]! += palette[part]![c]!;
      counts[v]! += 1;
    }
  });
  const colors = new Uint8Array(size * size * 4);
  for (let v = 0; v < size * size; v++) {
    for (let c = 0; c < 3; c++) colors[4 * v + c] = Math.floor(sums[3 * v + c]! / counts[v]!);
    colors[4 * v + 3] = 255;
  }
  const document = new Document();
  const buffer = document.createBuffer();
  const primitive = document
    .createPrimitive()
    .setAttribute('POSITION', document.createAccessor().setType('VEC3').setArray(positions).setBuffer(buffer))
    .setAttribute(
      'COLOR_0',
      document.createAccessor().setType('VEC4').setArray(colors).setNormalized(true).setBuffer(buffer),
    )
    .setIndices(document.createAccessor().setType('SCALAR').setArray(indices).setBuffer(buffer));
  const node = document
    .createNode('geometry_0')
    .setMesh(document.createMesh('geometry_0').addPrimitive(primitive));
  document.createScene('scene').addChild(node);
  return document;
}

/** Distinct RGB values of a model's COLOR_0 (the "291 distinct values"). */
export function distinctColors(document: Document): number {
  const seen = new Set<number>();
  for (const mesh of document.getRoot().listMeshes()) {
    for (const primitive of mesh.listPrimitives()) {
      const color = primitive.getAttribute('COLOR_0');
      if (!color) continue;
      const array = color.getArray()!;
      const size = color.getElementSize();
      for (let v = 0; v < color.getCount(); v++)
        seen.add((array[v * size]! << 16) | (array[v * size + 1]! << 8) | array[v * size + 2]!);
    }
  }
  return seen.size;
}

/**
 * Flat per-face colours over a mesh of thousands of disconnected shells (what PartPacker-style
 * outputs look like after a colour export): `shells` small quads scattered in a box, each with its
 * own four vertices and one of `colors` colours, the shells of every colour spread over the whole
 * volume. A part is all the shells of one colour.
 */
export function buildColorShells({
  colors,
  shells,
  seed,
}: {
  colors: number;
  shells: number;
  seed: number;
}): Document {
  const random = seeded(seed);
  const palette = partPalette(colors, random);
  const positions = new Float32Array(shells * 4 * 3);
  const rgba = new Uint8Array(shells * 4 * 4);
  const indices = shells * 4 <= 65535 ? new Uint16Array(shells * 6) : new Uint32Array(shells * 6);
  for (let s = 0; s < shells; s++) {
    // Colours interleave: neighbouring shells are of any colour, a colour's shells are everywhere.
    const color = palette[s % colors]!;
    const [x, y, z] = [random() * 10, random() * 10, random() * 10];
    const size = 0.05 + random() * 0.1;
    const corners = [
      [x, y, z],
      [x + size, y, z],
      [x + size, y + size, z + size * 0.3],
      [x, y + size, z + size * 0.3],
    ];
    corners.forEach((corner, i) => {
      positions.set(corner, (s * 4 + i) * 3);
      rgba.set([...color, 255], (s * 4 + i) * 4);
    });
    indices.set([s * 4, s * 4 + 1, s * 4 + 2, s * 4, s * 4 + 2, s * 4 + 3], s * 6);
  }
  const document = new Document();
  const buffer = document.createBuffer();
  const primitive = document
    .createPrimitive()
    .setAttribute('POSITION', document.createAccessor().setType('VEC3').setArray(positions).setBuffer(buffer))
    .setAttribute(
      'COLOR_0',
      document.createAccessor().setType('VEC4').setArray(rgba).setNormalized(true).setBuffer(buffer),
    )
    .setIndices(document.createAccessor().setType('SCALAR').setArray(indices).setBuffer(buffer));
  document
    .createScene('scene')
    .addChild(document.createNode('mesh').setMesh(document.createMesh('mesh').addPrimitive(primitive)));
  return document;
}

/** Boxes as one triangle list each: 8 corners, 12 outward triangles. */
function boxGeometry(
  document: Document,
  boxes: ReadonlyArray<{ min: [number, number, number]; max: [number, number, number] }>,
  material: Material | null,
): Mesh {
  const positions = new Float32Array(boxes.length * 24);
  const indices = new Uint32Array(boxes.length * 36);
  const faces = [
    0, 2, 1, 1, 2, 3, 4, 5, 6, 5, 7, 6, 0, 1, 4, 1, 5, 4, 2, 6, 3, 3, 6, 7, 0, 4, 2, 2, 4, 6, 1, 3, 5, 3, 7,
    5,
  ];
  boxes.forEach(({ min, max }, b) => {
    for (let i = 0; i < 8; i++) {
      positions[b * 24 + i * 3] = i & 1 ? max[0] : min[0];
      positions[b * 24 + i * 3 + 1] = i & 2 ? max[1] : min[1];
      positions[b * 24 + i * 3 + 2] = i & 4 ? max[2] : min[2];
    }
    faces.forEach((f, i) => {
      indices[b * 36 + i] = f + b * 8;
    });
  });
  const buffer = document.getRoot().listBuffers()[0] ?? document.createBuffer();
  const primitive = document
    .createPrimitive()
    .setAttribute('POSITION', document.createAccessor().setType('VEC3').setArray(positions).setBuffer(buffer))
    .setIndices(document.createAccessor().setType('SCALAR').setArray(indices).setBuffer(buffer));
  if (material) primitive.setMaterial(material);
  return document.createMesh('').addPrimitive(primitive);
}

/** The six parts a person sees in the fragments model: a table-like kit, far enough apart. */
const FRAGMENT_PARTS: ReadonlyArray<{ min: [number, number, number]; max: [number, number, number] }> = [
  { min: [0, 2, 0], max: [4, 2.3, 3] },
  { min: [0, 0, 0], max: [0.3, 1.8, 0.3] },
  { min: [3.7, 0, 0], max: [4, 1.8, 0.3] },
  { min: [0, 0, 2.7], max: [0.3, 1.8, 3] },
  { min: [3.7, 0, 2.7], max: [4, 1.8, 3] },
  { min: [1, 2.5, 1], max: [3, 3.5, 2] },
];

/**
 * Tripo with connectivity splitting: a model a person cuts into 6 parts (a table top, four legs, a
 * box on the top), delivered as 82 mesh nodes (`tripo_part_N`, numbers with gaps): each part is its
 * core piece and a dozen small chips stuck on its faces, every piece its own node. Pieces of one part
 * touch; the parts are 0.2 apart. By default every node is a part (82); `targetParts: 6`, or a
 * `minPartArea` above the chips (each under 0.2 % of the surface) and below the cores (each over
 * 4 %), gives the six.
 */
export function buildFragments(): Document {
  const random = seeded(82);
  const document = new Document();
  const scene = document.createScene('fragments');
  const pieces = FRAGMENT_PARTS.flatMap((core, part) => {
    const chips = part === 0 ? 16 : 12;
    return [
      core,
      ...Array.from({ length: chips }, () => {
        // A small box on one face of the core, sticking out of it.
        const axis = Math.floor(random() * 3);
        const outward = random() < 0.5 ? -1 : 1;
        const size = 0.05 + random() * 0.07;
        const min: [number, number, number] = [0, 0, 0];
        const max: [number, number, number] = [0, 0, 0];
        for (let a = 0; a < 3; a++) {
          if (a === axis) {
            const face = outward > 0 ? core.max[a]! : core.min[a]!;
            min[a] = outward > 0 ? face : face - size;
            max[a] = outward > 0 ? face + size : face;
          } else {
            const span = core.max[a]! - core.min[a]! - size;
            min[a] = core.min[a]! + random() * Math.max(span, 0);
            max[a] = min[a]! + Math.min(size, core.max[a]! - core.min[a]!);
          }
        }
        return { min, max };
      }),
    ];
  });
  let number = 0;
  for (const piece of pieces) {
    // Tripo numbers parts with gaps.
    number += random() < 0.2 ? 2 : 1;
    const mesh = boxGeometry(document, [piece], null).setName(`tripo_part_${number}`);
    scene.addChild(document.createNode(`tripo_part_${number}`).setMesh(mesh));
  }
  return document;
}

/**
 * Generic node names (`geometry_0` … `geometry_16`, as trimesh and PartPacker write them) on parts
 * whose materials carry the names (`Blade.001`, …, Blender debris included), beside trimesh's file
 * names (`barrel_1.obj`, `barrel_1.obj_1`) whose meshes are named, overlapping parts, and one part
 * made of 200 separate shells. Every node is a part; names come from materials, then meshes.
 */
export function buildGenericNames(): Document {
  const document = new Document();
  const scene = document.createScene('generic');
  const materialNames = [
    'Blade.001',
    'Guard',
    'Grip',
    'Pommel',
    'Gem_Left',
    'Gem_Right',
    'Rivet',
    'Rivet', // shared by two parts: not distinct, so those two keep their node names
    'Scabbard',
    'Belt',
    'Buckle',
    'Strap',
    'Tassel',
    'Ring',
    'Chain',
    'Hook',
    'Tag',
  ];
  const materials = new Map<string, Material>();
  materialNames.forEach((name, i) => {
    const material =
      materials.get(name) ??
      document.createMaterial(name).setBaseColorFactor([0.2 + (i % 5) * 0.15, 0.3, 0.5, 1] as vec4);
    materials.set(name, material);
    const x = (i % 6) * 1.5;
    const z = Math.floor(i / 6) * 1.5;
    // Parts overlap their neighbours a little along x, as generated parts do.
    const mesh = boxGeometry(
      document,
      [{ min: [x, 0, z], max: [x + 1.7, 1 + (i % 3) * 0.2, z + 1] }],
      material,
    );
    mesh.setName(`geometry_${i}`);
    scene.addChild(document.createNode(`geometry_${i}`).setMesh(mesh));
  });
  const barrel: Array<[string, string, number]> = [
    ['barrel_1.obj', 'lid', 1],
    ['barrel_1.obj_1', 'staves', 200],
    ['barrel_1.obj_2', 'hoop', 1],
  ];
  for (const [nodeName, meshName, shells] of barrel) {
    const random = seeded(shells);
    const boxes = Array.from({ length: shells }, (_, s) => {
      const angle = (s / shells) * Math.PI * 2;
      const x = 4 + Math.cos(angle) * 1.5;
      const z = 6 + Math.sin(angle) * 1.5;
      const h = shells > 1 ? 2 + random() * 0.1 : 0.2;
      const y = meshName === 'lid' ? 2 : meshName === 'hoop' ? 1 : 0;
      const w = shells > 1 ? 0.04 : 3;
      return {
        min: [x - w, y, z - w] as [number, number, number],
        max: [x + w, y + h, z + w] as [number, number, number],
      };
    });
    const mesh = boxGeometry(document, boxes, null).setName(meshName);
    scene.addChild(document.createNode(nodeName).setMesh(mesh));
  }
  return document;
}

/** Names of a document's mesh nodes, in scene order (for the tests' expectations). */
export function meshNodeNames(document: Document): string[] {
  const names: string[] = [];
  document
    .getRoot()
    .listScenes()[0]!
    .traverse((node: Node) => {
      if (node.getMesh()) names.push(node.getName());
    });
  return names;
}
