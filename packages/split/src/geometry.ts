import {
  type Accessor,
  type ExtensionProperty,
  MathUtils,
  type mat4,
  type Node,
  Primitive,
  type vec3,
  type vec4,
} from '@gltf-transform/core';
import { IDENTITY, multiply, transformPointInto } from './math.js';

/** Axis-aligned bounds. */
export interface Bounds {
  min: [number, number, number];
  max: [number, number, number];
}

/** Bounds that contain nothing yet (min = +∞, max = −∞); {@link isEmptyBounds} tells. */
export function emptyBounds(): Bounds {
  return { min: [Infinity, Infinity, Infinity], max: [-Infinity, -Infinity, -Infinity] };
}

export function isEmptyBounds(bounds: Bounds): boolean {
  return !(bounds.min[0] <= bounds.max[0]);
}

/** Grows `bounds` by every point of a flat xyz array. */
export function expandBounds(bounds: Bounds, points: Float32Array | Float64Array): void {
  for (let i = 0; i < points.length; i += 3) {
    for (let axis = 0; axis < 3; axis++) {
      const value = points[i + axis]!;
      if (value < bounds.min[axis]!) bounds.min[axis] = value;
      if (value > bounds.max[axis]!) bounds.max[axis] = value;
    }
  }
}

/** Bounds made JSON-safe: empty bounds (a part with no vertices) become zeros, and -0 becomes 0. */
export function finiteBounds(bounds: Bounds): Bounds {
  if (isEmptyBounds(bounds)) return { min: [0, 0, 0], max: [0, 0, 0] };
  const clean = (v: [number, number, number]): [number, number, number] => [v[0] || 0, v[1] || 0, v[2] || 0];
  return { min: clean(bounds.min), max: clean(bounds.max) };
}

/** What counting a primitive's vertices and triangles reads (a Primitive, or the byte-level split's). */
export interface CountedPrimitive {
  getAttribute(semantic: string): { getCount(): number } | null;
  getIndices(): { getCount(): number } | null;
  getMode(): number;
}

export function vertexCount(primitive: CountedPrimitive): number {
  return primitive.getAttribute('POSITION')?.getCount() ?? 0;
}

/** Vertices and triangles of some primitives, as their files store them (see vertexCount, triangleCount). */
export function geometryCounts(primitives: Iterable<CountedPrimitive>): {
  vertices: number;
  triangles: number;
} {
  let vertices = 0;
  let triangles = 0;
  for (const primitive of primitives) {
    vertices += vertexCount(primitive);
    triangles += triangleCount(primitive);
  }
  return { vertices, triangles };
}

/** Number of triangles a primitive draws: 0 for points and lines, n−2 for strips and fans. */
export function triangleCount(primitive: CountedPrimitive): number {
  return trianglesOf(primitive.getMode(), primitive.getIndices()?.getCount() ?? vertexCount(primitive));
}

/** Number of triangles `count` indices (or vertices) draw in a primitive `mode` (see triangleCount). */
export function trianglesOf(mode: number, count: number): number {
  switch (mode) {
    case Primitive.Mode.TRIANGLES:
      return Math.floor(count / 3);
    case Primitive.Mode.TRIANGLE_STRIP:
    case Primitive.Mode.TRIANGLE_FAN:
      return Math.max(0, count - 2);
    default:
      return 0;
  }
}

/** The vertex indices of every triangle, flattened (i0 j0 k0 i1 j1 k1 ...), for all triangle modes. */
export function triangleIndices(primitive: Primitive): Uint32Array {
  const indices = primitive.getIndices();
  const at = indices ? (i: number) => indices.getScalar(i) : (i: number) => i;
  return triangleIndicesOf(primitive.getMode(), triangleCount(primitive), at);
}

/** {@link triangleIndices} from the mode, the triangle count and the index at each position. */
export function triangleIndicesOf(mode: number, triangles: number, at: (i: number) => number): Uint32Array {
  const out = new Uint32Array(triangles * 3);
  for (let t = 0; t < triangles; t++) {
    if (mode === Primitive.Mode.TRIANGLES) {
      out[t * 3] = at(t * 3);
      out[t * 3 + 1] = at(t * 3 + 1);
      out[t * 3 + 2] = at(t * 3 + 2);
    } else if (mode === Primitive.Mode.TRIANGLE_STRIP) {
      // Odd strip triangles swap two vertices to keep the winding.
      const even = t % 2 === 0;
      out[t * 3] = at(even ? t : t + 1);
      out[t * 3 + 1] = at(even ? t + 1 : t);
      out[t * 3 + 2] = at(t + 2);
    } else {
      out[t * 3] = at(0);
      out[t * 3 + 1] = at(t + 1);
      out[t * 3 + 2] = at(t + 2);
    }
  }
  return out;
}

/**
 * World matrices, each computed once: O(nodes) for a whole split instead of O(nodes × depth).
 * Iterative, not recursive: a model may nest its nodes 100,000 deep (the JavaScript stack holds
 * about 10,000 frames), so the uncached ancestors are collected first and then multiplied top-down.
 */
export function createWorldMatrices(): (node: Node) => mat4 {
  return worldMatricesOf<Node>(
    (node) => node.getParentNode(),
    (node) => node.getMatrix(),
  );
}

/**
 * {@link createWorldMatrices} over any node type, from each node's parent (null at a root) and local
 * matrix: the byte-level split (fast/) walks the JSON's nodes with the same arithmetic.
 */
export function worldMatricesOf<N>(
  parentOf: (node: N) => N | null,
  localOf: (node: N) => mat4,
): (node: N) => mat4 {
  const cache = new Map<N, mat4>();
  return (node: N): mat4 => {
    const known = cache.get(node);
    if (known) return known;
    const pending: N[] = [];
    let world: mat4 | undefined;
    for (let at: N | null = node; at !== null; at = parentOf(at)) {
      world = cache.get(at);
      if (world) break;
      pending.push(at);
    }
    for (let i = pending.length - 1; i >= 0; i--) {
      const at = pending[i]!;
      world = world ? multiply(world, localOf(at)) : localOf(at);
      cache.set(at, world);
    }
    return world!;
  };
}

interface InstancedMeshLike extends ExtensionProperty {
  getAttribute(semantic: string): Accessor | null;
}

/** EXT_mesh_gpu_instancing matrices of a node, or null when it is not instanced. */
export function instanceMatrices(node: Node): mat4[] | null {
  const instanced = node.getExtension<InstancedMeshLike>('EXT_mesh_gpu_instancing');
  if (!instanced) return null;
  const t = instanced.getAttribute('TRANSLATION');
  const r = instanced.getAttribute('ROTATION');
  const s = instanced.getAttribute('SCALE');
  const count = t?.getCount() ?? r?.getCount() ?? s?.getCount() ?? 0;
  const out: mat4[] = [];
  for (let i = 0; i < count; i++) {
    const translation = (t ? t.getElement(i, [0, 0, 0]) : [0, 0, 0]) as vec3;
    const rotation = (r ? r.getElement(i, [0, 0, 0, 1]) : [0, 0, 0, 1]) as vec4;
    const scale = (s ? s.getElement(i, [1, 1, 1]) : [1, 1, 1]) as vec3;
    out.push(MathUtils.compose(translation, rotation, scale, [...IDENTITY] as unknown as mat4));
  }
  return out;
}

/**
 * POSITION as float values (flat xyz). Float arrays are used as they are (no copy); normalized or
 * integer (quantized) arrays are decoded once.
 */
export function positionArray(position: Accessor): Float32Array | Float64Array {
  const array = position.getArray();
  if (array instanceof Float32Array && position.getElementSize() === 3) return array;
  const count = position.getCount();
  const out = new Float64Array(count * 3);
  const element = [0, 0, 0];
  for (let i = 0; i < count; i++) {
    position.getElement(i, element);
    out[i * 3] = element[0]!;
    out[i * 3 + 1] = element[1]!;
    out[i * 3 + 2] = element[2]!;
  }
  return out;
}

/** What skinning a primitive in its rest pose needs (see {@link skinBinding}). */
export interface SkinBinding {
  /** Per joint: its rest world matrix × its inverse bind matrix. */
  jointMatrices: mat4[];
  /** JOINTS_0/WEIGHTS_0, and JOINTS_1/WEIGHTS_1 when both are there. */
  sets: Array<[joints: Accessor, weights: Accessor]>;
}

/**
 * The joint matrices and joint/weight attributes of a skinned primitive placed by `node`, or null
 * when it is not skinned: what posing its positions (placedPositions) and its normals (thumbnails)
 * in the rest pose both start from.
 */
export function skinBinding(
  primitive: Primitive,
  node: Node,
  worldOf: (node: Node) => mat4,
): SkinBinding | null {
  const skin = node.getSkin();
  const joints0 = primitive.getAttribute('JOINTS_0');
  const weights0 = primitive.getAttribute('WEIGHTS_0');
  if (!skin || !joints0 || !weights0) return null;
  const ibm = skin.getInverseBindMatrices();
  const jointMatrices = skin.listJoints().map((joint, j) => {
    const inverse = ibm ? (ibm.getElement(j, new Array<number>(16)) as unknown as mat4) : IDENTITY;
    return multiply(worldOf(joint), inverse);
  });
  const sets: SkinBinding['sets'] = [[joints0, weights0]];
  const joints1 = primitive.getAttribute('JOINTS_1');
  const weights1 = primitive.getAttribute('WEIGHTS_1');
  if (joints1 && weights1) sets.push([joints1, weights1]);
  return { jointMatrices, sets };
}

/**
 * Positions of a primitive as a renderer draws them in the scene (flat xyz, float64), one array per
 * GPU instance (one array when not instanced): skinned primitives by their joints' world matrices and
 * inverse bind matrices (the node's own transform is ignored, as glTF says), others by the node's world
 * matrix. Morph targets are left at rest (weights ignored).
 */
export function placedPositions(
  primitive: Primitive,
  node: Node,
  worldOf: (node: Node) => mat4,
): Float64Array[] {
  const position = primitive.getAttribute('POSITION');
  if (!position) return [];
  const count = position.getCount();
  const binding = skinBinding(primitive, node, worldOf);
  if (binding) {
    const { jointMatrices, sets } = binding;
    const base = new Float64Array(count * 3);
    const element = [0, 0, 0];
    const j = [0, 0, 0, 0];
    const w = [0, 0, 0, 0];
    const p = [0, 0, 0];
    for (let i = 0; i < count; i++) {
      position.getElement(i, element);
      let x = 0;
      let y = 0;
      let z = 0;
      for (const [jointsAccessor, weightsAccessor] of sets) {
        jointsAccessor.getElement(i, j);
        weightsAccessor.getElement(i, w);
        for (let k = 0; k < 4; k++) {
          const weight = w[k]!;
          if (weight === 0) continue;
          const matrix = jointMatrices[j[k]!] ?? IDENTITY;
          transformPointInto(matrix, element[0]!, element[1]!, element[2]!, p, 0);
          x += weight * p[0]!;
          y += weight * p[1]!;
          z += weight * p[2]!;
        }
      }
      base[i * 3] = x;
      base[i * 3 + 1] = y;
      base[i * 3 + 2] = z;
    }
    return [base];
  }
  const world = worldOf(node);
  const matrices = (instanceMatrices(node) ?? [IDENTITY]).map((instance) => multiply(world, instance));
  const local = positionArray(position);
  return matrices.map((matrix) => transformPoints(local, matrix));
}

/** Flat xyz points transformed by `matrix`, as float64. */
export function transformPoints(local: Float32Array | Float64Array, matrix: mat4): Float64Array {
  const count = local.length / 3;
  const out = new Float64Array(count * 3);
  for (let i = 0; i < count; i++)
    transformPointInto(matrix, local[i * 3]!, local[i * 3 + 1]!, local[i * 3 + 2]!, out, i * 3);
  return out;
}

/**
 * Grows `bounds` by a primitive as placed in the scene, like {@link placedPositions} but without
 * allocating the transformed positions (bounds of big models are computed in one tight pass).
 */
export function expandPlacedBounds(
  bounds: Bounds,
  primitive: Primitive,
  node: Node,
  worldOf: (node: Node) => mat4,
): void {
  const position = primitive.getAttribute('POSITION');
  if (!position) return;
  if (node.getSkin() && primitive.getAttribute('JOINTS_0') && primitive.getAttribute('WEIGHTS_0')) {
    for (const points of placedPositions(primitive, node, worldOf)) expandBounds(bounds, points);
    return;
  }
  const local = positionArray(position);
  const world = worldOf(node);
  for (const instance of instanceMatrices(node) ?? [IDENTITY]) {
    expandTransformedBounds(bounds, local, multiply(world, instance));
  }
}

/**
 * Grows `bounds` by every point of a flat xyz array transformed by `m` (exact: each point is
 * transformed, so a rotation gives tight bounds). The matrix entries and the running bounds are held
 * in locals: the loop runs over every vertex of a model, and array reads in it cost 3× as much.
 */
export function expandTransformedBounds(bounds: Bounds, points: Float32Array | Float64Array, m: mat4): void {
  const [m0, m1, m2, , m4, m5, m6, , m8, m9, m10, , m12, m13, m14] = m;
  let [minX, minY, minZ] = bounds.min;
  let [maxX, maxY, maxZ] = bounds.max;
  for (let i = 0; i < points.length; i += 3) {
    const x = points[i]!;
    const y = points[i + 1]!;
    const z = points[i + 2]!;
    const wx = m0 * x + m4 * y + m8 * z + m12;
    const wy = m1 * x + m5 * y + m9 * z + m13;
    const wz = m2 * x + m6 * y + m10 * z + m14;
    if (wx < minX) minX = wx;
    if (wx > maxX) maxX = wx;
    if (wy < minY) minY = wy;
    if (wy > maxY) maxY = wy;
    if (wz < minZ) minZ = wz;
    if (wz > maxZ) maxZ = wz;
  }
  bounds.min[0] = minX;
  bounds.min[1] = minY;
  bounds.min[2] = minZ;
  bounds.max[0] = maxX;
  bounds.max[1] = maxY;
  bounds.max[2] = maxZ;
}
