import { ModelLimitError, ModelReadError } from '../errors.js';
import type { ModelLimits } from '../options.js';

/**
 * Structural checks of an untrusted glTF's JSON before glTF-Transform parses it (glb-container.ts
 * checks the GLB around it, document-values.ts the decoded values after parsing). glTF-Transform
 * trusts a file's declared sizes and indices (it is a library for files one made oneself); meshparts
 * reads files from anywhere, so every size is checked against what backs it (accessor → bufferView →
 * buffer → the GLB's BIN chunk) and every index against what it points to, before anything is
 * allocated from them. A file that fails is refused with one line that says where
 * (`accessors[3].count`), never split into parts that engines would choke on.
 *
 * What is checked is what the Khronos validator calls an error and what would otherwise flow into the
 * parts: lengths and offsets in range, references in range, one parent per node and no cycles, scene
 * roots that are roots, equal attribute counts per primitive and morph target. Values that are merely
 * odd (weights that do not sum to one) are the model's own business and pass through unchanged.
 */

type Json = Record<string, unknown>;

/** What readModel knows about the container around the JSON. */
export interface PreflightContainer {
  /** Length of the GLB's BIN chunk; undefined for a .gltf or a GLB without one. */
  binLength: number | undefined;
  /** Byte length of each external (file) buffer, by buffer index, when known. */
  externalLengths?: ReadonlyMap<number, number>;
}

const COMPONENT_SIZES: Record<number, number> = { 5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4 };
const TYPE_SIZES: Record<string, number> = {
  SCALAR: 1,
  VEC2: 2,
  VEC3: 3,
  VEC4: 4,
  MAT2: 4,
  MAT3: 9,
  MAT4: 16,
};
const MESHOPT = 'EXT_meshopt_compression';
const MESHOPT_KHR = 'KHR_meshopt_compression';
const ARRAYS = [
  'accessors',
  'animations',
  'bufferViews',
  'buffers',
  'cameras',
  'images',
  'materials',
  'meshes',
  'nodes',
  'samplers',
  'scenes',
  'skins',
  'textures',
] as const;

class Checker {
  constructor(
    readonly json: Json,
    readonly source: string,
  ) {}

  fail(where: string, what: string): never {
    throw new ModelReadError(this.source, `${this.source} is corrupt: ${where} ${what}`);
  }

  list(key: (typeof ARRAYS)[number]): Json[] {
    return (this.json[key] as Json[] | undefined) ?? [];
  }

  /** A whole number of at least `min`; with `optional`, absent reads as 0 (glTF offsets). */
  uint(value: unknown, where: string, { min = 0, optional = false } = {}): number {
    if (value === undefined && optional) return 0; // glTF defaults offsets to 0
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      this.fail(where, `must be a whole number of at least ${min}, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  /** An index into `json[key]`. */
  ref(value: unknown, key: (typeof ARRAYS)[number], where: string, optional = true): number | undefined {
    if (value === undefined && optional) return undefined;
    const length = this.list(key).length;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= length) {
      this.fail(where, `refers to ${key}[${JSON.stringify(value)}], which does not exist (${length} ${key})`);
    }
    return value;
  }
}

/**
 * Checks the JSON of a glTF against itself and its container. Throws ModelReadError (structure) or
 * ModelLimitError (the declared vertex count is over `limits.maxVertices`).
 */
export function preflightGltf(
  json: Json,
  container: PreflightContainer,
  source: string,
  limits: Pick<ModelLimits, 'maxVertices'>,
): void {
  const c = new Checker(json, source);
  for (const key of ARRAYS) {
    const value = json[key];
    if (value === undefined) continue;
    if (
      !Array.isArray(value) ||
      value.some((item) => typeof item !== 'object' || item === null || Array.isArray(item))
    ) {
      c.fail(key, 'must be a list of objects');
    }
  }
  const bufferLengths = checkBuffers(c, container);
  const viewLengths = checkBufferViews(c, bufferLengths);
  checkAccessors(c, viewLengths);
  checkMeshes(c, limits);
  checkNodes(c);
  checkMaterialsAndTextures(c);
  checkSkinsAndAnimations(c);
}

function isMeshoptFallback(buffer: Json): boolean {
  const extensions = buffer.extensions as Json | undefined;
  const ext = (extensions?.[MESHOPT] ?? extensions?.[MESHOPT_KHR]) as Json | undefined;
  return ext?.fallback === true;
}

/** Each buffer's declared length, checked against the bytes that back it. */
function checkBuffers(c: Checker, container: PreflightContainer): number[] {
  return c.list('buffers').map((buffer, i) => {
    const where = `buffers[${i}].byteLength`;
    const length = c.uint(buffer.byteLength, where, { min: 1 });
    if (isMeshoptFallback(buffer)) return length; // no data: meshopt views decode into it
    const uri = buffer.uri;
    if (uri === undefined) {
      if (i !== 0 || container.binLength === undefined)
        c.fail(`buffers[${i}]`, 'has no uri and no GLB BIN chunk');
      if (length > container.binLength) {
        c.fail(where, `is ${length}, but the GLB's BIN chunk holds only ${container.binLength} bytes`);
      }
    } else if (typeof uri !== 'string') {
      c.fail(`buffers[${i}].uri`, 'must be a string');
    } else if (uri.startsWith('data:')) {
      const comma = uri.indexOf(',');
      const payload = comma === -1 ? '' : uri.slice(comma + 1);
      const decoded = /;base64,/i.test(uri.slice(0, comma + 1))
        ? Math.floor((payload.replace(/=+$/, '').length * 3) / 4)
        : decodeURIComponentSafe(payload).length;
      if (length > decoded) c.fail(where, `is ${length}, but its data: URI holds only ${decoded} bytes`);
    } else {
      const actual = container.externalLengths?.get(i);
      if (actual !== undefined && length > actual) {
        c.fail(where, `is ${length}, but ${JSON.stringify(uri)} holds only ${actual} bytes`);
      }
    }
    return length;
  });
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Each bufferView's length, its range checked inside its buffer (and its meshopt stream's). */
function checkBufferViews(c: Checker, bufferLengths: number[]): number[] {
  return c.list('bufferViews').map((view, i) => {
    const at = `bufferViews[${i}]`;
    const buffer = c.ref(view.buffer, 'buffers', `${at}.buffer`, false)!;
    const offset = c.uint(view.byteOffset, `${at}.byteOffset`, { optional: true });
    const length = c.uint(view.byteLength, `${at}.byteLength`, { min: 1 });
    if (offset + length > bufferLengths[buffer]!) {
      c.fail(`${at}`, `spans bytes ${offset}..${offset + length} of a ${bufferLengths[buffer]}-byte buffer`);
    }
    if (view.byteStride !== undefined) {
      const stride = c.uint(view.byteStride, `${at}.byteStride`, { min: 4 });
      if (stride > 252 || stride % 4 !== 0)
        c.fail(`${at}.byteStride`, `must be a multiple of 4 from 4 to 252, got ${stride}`);
    }
    const extensions = view.extensions as Json | undefined;
    const meshopt = (extensions?.[MESHOPT] ?? extensions?.[MESHOPT_KHR]) as Json | undefined;
    if (meshopt) {
      const mat = `${at}.extensions.meshopt`;
      const source = c.ref(meshopt.buffer, 'buffers', `${mat}.buffer`, false)!;
      const sourceOffset = c.uint(meshopt.byteOffset, `${mat}.byteOffset`, { optional: true });
      const sourceLength = c.uint(meshopt.byteLength, `${mat}.byteLength`, { min: 1 });
      if (sourceOffset + sourceLength > bufferLengths[source]!) {
        c.fail(mat, `spans bytes past the end of buffers[${source}]`);
      }
      const count = c.uint(meshopt.count, `${mat}.count`, { min: 1 });
      const stride = c.uint(meshopt.byteStride, `${mat}.byteStride`, { min: 1 });
      if (count * stride > length) c.fail(mat, `decodes ${count * stride} bytes into a ${length}-byte view`);
    }
    return length;
  });
}

function elementSize(c: Checker, accessor: Json, at: string): number {
  const component = COMPONENT_SIZES[accessor.componentType as number];
  const components = TYPE_SIZES[accessor.type as string];
  if (component === undefined)
    c.fail(`${at}.componentType`, `is not a glTF component type: ${JSON.stringify(accessor.componentType)}`);
  if (components === undefined)
    c.fail(`${at}.type`, `is not a glTF accessor type: ${JSON.stringify(accessor.type)}`);
  // Matrix columns of 1- and 2-byte components are padded to 4 bytes.
  if (accessor.type === 'MAT2' && component === 1) return 8;
  if (accessor.type === 'MAT3' && component === 1) return 12;
  if (accessor.type === 'MAT3' && component === 2) return 24;
  return component * components;
}

/** Every accessor's element range fits inside its bufferView (and its sparse arrays in theirs). */
function checkAccessors(c: Checker, viewLengths: number[]): void {
  const views = c.list('bufferViews');
  for (const [i, accessor] of c.list('accessors').entries()) {
    const at = `accessors[${i}]`;
    const count = c.uint(accessor.count, `${at}.count`, { min: 1 });
    const size = elementSize(c, accessor, at);
    const offset = c.uint(accessor.byteOffset, `${at}.byteOffset`, { optional: true });
    const view = c.ref(accessor.bufferView, 'bufferViews', `${at}.bufferView`);
    if (view !== undefined) {
      const stride = (views[view]!.byteStride as number | undefined) ?? size;
      const end = offset + stride * (count - 1) + size;
      if (end > viewLengths[view]!) {
        c.fail(at, `needs ${end} bytes of bufferViews[${view}], which has ${viewLengths[view]}`);
      }
    } else if (offset !== 0) {
      c.fail(`${at}.byteOffset`, 'is set without a bufferView');
    }
    const sparse = accessor.sparse as Json | undefined;
    if (sparse !== undefined) {
      const sparseCount = c.uint(sparse.count, `${at}.sparse.count`, { min: 1 });
      if (sparseCount > count)
        c.fail(`${at}.sparse.count`, `is ${sparseCount}, more than the accessor's ${count}`);
      const indices = (sparse.indices ?? {}) as Json;
      const values = (sparse.values ?? {}) as Json;
      const indexSize = COMPONENT_SIZES[indices.componentType as number];
      if (indexSize === undefined || (indexSize === 1 && indices.componentType !== 5121)) {
        c.fail(`${at}.sparse.indices.componentType`, `is not an unsigned integer type`);
      }
      for (const [part, bytes] of [
        [indices, indexSize * sparseCount],
        [values, size * sparseCount],
      ] as const) {
        const name = part === indices ? 'indices' : 'values';
        const v = c.ref(part.bufferView, 'bufferViews', `${at}.sparse.${name}.bufferView`, false)!;
        const o = c.uint(part.byteOffset, `${at}.sparse.${name}.byteOffset`, { optional: true });
        if (o + bytes > viewLengths[v]!)
          c.fail(`${at}.sparse.${name}`, `needs ${o + bytes} bytes of bufferViews[${v}]`);
      }
    }
  }
}

function countOf(c: Checker, index: number): number {
  return c.list('accessors')[index]!.count as number;
}

function checkMeshes(c: Checker, limits: Pick<ModelLimits, 'maxVertices'>): void {
  let vertices = 0;
  for (const [m, mesh] of c.list('meshes').entries()) {
    const primitives = mesh.primitives;
    if (!Array.isArray(primitives) || primitives.length === 0)
      c.fail(`meshes[${m}].primitives`, 'must be a non-empty list');
    for (const [p, primitive] of (primitives as Json[]).entries()) {
      const at = `meshes[${m}].primitives[${p}]`;
      if (typeof primitive !== 'object' || primitive === null) c.fail(at, 'must be an object');
      const attributes = primitive.attributes;
      if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
        c.fail(`${at}.attributes`, 'must be an object');
      }
      let count: number | undefined;
      for (const [semantic, value] of Object.entries(attributes as Json)) {
        const index = c.ref(value, 'accessors', `${at}.attributes.${semantic}`, false)!;
        const n = countOf(c, index);
        if (count !== undefined && n !== count) {
          c.fail(
            `${at}.attributes.${semantic}`,
            `has ${n} elements where the other attributes have ${count}`,
          );
        }
        count = n;
        if (semantic === 'POSITION') vertices += n;
      }
      c.ref(primitive.indices, 'accessors', `${at}.indices`);
      c.ref(primitive.material, 'materials', `${at}.material`);
      if (
        primitive.mode !== undefined &&
        !(
          Number.isInteger(primitive.mode) &&
          (primitive.mode as number) >= 0 &&
          (primitive.mode as number) <= 6
        )
      ) {
        c.fail(`${at}.mode`, `is not a glTF primitive mode: ${JSON.stringify(primitive.mode)}`);
      }
      const targets = primitive.targets;
      if (targets !== undefined) {
        if (!Array.isArray(targets)) c.fail(`${at}.targets`, 'must be a list');
        for (const [t, target] of (targets as Json[]).entries()) {
          for (const [semantic, value] of Object.entries(target ?? {})) {
            const index = c.ref(value, 'accessors', `${at}.targets[${t}].${semantic}`, false)!;
            if (count !== undefined && countOf(c, index) !== count) {
              c.fail(`${at}.targets[${t}].${semantic}`, `has ${countOf(c, index)} elements, not ${count}`);
            }
          }
        }
      }
    }
  }
  if (vertices > limits.maxVertices) {
    throw new ModelLimitError(
      c.source,
      `${c.source} declares ${vertices} vertices, over the limit of ${limits.maxVertices} (--max-vertices)`,
      'maxVertices',
      vertices,
      limits.maxVertices,
    );
  }
}

/** Node references in range, one parent per node, no cycles; scene roots in range. */
function checkNodes(c: Checker): void {
  const nodes = c.list('nodes');
  const parent = new Array<number>(nodes.length).fill(-1);
  for (const [i, node] of nodes.entries()) {
    const at = `nodes[${i}]`;
    c.ref(node.mesh, 'meshes', `${at}.mesh`);
    c.ref(node.skin, 'skins', `${at}.skin`);
    c.ref(node.camera, 'cameras', `${at}.camera`);
    const children = node.children;
    if (children === undefined) continue;
    if (!Array.isArray(children)) c.fail(`${at}.children`, 'must be a list');
    for (const child of children as unknown[]) {
      const index = c.ref(child, 'nodes', `${at}.children`, false)!;
      if (parent[index] !== -1 || index === i)
        c.fail(`nodes[${index}]`, 'has more than one parent (or is its own child)');
      parent[index] = i;
    }
  }
  // With one parent per node, a cycle is a chain of parents that comes back to where it started.
  const state = new Uint8Array(nodes.length); // 0 unknown, 1 on the current path, 2 reaches a root
  for (let i = 0; i < nodes.length; i++) {
    const path: number[] = [];
    let at = i;
    while (at !== -1 && state[at] === 0) {
      state[at] = 1;
      path.push(at);
      at = parent[at]!;
    }
    if (at !== -1 && state[at] === 1)
      c.fail(`nodes[${at}]`, 'is its own ancestor (the node hierarchy has a cycle)');
    for (const node of path) state[node] = 2;
  }
  c.ref(c.json.scene, 'scenes', 'scene');
  for (const [s, scene] of c.list('scenes').entries()) {
    if (scene.nodes === undefined) continue;
    if (!Array.isArray(scene.nodes)) c.fail(`scenes[${s}].nodes`, 'must be a list');
    for (const node of scene.nodes as unknown[]) {
      const index = c.ref(node, 'nodes', `scenes[${s}].nodes`, false)!;
      if (parent[index] !== -1) c.fail(`scenes[${s}].nodes`, `lists nodes[${index}], which is not a root`);
    }
  }
}

/** Texture slots (`*Texture.index`, in extensions too) → textures → images, samplers, bufferViews. */
function checkMaterialsAndTextures(c: Checker): void {
  const walk = (value: unknown, where: string): void => {
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'extras') continue;
      if (/Texture$/.test(key) && typeof child === 'object' && child !== null && !Array.isArray(child)) {
        c.ref((child as Json).index, 'textures', `${where}.${key}.index`, false);
      }
      walk(child, `${where}.${key}`);
    }
  };
  for (const [i, material] of c.list('materials').entries()) walk(material, `materials[${i}]`);
  for (const [i, texture] of c.list('textures').entries()) {
    c.ref(texture.source, 'images', `textures[${i}].source`);
    c.ref(texture.sampler, 'samplers', `textures[${i}].sampler`);
    for (const [name, ext] of Object.entries((texture.extensions ?? {}) as Json)) {
      c.ref((ext as Json | null)?.source, 'images', `textures[${i}].extensions.${name}.source`);
    }
  }
  for (const [i, image] of c.list('images').entries())
    c.ref(image.bufferView, 'bufferViews', `images[${i}].bufferView`);
}

function checkSkinsAndAnimations(c: Checker): void {
  for (const [i, skin] of c.list('skins').entries()) {
    const at = `skins[${i}]`;
    if (!Array.isArray(skin.joints) || skin.joints.length === 0)
      c.fail(`${at}.joints`, 'must be a non-empty list');
    for (const joint of skin.joints as unknown[]) c.ref(joint, 'nodes', `${at}.joints`, false);
    c.ref(skin.skeleton, 'nodes', `${at}.skeleton`);
    const ibm = c.ref(skin.inverseBindMatrices, 'accessors', `${at}.inverseBindMatrices`);
    if (ibm !== undefined && countOf(c, ibm) < (skin.joints as unknown[]).length) {
      c.fail(`${at}.inverseBindMatrices`, `has fewer matrices than the skin has joints`);
    }
  }
  for (const [a, animation] of c.list('animations').entries()) {
    const at = `animations[${a}]`;
    const samplers = (animation.samplers ?? []) as Json[];
    if (!Array.isArray(samplers)) c.fail(`${at}.samplers`, 'must be a list');
    for (const [s, sampler] of samplers.entries()) {
      c.ref(sampler?.input, 'accessors', `${at}.samplers[${s}].input`, false);
      c.ref(sampler?.output, 'accessors', `${at}.samplers[${s}].output`, false);
    }
    const channels = (animation.channels ?? []) as Json[];
    if (!Array.isArray(channels)) c.fail(`${at}.channels`, 'must be a list');
    for (const [k, channel] of channels.entries()) {
      const sampler = channel?.sampler;
      if (
        typeof sampler !== 'number' ||
        !Number.isInteger(sampler) ||
        sampler < 0 ||
        sampler >= samplers.length
      ) {
        c.fail(`${at}.channels[${k}].sampler`, `refers to a sampler that does not exist`);
      }
      c.ref((channel.target as Json | undefined)?.node, 'nodes', `${at}.channels[${k}].target.node`);
    }
  }
}
