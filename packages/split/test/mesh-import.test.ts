import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeIO } from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import { createWorldMatrices } from '../src/geometry.js';
import {
  inspectModel,
  listMeshNodes,
  ModelLimitError,
  ModelReadError,
  readModel,
  selectScene,
} from '../src/index.js';
import { weldVertices } from '../src/read/weld-vertices.js';
import { splitModel } from '../src/split-model.js';
import {
  compareSoups,
  nodeTriangles,
  packTriangles,
  validateGLB,
  worldTriangles,
} from './helpers/gltf-checks.js';
import { FIXTURES } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

/**
 * Wavefront OBJ and STL read offline (read/mesh-import.ts): written here from real models' world
 * triangles, split, and compared with the source's geometry; every part file through the Khronos
 * validator; hostile files refused with a ModelReadError or ModelLimitError before anything is written.
 */

const dir = useTempDir('mesh-import');
const io = new NodeIO();

/** An OBJ of a document's mesh nodes: `o <node name>` each, `usemtl <material>` per primitive, world positions. */
async function objOf(model: string): Promise<string> {
  const { document } = await readModel(join(FIXTURES, model));
  const worldOf = createWorldMatrices();
  const lines: string[] = [];
  let next = 1;
  for (const node of listMeshNodes(selectScene(document).scene)) {
    lines.push(`o ${node.getName()}`);
    for (const primitive of node.getMesh()!.listPrimitives()) {
      lines.push(`usemtl ${primitive.getMaterial()?.getName() || 'default'}`);
      const soup = nodeTriangles(node, worldOf, [primitive]);
      for (let i = 0; i < soup.length; i += 3) lines.push(`v ${soup[i]} ${soup[i + 1]} ${soup[i + 2]}`);
      for (let t = 0; t < soup.length / 9; t++)
        lines.push(`f ${next + 3 * t} ${next + 3 * t + 1} ${next + 3 * t + 2}`);
      next += soup.length / 3;
    }
  }
  return `# written from ${model}\n${lines.join('\n')}\n`;
}

/** A binary STL of world triangles; with `colors`, one 15-bit colour per triangle and a COLOR= header. */
function binaryStl(soup: Float64Array, colors?: (triangle: number) => [number, number, number]): Uint8Array {
  const triangles = soup.length / 9;
  const bytes = new Uint8Array(84 + 50 * triangles);
  const view = new DataView(bytes.buffer);
  if (colors) bytes.set(new TextEncoder().encode('COLOR=\xff\xff\xff\xff'), 0);
  view.setUint32(80, triangles, true);
  for (let t = 0; t < triangles; t++) {
    const at = 84 + 50 * t;
    for (let k = 0; k < 9; k++) view.setFloat32(at + 12 + 4 * k, soup[9 * t + k]!, true);
    if (colors) {
      const [r, g, b] = colors(t);
      view.setUint16(at + 48, r | (g << 5) | (b << 10), true);
    }
  }
  return bytes;
}

/** An ASCII STL with one `solid` per entry. */
function asciiStl(solids: [string, Float64Array][]): string {
  return solids
    .map(([name, soup]) => {
      const facets: string[] = [];
      for (let t = 0; t < soup.length / 9; t++) {
        const vertex = (j: number) =>
          `      vertex ${soup[9 * t + 3 * j]} ${soup[9 * t + 3 * j + 1]} ${soup[9 * t + 3 * j + 2]}`;
        facets.push(
          `  facet normal 0 0 0\n    outer loop\n${[0, 1, 2].map(vertex).join('\n')}\n    endloop\n  endfacet`,
        );
      }
      return `solid ${name}\n${facets.join('\n')}\nendsolid ${name}`;
    })
    .join('\n');
}

async function expectValidParts(out: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const report = await validateGLB(await readFile(join(out, 'parts', `${name}.glb`)));
    expect(report.errorMessages, name).toEqual([]);
  }
}

describe('OBJ', () => {
  it("splits by its objects, with the source's geometry and its usemtl names as materials", async () => {
    const path = join(dir, 'milk truck.obj');
    await writeFile(path, await objOf('CesiumMilkTruck.glb'));
    const { document: source } = await readModel(join(FIXTURES, 'CesiumMilkTruck.glb'));
    const out = join(dir, 'truck');
    const { manifest } = await splitModel(path, out, { thumbnails: null, gallery: false });
    expect(manifest.source.file).toBe('milk truck.obj');
    expect(manifest.parts.map((part) => part.sourceName).sort()).toEqual(
      listMeshNodes(selectScene(source).scene)
        .map((node) => node.getName())
        .sort(),
    );
    expect(compareSoups(await packTriangles(out, manifest), worldTriangles(source))).toBeNull();
    await expectValidParts(
      out,
      manifest.parts.map((part) => part.name),
    );
    // Welded: fewer vertices than three per triangle, and the material names of the usemtl lines.
    const truck = manifest.parts.find((part) => part.sourceName === 'Cesium_Milk_Truck')!;
    expect(truck.vertices).toBeLessThan(truck.triangles * 3);
    const part = await io.read(join(out, truck.file));
    const materials = part
      .getRoot()
      .listMaterials()
      .map((material) => material.getName());
    expect(materials.sort()).toEqual(
      source
        .getRoot()
        .listMeshes()
        .find((mesh) => mesh.getName() === 'Cesium_Milk_Truck')!
        .listPrimitives()
        .map((primitive) => primitive.getMaterial()!.getName())
        .sort(),
    );
  });

  it('keeps the normals its vn lines give, and makes up none: without vn its triangles weld', async () => {
    const corners = 'v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\n';
    const faces = 'f 1 2 3\nf 1 3 4\nf 1 4 2\n';
    await writeFile(join(dir, 'bare.obj'), `${corners}${faces}`);
    const bare = (await readModel(join(dir, 'bare.obj'))).document
      .getRoot()
      .listMeshes()[0]!
      .listPrimitives()[0]!;
    expect(bare.getAttribute('NORMAL')).toBeNull();
    expect(bare.getAttribute('POSITION')!.getCount()).toBe(4);
    await writeFile(join(dir, 'normals.obj'), `${corners}vn 0 0 1\n${faces.replace(/(\d) ?/g, '$1//1 ')}`);
    const lit = (await readModel(join(dir, 'normals.obj'))).document
      .getRoot()
      .listMeshes()[0]!
      .listPrimitives()[0]!;
    expect(lit.getAttribute('NORMAL')!.getElement(0, [] as number[])).toEqual([0, 0, 1]);
    expect(lit.getAttribute('POSITION')!.getCount()).toBe(4);
  });

  it('is refused when it holds no triangles, or is not text', async () => {
    const lines = join(dir, 'lines.obj');
    await writeFile(lines, 'v 0 0 0\nv 1 0 0\nv 0 1 0\nl 1 2 3\n');
    await expect(readModel(lines)).rejects.toThrow(/lines\.obj holds no triangles/);
    const binary = join(dir, 'binary.obj');
    await writeFile(binary, new Uint8Array([0xff, 0xfe, 0x00, 0x41, 0x80]));
    await expect(readModel(binary)).rejects.toBeInstanceOf(ModelReadError);
    await expect(readModel(binary)).rejects.toThrow(/binary\.obj is not an OBJ file/);
  });
});

describe('STL', () => {
  it('reads a binary STL as one welded mesh, which --strategy components cuts as the GLB is cut', async () => {
    const { document: source } = await readModel(join(FIXTURES, 'PartCrafter_sword.glb'));
    const soup = worldTriangles(source);
    const path = join(dir, 'sword.stl');
    await writeFile(path, binaryStl(soup));
    const { document } = await readModel(path);
    const [primitive] = document.getRoot().listMeshes()[0]!.listPrimitives();
    // No NORMAL (glTF viewers shade flat, as an STL's facets are), and welded into one surface.
    expect(primitive!.getAttribute('NORMAL')).toBeNull();
    expect(primitive!.getAttribute('POSITION')!.getCount()).toBeLessThan(soup.length / 3 / 2);
    const expected = await inspectModel(join(FIXTURES, 'PartCrafter_sword.glb'), { strategy: 'components' });
    const out = join(dir, 'sword');
    const { manifest } = await splitModel(path, out, {
      strategy: 'components',
      thumbnails: null,
      gallery: false,
    });
    expect(manifest.parts).toHaveLength(expected.parts.length);
    expect(manifest.parts.length).toBeGreaterThan(1);
    expect(compareSoups(await packTriangles(out, manifest), soup)).toBeNull();
    await expectValidParts(
      out,
      manifest.parts.map((part) => part.name),
    );
  });

  it("keeps a binary STL's facet colours as vertex colours (linear), which --strategy colors cuts by", async () => {
    const { document: source } = await readModel(join(FIXTURES, 'TwoCubes.glb'));
    const soup = worldTriangles(source);
    const half = soup.length / 9 / 2;
    const path = join(dir, 'coloured.stl');
    await writeFile(
      path,
      binaryStl(soup, (t) => (t < half ? [31, 0, 0] : [0, 0, 31])),
    );
    const { document } = await readModel(path);
    const color = document.getRoot().listMeshes()[0]!.listPrimitives()[0]!.getAttribute('COLOR_0')!;
    const values = new Set<string>();
    for (let i = 0; i < color.getCount(); i++)
      values.add(
        color
          .getElement(i, [] as number[])
          .map((v) => v.toFixed(3))
          .join(),
      );
    expect([...values].sort()).toEqual(['0.000,0.000,1.000', '1.000,0.000,0.000']);
    const { manifest } = await splitModel(path, join(dir, 'coloured'), {
      strategy: 'colors',
      thumbnails: null,
      gallery: false,
    });
    expect(manifest.parts).toHaveLength(2);
  });

  it('makes each solid of an ASCII STL a part named after it', async () => {
    const { document: source } = await readModel(join(FIXTURES, 'TwoCubes.glb'));
    const worldOf = createWorldMatrices();
    const [a, b] = listMeshNodes(selectScene(source).scene).map((node) => nodeTriangles(node, worldOf));
    const path = join(dir, 'solids.stl');
    await writeFile(
      path,
      asciiStl([
        ['handle', a!],
        ['blade', b!],
      ]),
    );
    const out = join(dir, 'solids');
    const { manifest } = await splitModel(path, out, { thumbnails: null, gallery: false });
    expect(manifest.parts.map((part) => part.name)).toEqual(['handle', 'blade']);
    expect(compareSoups(await packTriangles(out, manifest), worldTriangles(source))).toBeNull();
    await expectValidParts(out, ['handle', 'blade']);
    // {model} is the file's name without its extension, .stl as .glb.
    const named = await splitModel(path, join(dir, 'solids-named'), {
      thumbnails: null,
      gallery: false,
      naming: { template: '{model}_{name}' },
    });
    expect(named.manifest.parts.map((part) => part.name)).toEqual(['solids_handle', 'solids_blade']);
  });

  it('refuses a binary STL whose size does not match its triangle count, before allocating for it', async () => {
    const lying = new Uint8Array(84 + 50);
    new DataView(lying.buffer).setUint32(80, 0xffffffff, true);
    const path = join(dir, 'lying.stl');
    await writeFile(path, lying);
    await expect(readModel(path)).rejects.toBeInstanceOf(ModelReadError);
    await expect(readModel(path)).rejects.toThrow(
      /lying\.stl is not an STL file: as binary STL it says 4294967295 triangles/,
    );
  });

  it('checks the vertex limit from the triangle count before parsing', async () => {
    const soup = new Float64Array(9 * 10).map((_, i) => i % 7);
    const path = join(dir, 'many.stl');
    await writeFile(path, binaryStl(soup));
    const refused = readModel(path, { limits: { maxVertices: 20 } });
    await expect(refused).rejects.toBeInstanceOf(ModelLimitError);
    await expect(refused).rejects.toThrow(
      /10 triangles \(30 vertices before welding\), over the limit of 20/,
    );
  });

  it('reads a GLB as a GLB whatever its name says', async () => {
    const path = join(dir, 'misnamed.stl');
    await writeFile(path, await readFile(join(FIXTURES, 'TwoCubes.glb')));
    const { document } = await readModel(path);
    expect(
      document
        .getRoot()
        .listNodes()
        .map((node) => node.getName()),
    ).toEqual(['CubeA', 'CubeB']);
  });
});

it('refuses an .obj or .stl over the file size limit before converting it (loadModel checks it first)', async () => {
  const path = join(dir, 'big.stl');
  await writeFile(path, new Uint8Array(100));
  await expect(readModel(path, { limits: { maxFileBytes: 10 } })).rejects.toBeInstanceOf(ModelLimitError);
});

it("holds an .obj's welded vertices to the vertex limit (the converted GLB's preflight)", async () => {
  const path = join(dir, 'cubes.obj');
  await writeFile(path, await objOf('TwoCubes.glb'));
  const refused = readModel(path, { limits: { maxVertices: 10 } });
  await expect(refused).rejects.toBeInstanceOf(ModelLimitError);
  await expect(refused).rejects.toThrow(/cubes\.obj declares 16 vertices, over the limit of 10/);
});

describe('weldVertices', () => {
  it('merges vertices equal in every attribute, in order of first use, and keeps the others apart', () => {
    // Two triangles sharing an edge (0,0,0)-(1,0,0); the second's copy of (1,0,0) has another normal.
    const position = new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, -1, 0]);
    const normal = new Float32Array([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1]);
    const welded = weldVertices([position, normal], [3, 3], 6);
    expect([...welded.indices]).toEqual([0, 1, 2, 3, 0, 4]);
    expect([...welded.attributes[0]!]).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, -1, 0]);
    expect([...welded.attributes[1]!].slice(9, 12)).toEqual([0, 1, 0]);
    // Bitwise: -0 is not 0 (as glTF-Transform's weld).
    expect(weldVertices([new Float32Array([0, 0, 0, -0, 0, 0])], [3], 2).attributes[0]!.length).toBe(6);
  });

  it('welds a large soup in one pass: 300,000 copies of 100,000 vertices', () => {
    const count = 300_000;
    const position = new Float32Array(count * 3);
    for (let v = 0; v < count; v++) position.set([v % 100_000, (v % 100_000) * 2, 1], v * 3);
    const welded = weldVertices([position], [3], count);
    expect(welded.attributes[0]!.length).toBe(300_000);
    expect(welded.indices[100_000]).toBe(0);
    expect(welded.indices[count - 1]).toBe(99_999);
  });
});
