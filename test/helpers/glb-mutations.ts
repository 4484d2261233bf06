import type { Prng } from './prng.js';

/**
 * Hostile variants of a real GLB for the fuzz tests: each mutation takes the bytes of a valid GLB and
 * a seeded PRNG and returns damaged bytes, plus a label that says what was done (printed when a case
 * fails, so it can be reproduced by hand). The mutations follow the ways real files break or lie:
 * cut downloads, flipped bits, container lengths that disagree with the file, JSON indices, counts and
 * offsets out of range, reference cycles, and JSON written to pollute prototypes.
 */

export interface Mutated {
  bytes: Uint8Array;
  label: string;
}

export type Mutation = (glb: Uint8Array, rng: Prng) => Mutated;

const MAGIC = 0x46546c67;
const JSON_CHUNK = 0x4e4f534a;
const BIN_CHUNK = 0x004e4942;

/** A GLB taken apart: the JSON object and the BIN chunk (empty when the file has none). */
export interface GlbParts {
  json: Record<string, unknown>;
  bin: Uint8Array;
}

export function parseGlb(glb: Uint8Array): GlbParts {
  const view = new DataView(glb.buffer, glb.byteOffset, glb.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('not a GLB');
  const jsonLength = view.getUint32(12, true);
  const json = JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + jsonLength))) as Record<
    string,
    unknown
  >;
  let bin = new Uint8Array(0);
  const binStart = 20 + jsonLength;
  if (binStart + 8 <= glb.byteLength && view.getUint32(binStart + 4, true) === BIN_CHUNK) {
    const binLength = view.getUint32(binStart, true);
    bin = glb.slice(binStart + 8, binStart + 8 + binLength);
  }
  return { json, bin };
}

/** Builds a well-formed GLB container (padded chunks, true lengths) around any JSON text and BIN. */
export function buildGlb(jsonText: string, bin: Uint8Array): Uint8Array {
  const jsonBytes = new TextEncoder().encode(jsonText);
  const jsonPadded = Math.ceil(jsonBytes.byteLength / 4) * 4;
  const binPadded = Math.ceil(bin.byteLength / 4) * 4;
  const total = 12 + 8 + jsonPadded + (bin.byteLength > 0 ? 8 + binPadded : 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, 2, true);
  view.setUint32(8, total, true);
  view.setUint32(12, jsonPadded, true);
  view.setUint32(16, JSON_CHUNK, true);
  out.set(jsonBytes, 20);
  out.fill(0x20, 20 + jsonBytes.byteLength, 20 + jsonPadded);
  if (bin.byteLength > 0) {
    const at = 20 + jsonPadded;
    view.setUint32(at, binPadded, true);
    view.setUint32(at + 4, BIN_CHUNK, true);
    out.set(bin, at + 8);
  }
  return out;
}

/** Rebuilds a GLB after `edit` changed its JSON (the container stays truthful). */
function withJson(glb: Uint8Array, edit: (json: Record<string, unknown>) => string): Mutated {
  const { json, bin } = parseGlb(glb);
  const label = edit(json);
  return { bytes: buildGlb(JSON.stringify(json), bin), label };
}

type Item = Record<string, unknown>;
function list(json: Item, key: string): Item[] {
  const value = json[key];
  return Array.isArray(value) ? (value as Item[]) : [];
}

/** Values that lie about sizes and indices: past the end, huge, negative, not integers, not numbers. */
const LIES: readonly unknown[] = [
  1e9,
  2 ** 31,
  2 ** 32 + 4,
  Number.MAX_SAFE_INTEGER,
  -1,
  -4096,
  0.5,
  '12',
  null,
  { x: 1 },
];

function jsonRange(glb: Uint8Array): [number, number] {
  const view = new DataView(glb.buffer, glb.byteOffset, glb.byteLength);
  return [20, 20 + view.getUint32(12, true)];
}

function binRange(glb: Uint8Array): [number, number] | undefined {
  const [, jsonEnd] = jsonRange(glb);
  if (jsonEnd + 8 >= glb.byteLength) return undefined;
  return [jsonEnd + 8, glb.byteLength];
}

function flipBits(glb: Uint8Array, rng: Prng, [start, end]: [number, number], what: string): Mutated {
  const bytes = glb.slice();
  const flips = 1 + rng.int(4);
  const at: string[] = [];
  for (let i = 0; i < flips; i++) {
    const offset = start + rng.int(end - start);
    const bit = rng.int(8);
    bytes[offset]! ^= 1 << bit;
    at.push(`${offset}.${bit}`);
  }
  return { bytes, label: `bit flips in the ${what} chunk at ${at.join(', ')}` };
}

export const MUTATIONS: Record<string, Mutation> = {
  truncate(glb, rng) {
    const length = rng.int(glb.byteLength);
    return { bytes: glb.slice(0, length), label: `truncated to ${length} of ${glb.byteLength} bytes` };
  },
  flipJson(glb, rng) {
    return flipBits(glb, rng, jsonRange(glb), 'JSON');
  },
  flipBin(glb, rng) {
    const range = binRange(glb);
    return range ? flipBits(glb, rng, range, 'BIN') : flipBits(glb, rng, jsonRange(glb), 'JSON');
  },
  lyingTotalLength(glb, rng) {
    const bytes = glb.slice();
    const lie = rng.pick([0, 12, glb.byteLength - 1, glb.byteLength + 1, 2 ** 31, 0xffffffff]);
    new DataView(bytes.buffer).setUint32(8, lie >>> 0, true);
    return { bytes, label: `GLB header length ${lie} (file has ${glb.byteLength})` };
  },
  lyingJsonLength(glb, rng) {
    const bytes = glb.slice();
    const view = new DataView(bytes.buffer);
    const real = view.getUint32(12, true);
    const lie = rng.pick([0, 1, real - 4, real + 4, real + 3, glb.byteLength, 0x7ffffff0, 0xffffffff]);
    view.setUint32(12, lie >>> 0, true);
    return { bytes, label: `JSON chunk length ${lie} (really ${real})` };
  },
  lyingBinLength(glb, rng) {
    const bytes = glb.slice();
    const view = new DataView(bytes.buffer);
    const at = 20 + view.getUint32(12, true);
    if (at + 8 > bytes.byteLength) return MUTATIONS.lyingJsonLength!(glb, rng);
    const real = view.getUint32(at, true);
    const lie = rng.pick([0, 4, real - 4, real + 4, real * 2, 0x7ffffff0, 0xffffffff]);
    view.setUint32(at, lie >>> 0, true);
    return { bytes, label: `BIN chunk length ${lie} (really ${real})` };
  },
  accessorCount(glb, rng) {
    return withJson(glb, (json) => {
      const accessors = list(json, 'accessors');
      const i = rng.int(accessors.length);
      const lie = rng.pick(LIES);
      accessors[i]!.count = lie;
      return `accessors[${i}].count = ${JSON.stringify(lie)}`;
    });
  },
  accessorOffset(glb, rng) {
    return withJson(glb, (json) => {
      const accessors = list(json, 'accessors');
      const i = rng.int(accessors.length);
      const lie = rng.pick(LIES);
      accessors[i]!.byteOffset = lie;
      return `accessors[${i}].byteOffset = ${JSON.stringify(lie)}`;
    });
  },
  bufferViewRange(glb, rng) {
    return withJson(glb, (json) => {
      const views = list(json, 'bufferViews');
      const i = rng.int(views.length);
      const field = rng.pick(['byteOffset', 'byteLength', 'byteStride', 'buffer']);
      const lie = rng.pick(LIES);
      views[i]![field] = lie;
      return `bufferViews[${i}].${field} = ${JSON.stringify(lie)}`;
    });
  },
  bufferByteLength(glb, rng) {
    return withJson(glb, (json) => {
      const buffers = list(json, 'buffers');
      const lie = rng.pick(LIES);
      if (buffers[0]) buffers[0].byteLength = lie;
      return `buffers[0].byteLength = ${JSON.stringify(lie)}`;
    });
  },
  referenceOutOfRange(glb, rng) {
    return withJson(glb, (json) => {
      const targets: [string, string][] = [
        ['nodes', 'mesh'],
        ['nodes', 'skin'],
        ['nodes', 'camera'],
        ['meshes', 'primitives.0.indices'],
        ['meshes', 'primitives.0.material'],
        ['meshes', 'primitives.0.attributes.POSITION'],
        ['accessors', 'bufferView'],
        ['scenes', 'nodes.0'],
        ['materials', 'pbrMetallicRoughness.baseColorTexture.index'],
        ['textures', 'source'],
      ];
      const [key, path] = rng.pick(targets);
      const items = list(json, key);
      if (items.length === 0) {
        json.scene = rng.pick(LIES);
        return `scene = ${JSON.stringify(json.scene)}`;
      }
      const i = rng.int(items.length);
      const lie = rng.pick(LIES);
      setPath(items[i]!, path.split('.'), lie);
      return `${key}[${i}].${path} = ${JSON.stringify(lie)}`;
    });
  },
  indexOutOfRange(glb, rng) {
    const { json, bin } = parseGlb(glb);
    const accessors = list(json, 'accessors');
    const views = list(json, 'bufferViews');
    // Draco-compressed indices have no bufferView, and meshopt ones live in a compressed stream:
    // only plain index data in the BIN chunk is edited.
    const plain = (i: number) => {
      const view = views[accessors[i]?.bufferView as number];
      return view !== undefined && (view.buffer ?? 0) === 0 && view.extensions === undefined;
    };
    const indexAccessors = list(json, 'meshes')
      .flatMap((mesh) => list(mesh, 'primitives'))
      .map((primitive) => primitive.indices)
      .filter((i): i is number => typeof i === 'number' && plain(i));
    if (indexAccessors.length === 0) return MUTATIONS.referenceOutOfRange!(glb, rng);
    const index = rng.pick(indexAccessors);
    const accessor = accessors[index]!;
    const view = views[accessor.bufferView as number]!;
    const start = ((view.byteOffset as number) ?? 0) + ((accessor.byteOffset as number) ?? 0);
    const size = accessor.componentType === 5125 ? 4 : accessor.componentType === 5123 ? 2 : 1;
    const element = rng.int(accessor.count as number);
    const data = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
    const max = size === 4 ? 0xfffffff0 : size === 2 ? 0xfff0 : 0xf0;
    if (size === 4) data.setUint32(start + element * size, max, true);
    else if (size === 2) data.setUint16(start + element * size, max, true);
    else data.setUint8(start + element, max);
    return {
      bytes: buildGlb(JSON.stringify(json), bin),
      label: `accessors[${index}] element ${element} = ${max} (past the vertex count)`,
    };
  },
  nodeCycle(glb, rng) {
    return withJson(glb, (json) => {
      const nodes = list(json, 'nodes');
      const i = rng.int(nodes.length);
      const self = rng.next() < 0.5 || nodes.length === 1;
      if (self) {
        nodes[i]!.children = [...((nodes[i]!.children as number[]) ?? []), i];
        return `nodes[${i}] is its own child`;
      }
      const j = (i + 1 + rng.int(nodes.length - 1)) % nodes.length;
      nodes[i]!.children = [...((nodes[i]!.children as number[]) ?? []), j];
      nodes[j]!.children = [...((nodes[j]!.children as number[]) ?? []), i];
      return `nodes[${i}] and nodes[${j}] are each other's child`;
    });
  },
  notJson(glb, rng) {
    const { bin } = parseGlb(glb);
    const text = rng.pick([
      '',
      '{',
      'null',
      '[]',
      '"glTF"',
      '{"asset":{"version":"2.0"},"meshes":[{"primitives":[{"attributes":{}}]}]',
      '\u0000\u0001\u0002\u0003',
      '{"asset":{"version":"2.0"}}{"asset":{"version":"2.0"}}',
      'x'.repeat(4000),
      `{"asset":{"version":"2.0"},"nodes":${'['.repeat(20000)}${']'.repeat(20000)}}`,
    ]);
    return { bytes: buildGlb(text, bin), label: `JSON chunk ${JSON.stringify(text.slice(0, 40))}` };
  },
  prototypePollution(glb, rng) {
    const { json, bin } = parseGlb(glb);
    const payload = '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}';
    const where = rng.pick(['root', 'node', 'mesh', 'material', 'asset', 'scene']);
    const spliced = spliceExtras(json, where, payload);
    return { bytes: buildGlb(spliced, bin), label: `prototype-pollution keys in ${where} extras` };
  },
  wrongTypes(glb, rng) {
    return withJson(glb, (json) => {
      const key = rng.pick(['nodes', 'meshes', 'accessors', 'materials', 'scenes', 'buffers', 'bufferViews']);
      const lie = rng.pick([{}, 'nodes', 7, null, [null], [[]], [7]]);
      json[key] = lie;
      return `${key} = ${JSON.stringify(lie)}`;
    });
  },
};

function setPath(target: Item, path: string[], value: unknown): void {
  let at: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (typeof next !== 'object' || next === null) at[key] = /^\d+$/.test(path[1] ?? '') ? [] : {};
    at = at[key] as Record<string, unknown>;
  }
  at[path[path.length - 1]!] = value;
}

/**
 * JSON.stringify drops a real `__proto__` key, so the payload is spliced into the text: the JSON the
 * file carries then holds a literal "__proto__" member, as a hostile file would.
 */
function spliceExtras(json: Item, where: string, payload: string): string {
  const marker = '"__meshparts_fuzz__"';
  const holder: Item | undefined =
    where === 'root'
      ? json
      : where === 'asset'
        ? (json.asset as Item)
        : list(json, `${where}${where === 'mesh' ? 'es' : 's'}`)[0];
  (holder ?? json).extras = marker;
  return JSON.stringify(json).replace(`"extras":${marker}`, `"extras":${payload}`);
}
