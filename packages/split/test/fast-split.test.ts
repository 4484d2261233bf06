import { existsSync, truncateSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { type ILogger, MathUtils, type mat4, type vec3, type vec4 } from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/detect/shape/random.js';
import { ModelReadError } from '../src/errors.js';
import { fastDocumentDecline } from '../src/fast/fast-document.js';
import { FastGltf } from '../src/fast/fast-gltf.js';
import { type FastPlanResult, planFast } from '../src/fast/fast-plan.js';
import { openGlb } from '../src/fast/open-glb.js';
import { type SplitModelOptions, splitModel } from '../src/split-model.js';
import { binOf, glbBytes, indexedMeshGlb } from './helpers/glb-bytes.js';
import { validateGLB } from './helpers/gltf-checks.js';
import { FIXTURES, listModels, SHARED_MODELS } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

/**
 * The byte-level split (src/fast/) against the Document path: for every model and option set, the
 * two write the same files, byte for byte, or the byte-level split declines and the Document path
 * writes them. Covers every fixture and every shared model (when ../shared is there), a seeded fuzz of
 * hand-made layouts (interleaved and packed data, odd strides, hierarchies, node matrices, shared
 * meshes, materials with explicit defaults), and hostile values.
 */

const tmp = useTempDir('fast-split');
let runs = 0;

async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.set(relative(dir, path), await readFile(path));
    }
  };
  await walk(dir);
  return out;
}

/** The byte-level plan of a model, as splitModel would decide it (null: not a GLB it opens). */
async function fastPlanOf(
  input: string | Uint8Array,
  options: SplitModelOptions,
): Promise<FastPlanResult | null> {
  const opened = await openGlb(input);
  if (!opened) return null;
  try {
    return planFast(new FastGltf(opened.json, opened.source, opened.binOffset), options);
  } finally {
    opened.source.close();
  }
}

type Outcome = { files: Map<string, Buffer>; plan: unknown } | { error: string };

async function outcome(
  input: string | Uint8Array,
  options: SplitModelOptions,
  fastPath: boolean,
): Promise<Outcome> {
  const dir = join(tmp, `run-${runs++}`);
  try {
    const { plan } = await splitModel(input, dir, { ...options, fastPath });
    return { files: await filesOf(dir), plan };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** Splits both ways and says how they differ (null: the same files and plan, or the same error). */
async function difference(input: string | Uint8Array, options: SplitModelOptions): Promise<string | null> {
  const fast = await outcome(input, options, true);
  const document = await outcome(input, options, false);
  if ('error' in fast || 'error' in document) {
    return 'error' in fast && 'error' in document && fast.error === document.error
      ? null
      : `fast: ${'error' in fast ? fast.error : 'ok'}; document: ${'error' in document ? document.error : 'ok'}`;
  }
  const names = new Set([...fast.files.keys(), ...document.files.keys()]);
  for (const name of names) {
    const a = fast.files.get(name);
    const b = document.files.get(name);
    if (!a || !b) return `${name} only in the ${a ? 'fast' : 'document'} pack`;
    if (!a.equals(b)) return `${name} differs (${a.byteLength} vs ${b.byteLength} bytes)`;
  }
  return isDeepStrictEqual(fast.plan, document.plan)
    ? null
    : `plans differ: ${JSON.stringify(fast.plan)} vs ${JSON.stringify(document.plan)}`;
}

const OPTION_SETS: SplitModelOptions[] = [
  {},
  { thumbnails: 96 },
  { thumbnails: null, pivot: 'bottom', instances: 'separate' },
  { thumbnails: null, pivot: 'center', strategy: 'nodes', naming: { template: '{model}_{name}' } },
];

/** Options the byte-level split leaves to the Document path (label strategies, merging, regions). */
const DOCUMENT_OPTION_SETS: SplitModelOptions[] = [
  { thumbnails: 64, strategy: 'components' },
  { thumbnails: null, strategy: 'attribute' },
  { thumbnails: null, granularity: { minPartArea: 0.05 }, naming: { template: '{region}_{name}' } },
];

/** Whether splitModel reads the model into a Document at the byte level (fast-document.ts). */
async function readsAtByteLevel(input: string | Uint8Array): Promise<boolean> {
  const opened = await openGlb(input);
  if (!opened) return false;
  try {
    return fastDocumentDecline(new FastGltf(opened.json, opened.source, opened.binOffset)) === null;
  } finally {
    opened.source.close();
  }
}

const MODELS = [
  ...listModels(FIXTURES),
  ...listModels(join(FIXTURES, 'generated')),
  ...listModels(SHARED_MODELS),
];

/** The models splitModel reads at the byte level when the options need a Document. */
const BYTE_LEVEL_READ: string[] = [];
for (const path of MODELS) if (await readsAtByteLevel(path)) BYTE_LEVEL_READ.push(path);

describe('the byte-level split writes what the Document path writes', () => {
  it.each(MODELS.map((path) => [relative(join(FIXTURES, '..'), path), path]))(
    '%s: the same files, byte for byte, with every option set',
    async (_name, path) => {
      for (const options of OPTION_SETS) expect(await difference(path, options)).toBeNull();
    },
  );

  it.each(BYTE_LEVEL_READ.map((path) => [relative(join(FIXTURES, '..'), path), path]))(
    '%s: what the options leave to the Document path is read at the byte level into the same files',
    async (_name, path) => {
      for (const options of DOCUMENT_OPTION_SETS) expect(await difference(path, options)).toBeNull();
    },
  );

  it('covers the node layouts of the fixtures (and declines what it does not cover, with the reason)', async () => {
    const taken: string[] = [];
    const declined = new Map<string, string>();
    for (const path of MODELS.filter((model) => model.endsWith('.glb'))) {
      const plan = await fastPlanOf(path, { thumbnails: null });
      if (plan && 'plan' in plan) taken.push(basename(path));
      else if (plan) declined.set(basename(path), plan.declined);
    }
    for (const name of [
      'trimesh_nested.glb',
      'trimesh_pins.glb',
      'TwoCubes.glb',
      'fragments.glb',
      'hostile-names.glb',
      'shared-mesh.glb',
      'nested-mirrored.glb',
    ])
      expect(taken).toContain(name);
    expect(declined.get('BoxAnimated.glb')).toBe('animations');
    expect(declined.get('Box_Draco.glb')).toBe('glTF extensions');
    expect(declined.get('TextureTransformMultiTest.glb')).toBe('glTF extensions');
    expect(declined.get('labels-part-id.glb')).toBe('fewer mesh nodes than the strategy needs');
  });

  it("records a segmenter's strategy and reason the same both ways, unless the split cuts further", async () => {
    const path = join(FIXTURES, 'generated', 'fragments.glb');
    const segmentation = { strategy: 'shape', reason: 'one fused mesh cut by its shape; 4 parts' } as const;
    expect(await fastPlanOf(path, { thumbnails: null })).toHaveProperty('plan');
    expect(await difference(path, { thumbnails: null, segmentation })).toBeNull();
    const sourceOf = async (options: SplitModelOptions) => {
      const { manifest } = await splitModel(path, join(tmp, `run-${runs++}`), {
        thumbnails: null,
        ...options,
      });
      return manifest.source;
    };
    // At the byte level, and through a Document (region names): the segmenter's words.
    expect(await sourceOf({ segmentation })).toMatchObject(segmentation);
    expect(await sourceOf({ segmentation, naming: { template: '{region}' } })).toMatchObject(segmentation);
    // A split that cuts the segmenter's parts again records what it cut them by.
    const own = await sourceOf({ segmentation, strategy: 'components' });
    expect(own.strategy).toBe('components');
    expect(own.reason).not.toBe(segmentation.reason);
  });

  it('declines label strategies, merging, region names and WebP, which need the Document', async () => {
    const path = join(FIXTURES, 'generated', 'fragments.glb');
    const declined = async (options: SplitModelOptions) => {
      const plan = await fastPlanOf(path, options);
      return plan && 'declined' in plan ? plan.declined : null;
    };
    expect(await declined({ strategy: 'components' })).toBe('the components strategy');
    expect(await declined({ granularity: { minPartArea: 0.01 } })).toBe('merging asked for');
    expect(await declined({ naming: { template: '{region}' } })).toBe('names from regions or colours');
    expect(await declined({ textureFormat: 'webp' })).toBe('WebP textures asked for');
    expect(await declined({ limits: { maxParts: 3 } })).toBe('over the part limit');
    expect(await difference(path, { thumbnails: null, limits: { maxParts: 3 } })).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Hand-made layouts

const NAMES = [
  '',
  'geometry_0',
  'Object_3',
  'wheel',
  'Wheel',
  'mesh_2',
  'barrel_1.obj',
  'a/b?c',
  'héllo wörld',
  'Material.001',
  'lambert1',
  'door',
];

/** `n` random unit vectors (xyz), as glTF requires of normals. */
function unitVectors(n: number, rand: () => number): Float32Array {
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const v = [rand() - 0.5, rand() - 0.5, rand() + 0.1];
    const length = Math.hypot(v[0]!, v[1]!, v[2]!);
    out.set(
      v.map((x) => x / length),
      i * 3,
    );
  }
  return out;
}

interface Attribute {
  semantic: string;
  array: Float32Array | Uint8Array;
  type: string;
  componentType: number;
  normalized?: boolean;
}

/**
 * A random model of the node layout: meshes of one or two primitives (positions, maybe normals, UVs
 * and a 3-byte custom attribute; packed or interleaved; 8-, 16- or 32-bit indices or none), materials
 * with random values (explicit defaults included), nodes in a random hierarchy with TRS or a matrix,
 * names from NAMES, meshes shared between nodes.
 */
function randomModel(rand: () => number): Uint8Array {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const arrays: ArrayBufferView[] = [];
  const pending: Array<{ view: Record<string, unknown>; array: number }> = [];
  const accessors: Record<string, unknown>[] = [];
  const addView = (bytes: ArrayBufferView, view: Record<string, unknown>): number => {
    arrays.push(bytes);
    pending.push({ view: { buffer: 0, byteLength: bytes.byteLength, ...view }, array: arrays.length - 1 });
    return pending.length - 1;
  };
  const materials = Array.from({ length: Math.floor(rand() * 4) }, () => {
    const material: Record<string, unknown> = {};
    if (rand() < 0.7) material.name = pick(NAMES);
    const pbr: Record<string, unknown> = {};
    if (rand() < 0.5) pbr.baseColorFactor = [rand(), rand(), rand(), rand() < 0.5 ? 1 : rand()];
    if (rand() < 0.3) pbr.metallicFactor = rand() < 0.5 ? 1 : rand();
    if (rand() < 0.3) pbr.roughnessFactor = rand() < 0.5 ? 1 : rand();
    if (rand() < 0.7) material.pbrMetallicRoughness = pbr;
    if (rand() < 0.3) material.alphaMode = pick(['OPAQUE', 'MASK', 'BLEND']);
    if (rand() < 0.2) material.alphaCutoff = rand();
    if (rand() < 0.3) material.doubleSided = rand() < 0.5;
    if (rand() < 0.2) material.emissiveFactor = [rand(), 0, 0];
    if (rand() < 0.2) material.extras = { note: pick(NAMES) };
    if (rand() < 0.1) material.extensions = {};
    return material;
  });
  const meshes = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => {
    const primitives = Array.from({ length: 1 + Math.floor(rand() * 2) }, () => {
      const n = 3 + Math.floor(rand() * 10);
      const attributes: Attribute[] = [
        {
          semantic: 'POSITION',
          array: Float32Array.from({ length: n * 3 }, () => rand() * 4 - 2),
          type: 'VEC3',
          componentType: 5126,
        },
      ];
      if (rand() < 0.6)
        attributes.push({
          semantic: 'NORMAL',
          array: unitVectors(n, rand),
          type: 'VEC3',
          componentType: 5126,
        });
      if (rand() < 0.5)
        attributes.push({
          semantic: 'TEXCOORD_0',
          array: Float32Array.from({ length: n * 2 }, rand),
          type: 'VEC2',
          componentType: 5126,
        });
      if (rand() < 0.4)
        attributes.push({
          semantic: '_TAG',
          array: Uint8Array.from({ length: n * 3 }, () => Math.floor(rand() * 256)),
          type: 'VEC3',
          componentType: 5121,
          normalized: rand() < 0.5,
        });
      const def: Record<string, unknown> = { attributes: {} };
      if (rand() < 0.5) {
        // Interleaved: each element padded to 4 bytes, one buffer view with a stride.
        const sizes = attributes.map((a) => a.array.BYTES_PER_ELEMENT * (a.type === 'VEC2' ? 2 : 3));
        const slots = sizes.map((size) => (size + 3) & ~3);
        const stride = slots.reduce((sum, size) => sum + size, 0);
        const bytes = new Uint8Array(stride * n);
        let offset = 0;
        const view = addView(bytes, { byteStride: stride, target: 34962 });
        for (const [k, attribute] of attributes.entries()) {
          const source = new Uint8Array(attribute.array.buffer);
          for (let i = 0; i < n; i++)
            bytes.set(source.subarray(i * sizes[k]!, (i + 1) * sizes[k]!), i * stride + offset);
          accessors.push({
            bufferView: view,
            byteOffset: offset,
            componentType: attribute.componentType,
            count: n,
            type: attribute.type,
            ...(attribute.normalized ? { normalized: true } : {}),
          });
          (def.attributes as Record<string, number>)[attribute.semantic] = accessors.length - 1;
          offset += slots[k]!;
        }
      } else {
        for (const attribute of attributes) {
          const stride = attribute.componentType === 5121 ? 4 : undefined;
          let bytes: Uint8Array | Float32Array = attribute.array;
          if (stride) {
            bytes = new Uint8Array(n * 4);
            for (let i = 0; i < n; i++) bytes.set(attribute.array.subarray(i * 3, i * 3 + 3), i * 4);
          }
          const view = addView(bytes, { target: 34962, ...(stride ? { byteStride: stride } : {}) });
          accessors.push({
            bufferView: view,
            componentType: attribute.componentType,
            count: n,
            type: attribute.type,
            ...(attribute.normalized ? { normalized: true } : {}),
          });
          (def.attributes as Record<string, number>)[attribute.semantic] = accessors.length - 1;
        }
      }
      if (rand() < 0.7) {
        const count = 3 * (1 + Math.floor(rand() * 8));
        const Type = pick([Uint8Array, Uint16Array, Uint32Array]);
        const indices = new Type(count);
        for (let i = 0; i < count; i++) indices[i] = Math.floor(rand() * n);
        const view = addView(indices, { target: 34963 });
        accessors.push({
          bufferView: view,
          componentType: { 1: 5121, 2: 5123, 4: 5125 }[Type.BYTES_PER_ELEMENT],
          count,
          type: 'SCALAR',
        });
        def.indices = accessors.length - 1;
      }
      if (materials.length > 0 && rand() < 0.8) def.material = Math.floor(rand() * materials.length);
      if (rand() < 0.15) def.mode = pick([0, 1, 5, 6]);
      if (rand() < 0.1) def.extras = { primitive: 1 };
      return def;
    });
    return {
      ...(rand() < 0.7 ? { name: pick(NAMES) } : {}),
      primitives,
      ...(rand() < 0.1 ? { extras: { mesh: true } } : {}),
    };
  });
  const nodeCount = 2 + Math.floor(rand() * 7);
  const nodes = Array.from({ length: nodeCount }, () => {
    const node: Record<string, unknown> = {};
    if (rand() < 0.8) node.name = pick(NAMES);
    if (rand() < 0.85) node.mesh = Math.floor(rand() * meshes.length);
    const t: vec3 = [rand() * 4 - 2, rand() * 4 - 2, rand() * 4 - 2];
    const axis = [rand() - 0.5, rand() - 0.5, rand() - 0.5];
    const angle = rand() * Math.PI;
    const length = Math.hypot(axis[0]!, axis[1]!, axis[2]!) || 1;
    const s = Math.sin(angle / 2) / length;
    const r: vec4 = [axis[0]! * s, axis[1]! * s, axis[2]! * s, Math.cos(angle / 2)];
    const scale: vec3 = [0.5 + rand(), rand() < 0.2 ? -1 : 0.5 + rand(), 0.5 + rand()];
    const form = rand();
    if (form < 0.25) node.matrix = MathUtils.compose(t, r, scale, [] as unknown as mat4);
    else if (form < 0.5) node.translation = t;
    else if (form < 0.8) Object.assign(node, { translation: t, rotation: r, scale });
    if (rand() < 0.15) node.extras = { tag: pick(NAMES) };
    return node;
  });
  const roots: number[] = [];
  for (let i = 0; i < nodeCount; i++) {
    if (i === 0 || rand() < 0.4) roots.push(i);
    else {
      const parent = nodes[Math.floor(rand() * i)]!;
      parent.children = [...((parent.children as number[] | undefined) ?? []), i];
    }
  }
  const { bin, offsets } = binOf(arrays);
  const bufferViews = pending.map(({ view, array }) => ({ ...view, byteOffset: offsets[array]! }));
  const json: Record<string, unknown> = {
    asset: { version: '2.0', ...(rand() < 0.3 ? { copyright: 'CC-BY someone' } : {}) },
    scene: 0,
    scenes: [{ nodes: roots }],
    nodes,
    meshes,
    accessors,
    bufferViews,
    ...(materials.length > 0 ? { materials } : {}),
    ...(rand() < 0.2 ? { extras: { author: 'fuzz' } } : {}),
  };
  return glbBytes(json, bin);
}

describe('hand-made layouts', () => {
  it('a seeded fuzz: random node layouts split the same both ways, most of them at the byte level', async () => {
    let fast = 0;
    let read = 0;
    const cases = 60;
    for (let seed = 1; seed <= cases; seed++) {
      const rand = createRandom(seed);
      const glb = randomModel(rand);
      const options: SplitModelOptions = {
        // Some with thumbnails: the whole model's stream over odd layouts (interleaved, strided).
        thumbnails: seed % 4 === 1 ? 48 : null,
        pivot: (['original', 'center', 'bottom'] as const)[seed % 3]!,
        instances: seed % 4 === 0 ? 'separate' : 'shared',
      };
      const plan = await fastPlanOf(glb, options).catch(() => null);
      if (plan && 'plan' in plan) fast++;
      const why = await difference(glb, options);
      expect(why, `seed ${seed}`).toBeNull();
      // The same layout cut by components: left to the Document path, read at the byte level.
      if (seed % 3 === 0) {
        if (await readsAtByteLevel(glb)) read++;
        expect(await difference(glb, { ...options, strategy: 'components' }), `seed ${seed}`).toBeNull();
      }
    }
    expect(fast).toBeGreaterThan(cases / 2);
    expect(read).toBeGreaterThan(cases / 6);
  });

  it('a model file cut short after its parts, before the whole model is drawn: a ModelReadError, no pack', async () => {
    let seed = 1;
    let glb = randomModel(createRandom(seed));
    let plan = await fastPlanOf(glb, {});
    while (!plan || !('plan' in plan) || plan.plan.parts.length < 2) {
      glb = randomModel(createRandom(++seed));
      plan = await fastPlanOf(glb, {});
    }
    const parts = plan.plan.parts.length;
    const path = join(tmp, 'cut-short.glb');
    await writeFile(path, glb);
    const dir = join(tmp, 'cut-short');
    let written = 0;
    // Each part's debug line comes as it is made; after the last, only the whole model reads the file.
    const logger = {
      debug: (line: string) => {
        if (line.startsWith('byte-level split: ') && ++written === parts) truncateSync(path, 100);
      },
      info: () => {},
      warn: () => {},
      error: () => {},
    } as unknown as ILogger;
    const sourceFile = { file: 'cut-short.glb', byteLength: glb.byteLength, sha256: '0'.repeat(64) };
    const failed = await splitModel(path, dir, { thumbnails: 32, logger, sourceFile }).catch((e: Error) => e);
    expect(written, `seed ${seed}`).toBe(parts);
    expect(failed).toBeInstanceOf(ModelReadError);
    expect((failed as Error).message).toMatch(/cut-short\.glb: it ended at \d+ of \d+ bytes/);
    expect(existsSync(dir)).toBe(false);
  });

  it('data that is not aligned in memory (a GLB inside a larger buffer) is copied, not viewed: the same files', async () => {
    const glb = randomModel(createRandom(7));
    const shifted = new Uint8Array(glb.byteLength + 3);
    shifted.set(glb, 3);
    const input = shifted.subarray(3);
    const plan = await fastPlanOf(input, { thumbnails: null });
    expect(plan && 'plan' in plan).toBe(true);
    expect(await difference(input, { thumbnails: null })).toBeNull();
  });

  it('parts with interleaved 3-byte attributes are valid glTF (the Khronos validator)', async () => {
    let checked = 0;
    for (let seed = 100; seed < 140 && checked < 5; seed++) {
      const glb = randomModel(createRandom(seed));
      const text = new TextDecoder().decode(
        glb.subarray(20, 20 + new DataView(glb.buffer).getUint32(12, true)),
      );
      if (!text.includes('"_TAG"') || !text.includes('"byteStride"')) continue;
      const plan = await fastPlanOf(glb, { thumbnails: null });
      if (!plan || !('plan' in plan)) continue;
      const dir = join(tmp, `valid-${seed}`);
      const { manifest } = await splitModel(glb, dir, { thumbnails: null });
      for (const part of manifest.parts) {
        const report = await validateGLB(await readFile(join(dir, ...part.file.split('/'))));
        expect(report.errorMessages, `seed ${seed} ${part.file}`).toEqual([]);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('a node name that is not text is left to the Document path', async () => {
    const { bin, offsets } = binOf([new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0])]);
    const json = {
      asset: { version: '2.0' },
      scenes: [{ nodes: [0, 1] }],
      nodes: [
        { name: 5, mesh: 0 },
        { mesh: 0, translation: [2, 0, 0] },
      ],
      meshes: [{ primitives: [{ attributes: { POSITION: 0 } }] }],
      accessors: [{ bufferView: 0, componentType: 5126, count: 3, type: 'VEC3' }],
      bufferViews: [{ buffer: 0, byteOffset: offsets[0], byteLength: 36 }],
    };
    const glb = glbBytes(json, bin);
    const plan = await fastPlanOf(glb, { thumbnails: null });
    expect(plan && 'declined' in plan && plan.declined).toBe('a node name that is not text');
    expect(await difference(glb, { thumbnails: null })).toBeNull();
  });
});

describe('hostile values on the byte-level path', () => {
  /** Two triangle nodes drawing one mesh with the given positions and indices. */
  const twoTriangles = (positions: Float32Array, indices: Uint16Array) =>
    indexedMeshGlb(positions, indices, ['a', 'b']);

  it('an index past the vertices is refused as the Document path refuses it (nothing written)', async () => {
    const glb = twoTriangles(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]), new Uint16Array([0, 1, 3]));
    const plan = await fastPlanOf(glb, { thumbnails: null });
    expect(plan && 'declined' in plan && plan.declined).toBe('an index past its vertices');
    const dir = join(tmp, 'hostile-index');
    await expect(splitModel(glb, dir, { thumbnails: null })).rejects.toThrow(
      /has index 3 at 2, past its 3 vertices/,
    );
    await expect(readdir(dir)).rejects.toThrow();
  });

  it('a non-finite position is refused as the Document path refuses it', async () => {
    const glb = twoTriangles(
      new Float32Array([0, 0, 0, Number.NaN, 0, 0, 0, 1, 0]),
      new Uint16Array([0, 1, 2]),
    );
    const plan = await fastPlanOf(glb, { thumbnails: null });
    expect(plan && 'declined' in plan && plan.declined).toBe('a non-finite position');
    await expect(splitModel(glb, join(tmp, 'hostile-nan'), { thumbnails: null })).rejects.toThrow(
      /non-finite vertex position/,
    );
  });

  it('an accessor past its buffer view is refused before either path copies a byte', async () => {
    const good = twoTriangles(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]), new Uint16Array([0, 1, 2]));
    const text = new TextDecoder().decode(
      good.subarray(20, 20 + new DataView(good.buffer).getUint32(12, true)),
    );
    const json = JSON.parse(text);
    json.accessors[0].count = 300;
    const glb = glbBytes(json, good.subarray(20 + new DataView(good.buffer).getUint32(12, true) + 8));
    await expect(splitModel(glb, join(tmp, 'hostile-count'), { thumbnails: null })).rejects.toThrow(
      /accessors\[0\]/,
    );
  });
});
