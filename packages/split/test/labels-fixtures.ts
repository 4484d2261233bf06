/**
 * Generated fixtures for the label strategies: small documents built in code so every test is
 * reproducible and knows the truth it checks against. Each builder returns a new Document with
 * one scene, one mesh node and the data a strategy reads.
 */
import { Document, type Mesh, type Node, type TypedArray } from '@gltf-transform/core';

export interface GridOptions {
  /** Quads along x and y. */
  cols: number;
  rows: number;
  /** Label of each quad (its triangles). */
  labelOf: (col: number, row: number) => number;
  /** Vertex attribute holding the label. */
  semantic: string;
  /** Label array type (stored unnormalized). */
  labelArray?: 'u8' | 'u16' | 'f32';
  /**
   * `separate`: each quad has its own 4 vertices (labels interleave freely in the index buffer).
   * `shared`: one welded grid; a vertex takes the label of the quad above-right of it, so quads
   * on a label boundary have vertices that disagree (the majority vote decides) and boundary
   * vertices are used by two labels.
   */
  vertices: 'separate' | 'shared';
}

function labelArray(kind: GridOptions['labelArray'], values: number[]): TypedArray {
  if (kind === 'u16') return Uint16Array.from(values);
  if (kind === 'f32') return Float32Array.from(values);
  return Uint8Array.from(values);
}

/** A flat grid in the XY plane (quad size 1), with POSITION, NORMAL, TEXCOORD_0 and a label. */
export function labelledGrid(options: GridOptions): { document: Document; node: Node; mesh: Mesh } {
  const { cols, rows, labelOf, semantic, vertices } = options;
  const positions: number[] = [];
  const uvs: number[] = [];
  const labels: number[] = [];
  const indices: number[] = [];
  const vertex = (x: number, y: number, label: number) => {
    positions.push(x, y, 0);
    uvs.push(x / cols, y / rows);
    labels.push(label);
    return positions.length / 3 - 1;
  };
  if (vertices === 'separate') {
    for (let row = 0; row < rows; row++) {
      for (let col = 0; col < cols; col++) {
        const label = labelOf(col, row);
        const a = vertex(col, row, label);
        const b = vertex(col + 1, row, label);
        const c = vertex(col + 1, row + 1, label);
        const d = vertex(col, row + 1, label);
        indices.push(a, b, c, a, c, d);
      }
    }
  } else {
    const clampCol = (c: number) => Math.min(c, cols - 1);
    const clampRow = (r: number) => Math.min(r, rows - 1);
    for (let y = 0; y <= rows; y++)
      for (let x = 0; x <= cols; x++) vertex(x, y, labelOf(clampCol(x), clampRow(y)));
    const at = (x: number, y: number) => y * (cols + 1) + x;
    for (let row = 0; row < rows; row++) {
      for (let col = 0; col < cols; col++) {
        indices.push(at(col, row), at(col + 1, row), at(col + 1, row + 1));
        indices.push(at(col, row), at(col + 1, row + 1), at(col, row + 1));
      }
    }
  }
  const document = new Document();
  const buffer = document.createBuffer();
  const vertexCount = positions.length / 3;
  const normals = new Float32Array(vertexCount * 3);
  for (let i = 0; i < vertexCount; i++) normals[i * 3 + 2] = 1;
  const primitive = document
    .createPrimitive()
    .setMaterial(document.createMaterial('grid'))
    .setAttribute('POSITION', accessor(document, 'VEC3', Float32Array.from(positions)))
    .setAttribute('NORMAL', accessor(document, 'VEC3', normals))
    .setAttribute('TEXCOORD_0', accessor(document, 'VEC2', Float32Array.from(uvs)))
    .setAttribute(semantic, accessor(document, 'SCALAR', labelArray(options.labelArray, labels)))
    .setIndices(
      accessor(
        document,
        'SCALAR',
        vertexCount > 65535 ? Uint32Array.from(indices) : Uint16Array.from(indices),
      ),
    );
  for (const a of document.getRoot().listAccessors()) a.setBuffer(buffer);
  const mesh = document.createMesh('grid').addPrimitive(primitive);
  const node = document.createNode('grid').setMesh(mesh);
  document.createScene('scene').addChild(node);
  return { document, node, mesh };
}

function accessor(document: Document, type: 'SCALAR' | 'VEC2' | 'VEC3' | 'VEC4' | 'MAT4', array: TypedArray) {
  return document
    .createAccessor()
    .setType(type)
    .setArray(array)
    .setBuffer(document.getRoot().listBuffers()[0] ?? null);
}

/** The 8 corners and 12 triangles of an axis-aligned box, each face with its own 4 vertices. */
function boxFaces(
  min: readonly number[],
  max: readonly number[],
): { positions: number[]; indices: number[] } {
  const [x0, y0, z0] = min as [number, number, number];
  const [x1, y1, z1] = max as [number, number, number];
  const faces = [
    [x0, y0, z1, x1, y0, z1, x1, y1, z1, x0, y1, z1],
    [x1, y0, z0, x0, y0, z0, x0, y1, z0, x1, y1, z0],
    [x1, y0, z1, x1, y0, z0, x1, y1, z0, x1, y1, z1],
    [x0, y0, z0, x0, y0, z1, x0, y1, z1, x0, y1, z0],
    [x0, y1, z1, x1, y1, z1, x1, y1, z0, x0, y1, z0],
    [x0, y0, z0, x1, y0, z0, x1, y0, z1, x0, y0, z1],
  ];
  const positions: number[] = [];
  const indices: number[] = [];
  for (const face of faces) {
    const base = positions.length / 3;
    positions.push(...face);
    indices.push(base, base + 1, base + 2, base, base + 2, base + 3);
  }
  return { positions, indices };
}

/** Appends `piece` to the fused buffers, its indices shifted past the vertices already there. */
function appendPiece(
  positions: number[],
  indices: number[],
  piece: { positions: readonly number[]; indices: readonly number[] },
): void {
  const base = positions.length / 3;
  positions.push(...piece.positions);
  indices.push(...piece.indices.map((i) => i + base));
}

/** Appends a one-triangle speck (legs of 0.1 along x and y) with its corner at `x, y, z`. */
function appendSpeck(positions: number[], indices: number[], x: number, y: number, z: number): void {
  const base = positions.length / 3;
  positions.push(x, y, z, x + 0.1, y, z, x, y + 0.1, z);
  indices.push(base, base + 1, base + 2);
}

/** A document with one scene, one node and one mesh (all named `name`) of one indexed primitive. */
function fusedDocument(name: string, positions: number[], indices: number[]): Document {
  const document = new Document();
  document.createBuffer();
  const primitive = document
    .createPrimitive()
    .setAttribute('POSITION', accessor(document, 'VEC3', Float32Array.from(positions)))
    .setIndices(accessor(document, 'SCALAR', Uint16Array.from(indices)));
  const node = document.createNode(name).setMesh(document.createMesh(name).addPrimitive(primitive));
  document.createScene().addChild(node);
  return document;
}

/**
 * Boxes fused into ONE primitive, each box painted one flat colour (COLOR_0 as normalized
 * UNSIGNED_BYTE VEC4, as colour-coded segmenters write it). Boxes with the same colour form one
 * part. `jitter` adds ±1/255 noise to each vertex colour (lossy re-encoding).
 */
export function flatColorBoxes(colors: readonly [number, number, number][], jitter = false): Document {
  const positions: number[] = [];
  const indices: number[] = [];
  const rgba: number[] = [];
  colors.forEach((color, i) => {
    const box = boxFaces([i * 2, 0, 0], [i * 2 + 1, 1, 1]);
    appendPiece(positions, indices, box);
    for (let v = 0; v < box.positions.length / 3; v++) {
      const noise = jitter ? (v % 3) - 1 : 0;
      rgba.push(...color.map((c) => Math.min(255, Math.max(0, c + noise))), 255);
    }
  });
  const document = new Document();
  document.createBuffer();
  const primitive = document
    .createPrimitive()
    .setAttribute('POSITION', accessor(document, 'VEC3', Float32Array.from(positions)))
    .setAttribute('COLOR_0', accessor(document, 'VEC4', Uint8Array.from(rgba)).setNormalized(true))
    .setIndices(accessor(document, 'SCALAR', Uint16Array.from(indices)));
  const node = document.createNode('painted').setMesh(document.createMesh('painted').addPrimitive(primitive));
  document.createScene().addChild(node);
  return document;
}

/**
 * A subdivided square patch (n×n quads, 2n² triangles) at `origin`, split along its middle
 * column into two halves whose shared edge has DUPLICATED vertices (a UV seam): connected only
 * after welding.
 */
function seamedPatch(origin: readonly number[], n: number): { positions: number[]; indices: number[] } {
  const positions: number[] = [];
  const indices: number[] = [];
  const half = Math.floor(n / 2);
  for (const [from, to] of [
    [0, half],
    [half, n],
  ] as const) {
    const base = positions.length / 3;
    const width = to - from + 1;
    for (let y = 0; y <= n; y++) {
      for (let x = from; x <= to; x++) positions.push(origin[0]! + x, origin[1]! + y, origin[2]!);
    }
    const at = (x: number, y: number) => base + y * width + (x - from);
    for (let y = 0; y < n; y++) {
      for (let x = from; x < to; x++) {
        indices.push(at(x, y), at(x + 1, y), at(x + 1, y + 1), at(x, y), at(x + 1, y + 1), at(x, y + 1));
      }
    }
  }
  return { positions, indices };
}

/**
 * One fused mesh made of three disconnected patches of different sizes (each with a UV seam),
 * plus four one-triangle specks floating inside the middle patch's bounds: what an AI-generated
 * model with loose debris looks like. Expected: 3 parts once specks are merged.
 */
export function componentsWithSpecks(): { document: Document; patchTriangles: number[]; specks: number } {
  const sizes = [12, 10, 8];
  const positions: number[] = [];
  const indices: number[] = [];
  let offset = 0;
  for (const n of sizes) {
    appendPiece(positions, indices, seamedPatch([offset, 0, 0], n));
    offset += n + 5;
  }
  const specks = 4;
  for (let s = 0; s < specks; s++) appendSpeck(positions, indices, 17 + 2 * s, 3, 0.5);
  const document = fusedDocument('fused', positions, indices);
  return { document, patchTriangles: sizes.map((n) => 2 * n * n), specks };
}

/**
 * A `_PART_ID` grid (labels by column band) carrying a morph target (z offset = label + 1), a
 * two-joint skin (JOINTS_0 / WEIGHTS_0) and an animation of the morph weights.
 */
export function skinnedMorphGrid(): { document: Document; node: Node } {
  const { document, node, mesh } = labelledGrid({
    cols: 6,
    rows: 2,
    labelOf: (col) => Math.floor(col / 2),
    semantic: '_PART_ID',
    vertices: 'separate',
  });
  const primitive = mesh.listPrimitives()[0]!;
  const labels = primitive.getAttribute('_PART_ID')!.getArray()!;
  const count = labels.length;
  const deltas = new Float32Array(count * 3);
  const joints = new Uint8Array(count * 4);
  const weights = new Float32Array(count * 4);
  for (let v = 0; v < count; v++) {
    deltas[v * 3 + 2] = labels[v]! + 1;
    joints[v * 4] = labels[v]! % 2;
    weights[v * 4] = 1;
  }
  const target = document
    .createPrimitiveTarget('lift')
    .setAttribute('POSITION', accessor(document, 'VEC3', deltas));
  primitive
    .addTarget(target)
    .setAttribute('JOINTS_0', accessor(document, 'VEC4', joints))
    .setAttribute('WEIGHTS_0', accessor(document, 'VEC4', weights));
  mesh.setWeights([0]).setExtras({ targetNames: ['lift'] });
  const rootJoint = document.createNode('root_joint');
  const tipJoint = document.createNode('tip_joint').setTranslation([3, 0, 0]);
  rootJoint.addChild(tipJoint);
  const inverseBind = new Float32Array(32);
  inverseBind.set([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  inverseBind.set([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, -3, 0, 0, 1], 16);
  const skin = document
    .createSkin('skin')
    .addJoint(rootJoint)
    .addJoint(tipJoint)
    .setSkeleton(rootJoint)
    .setInverseBindMatrices(accessor(document, 'MAT4', inverseBind));
  node.setSkin(skin);
  document.getRoot().listScenes()[0]!.addChild(rootJoint);
  const sampler = document
    .createAnimationSampler()
    .setInput(accessor(document, 'SCALAR', Float32Array.from([0, 1])))
    .setOutput(accessor(document, 'SCALAR', Float32Array.from([0, 1])));
  document
    .createAnimation('lift')
    .addSampler(sampler)
    .addChannel(
      document.createAnimationChannel().setSampler(sampler).setTargetNode(node).setTargetPath('weights'),
    );
  return { document, node };
}

/**
 * One fused mesh of axis-aligned boxes (12 triangles each) plus one-triangle specks, in the order
 * given: for checking where components and their specks end up.
 */
export function boxesAndSpecks(
  boxes: readonly [readonly number[], readonly number[]][],
  specks: readonly (readonly number[])[],
): Document {
  const positions: number[] = [];
  const indices: number[] = [];
  for (const [min, max] of boxes) appendPiece(positions, indices, boxFaces(min, max));
  for (const [x, y, z] of specks as [number, number, number][]) appendSpeck(positions, indices, x, y, z);
  return fusedDocument('boxes', positions, indices);
}
