import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModel } from '../packages/split/src/index.js';
import { buildGlb, parseGlb } from './helpers/glb-mutations.js';
import { FIXTURES } from './helpers/paths.js';

/**
 * The structural checks @meshparts/split makes before trusting a file (glb-container.ts, preflight.ts,
 * document-values.ts), one hand-made lie at a time: each is refused with a ModelReadError whose one
 * line names the place that lies, while the untouched file reads. The seeded fuzz tests throw hundreds
 * of random lies at the same code; these pin down what the messages say.
 */

type Item = Record<string, unknown>;
/** The parts of a glTF JSON the lies edit. */
interface Gltf {
  nodes: Item[];
  scenes: Item[];
  accessors: Item[];
  bufferViews: Item[];
  buffers: Item[];
  meshes: { primitives: Item[] }[];
}

const FILE = 'TwoCubes.glb';
const original = new Uint8Array(readFileSync(join(FIXTURES, FILE)));

/** TwoCubes.glb with its JSON edited by `edit` (the container stays truthful). */
function edited(edit: (json: Gltf) => void): Uint8Array {
  const { json, bin } = parseGlb(original);
  edit(json as unknown as Gltf);
  return buildGlb(JSON.stringify(json), bin);
}

async function refusal(bytes: Uint8Array): Promise<Error> {
  return readModel(bytes, { name: FILE }).then(
    () => {
      throw new Error('the model was read');
    },
    (error: unknown) => error as Error,
  );
}

describe('structural checks before a model is trusted', () => {
  it('reads the untouched model', async () => {
    const { document } = await readModel(original, { name: FILE });
    expect(document.getRoot().listMeshes()).toHaveLength(2);
  });

  const LIES: [string, (json: Gltf) => void, RegExp][] = [
    [
      'an accessor count past its bufferView',
      (j) => {
        j.accessors[0]!.count = 1e6;
      },
      /accessors\[0\] needs \d+ bytes of bufferViews\[\d+\]/,
    ],
    [
      'a negative accessor offset',
      (j) => {
        j.accessors[1]!.byteOffset = -4;
      },
      /accessors\[1\]\.byteOffset must be a whole number/,
    ],
    [
      'a bufferView past its buffer',
      (j) => {
        j.bufferViews[0]!.byteLength = 1e6;
      },
      /bufferViews\[0\] spans bytes/,
    ],
    [
      'a buffer longer than the BIN chunk',
      (j) => {
        j.buffers[0]!.byteLength = 1e6;
      },
      /buffers\[0\]\.byteLength is 1000000, but the GLB's BIN chunk holds only/,
    ],
    [
      'a mesh that does not exist',
      (j) => {
        j.nodes[0]!.mesh = 99;
      },
      /nodes\[0\]\.mesh refers to meshes\[99\], which does not exist/,
    ],
    [
      'a node that is its own child',
      (j) => {
        j.nodes[0]!.children = [0];
      },
      /nodes\[0\] has more than one parent \(or is its own child\)/,
    ],
    [
      "two nodes that are each other's child",
      (j) => {
        j.nodes[0]!.children = [1];
        j.nodes[1]!.children = [0];
      },
      /nodes\[\d\] (has more than one parent|is its own ancestor)/,
    ],
    [
      'a node with two parents',
      (j) => {
        j.nodes.push({ name: 'a', children: [0] }, { name: 'b', children: [0] });
      },
      /nodes\[0\] has more than one parent/,
    ],
    [
      'a scene root that is a child',
      (j) => {
        j.nodes.push({ name: 'parent', children: [0] });
        j.scenes[0]!.nodes = [...(j.scenes[0]!.nodes as number[]), 0, j.nodes.length - 1].filter(
          (n, i, all) => all.indexOf(n) === i,
        );
      },
      /scenes\[0\]\.nodes lists nodes\[0\], which is not a root|more than one parent/,
    ],
    [
      'attributes of unequal counts',
      (j) => {
        const primitive = j.meshes[0]!.primitives[0]!;
        const attributes = primitive.attributes as Record<string, number>;
        const other = j.meshes[1]!.primitives[0]!.attributes as Record<string, number>;
        j.accessors.push({ ...j.accessors[other.POSITION!]!, count: 3, min: undefined, max: undefined });
        attributes.TEXCOORD_5 = j.accessors.length - 1;
      },
      /attributes\.TEXCOORD_5 has 3 elements where the other attributes have/,
    ],
    [
      'an unknown component type',
      (j) => {
        j.accessors[0]!.componentType = 5130;
      },
      /accessors\[0\]\.componentType is not a glTF component type/,
    ],
    [
      'a byteStride that is not a multiple of 4',
      (j) => {
        j.bufferViews[0]!.byteStride = 6;
      },
      /bufferViews\[0\]\.byteStride must be a multiple of 4/,
    ],
  ];

  for (const [title, lie, message] of LIES) {
    it(`refuses ${title}, naming the place`, async () => {
      const error = await refusal(edited(lie));
      expect(error.name).toBe('ModelReadError');
      expect(error.message).toMatch(message);
      expect(error.message.startsWith(`${FILE} is corrupt: `)).toBe(true);
      expect(error.message).not.toContain('\n');
    });
  }

  it('refuses a GLB whose header length disagrees with the file: truncated or padded', async () => {
    const cut = original.slice(0, original.byteLength - 8);
    expect((await refusal(cut)).message).toMatch(
      /is truncated: its GLB header says \d+ bytes, the file has \d+/,
    );
    const padded = new Uint8Array(original.byteLength + 4);
    padded.set(original);
    expect((await refusal(padded)).message).toMatch(/is corrupt: its GLB header says/);
  });

  it('refuses index values past the vertex count, found after decoding', async () => {
    const { json, bin } = parseGlb(original);
    const j = json as unknown as Gltf;
    const indices = j.accessors[j.meshes[0]!.primitives[0]!.indices as number]!;
    const view = j.bufferViews[indices.bufferView as number]!;
    const at =
      ((view.byteOffset as number | undefined) ?? 0) + ((indices.byteOffset as number | undefined) ?? 0);
    const data = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
    // The largest value of the index type: far past the 24 vertices of a cube.
    if (indices.componentType === 5125) data.setUint32(at, 0xfffffff0, true);
    else if (indices.componentType === 5123) data.setUint16(at, 0xfff0, true);
    else data.setUint8(at, 0xf0);
    const error = await refusal(buildGlb(JSON.stringify(json), bin));
    expect(error.message).toMatch(/primitive 0 has index \d+ at 0, past its \d+ vertices/);
  });

  it('refuses non-finite vertex positions', async () => {
    const { json, bin } = parseGlb(original);
    const j = json as unknown as Gltf;
    const position =
      j.accessors[(j.meshes[0]!.primitives[0]!.attributes as Record<string, number>).POSITION!]!;
    const view = j.bufferViews[position.bufferView as number]!;
    const at =
      ((view.byteOffset as number | undefined) ?? 0) + ((position.byteOffset as number | undefined) ?? 0);
    new DataView(bin.buffer, bin.byteOffset, bin.byteLength).setFloat32(at, Number.NaN, true);
    expect((await refusal(buildGlb(JSON.stringify(json), bin))).message).toMatch(
      /non-finite vertex position/,
    );
  });
});
