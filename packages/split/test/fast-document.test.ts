import { existsSync } from 'node:fs';
import { readFile, rename, truncate, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { type Document, type ILogger, NodeIO } from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import { inspectModel } from '../src/detect/inspect-model.js';
import { ModelReadError } from '../src/errors.js';
import { FileSource } from '../src/fast/byte-source.js';
import { fastDocument, fastDocumentDecline } from '../src/fast/fast-document.js';
import { FastGltf } from '../src/fast/fast-gltf.js';
import { openGlb } from '../src/fast/open-glb.js';
import { onWorker, prefetchAccessors } from '../src/fast/prefetch-accessors.js';
import { readModel } from '../src/read/read-model.js';
import { splitModel } from '../src/split-model.js';
import { binOf, glbBytes, indexedMeshGlb } from './helpers/glb-bytes.js';
import { FIXTURES, listModels, SHARED_MODELS } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

/**
 * The byte-level reader (src/fast/fast-document.ts) against glTF-Transform's: for every GLB it
 * accepts, the Document it builds writes (NodeIO.writeJSON) exactly what the Document glTF-Transform
 * reads writes: the same JSON, the same buffer bytes. The split's files from either Document are
 * compared in fast-split.test.ts.
 */

const tmp = useTempDir('fast-document');
const io = new NodeIO();

/** The Document the byte-level reader builds, or why it declines (null: not a GLB it opens). */
async function readFast(input: string | Uint8Array): Promise<Document | string | null> {
  return withGltf(input, (gltf) => fastDocumentDecline(gltf) ?? fastDocument(gltf));
}

/**
 * `use` on the byte-level reader's view of a GLB (with its open file, when it is one), the file closed
 * afterwards; null when it is not a GLB the byte-level path opens.
 */
async function withGltf<T>(
  input: string | Uint8Array,
  use: (gltf: FastGltf, file: { fd: number; path: string } | undefined) => T | Promise<T>,
): Promise<T | null> {
  const opened = await openGlb(input);
  if (!opened) return null;
  try {
    const file = opened.source instanceof FileSource ? opened.source.file : undefined;
    return await use(new FastGltf(opened.json, opened.source, opened.binOffset), file);
  } finally {
    opened.source.close();
  }
}

/** What a Document writes, as one comparable value. */
async function written(document: Document): Promise<{ json: unknown; resources: Record<string, number[]> }> {
  const { json, resources } = await io.writeJSON(document, { format: 'glb' as never });
  return {
    json,
    resources: Object.fromEntries(Object.entries(resources).map(([uri, bytes]) => [uri, [...bytes]])),
  };
}

const GLBS = [
  ...listModels(FIXTURES),
  ...listModels(join(FIXTURES, 'generated')),
  ...listModels(SHARED_MODELS),
].filter((path) => path.endsWith('.glb'));

describe('the byte-level reader builds the Document glTF-Transform reads', () => {
  it('every GLB it accepts writes the same JSON and bytes as glTF-Transform read it', async () => {
    const accepted: string[] = [];
    const declined = new Map<string, string>();
    for (const path of GLBS) {
      const fast = await readFast(path);
      if (fast === null) continue;
      if (typeof fast === 'string') {
        declined.set(basename(path), fast);
        continue;
      }
      const { document: reference } = await readModel(path);
      expect(isDeepStrictEqual(await written(fast), await written(reference)), path).toBe(true);
      accepted.push(basename(path));
    }
    for (const name of ['labels-part-id.glb', 'components.glb', 'fused-figure.glb', 'trimesh_pins.glb'])
      expect(accepted).toContain(name);
    expect(declined.get('BoxAnimated.glb')).toBe('animations');
    for (const name of ['MultiUVTest.glb', 'NegativeScaleTest.glb', 'MorphPrimitivesTest.glb'])
      if (existsSync(join(SHARED_MODELS, name))) expect(accepted).toContain(name);
    expect(declined.get('skinned-morph-part-id.glb')).toBe('skins');
    expect(declined.get('Box_Draco.glb')).toBe('glTF extensions');
  });

  it('interleaved, odd-stride and normalized data, matrices, weights, morph targets, textures and cameras read the same', async () => {
    // Positions and a 3-byte normalized attribute interleaved in 16-byte rows; a morph target.
    const rows = new Uint8Array(16 * 3);
    const view = new DataView(rows.buffer);
    const points = [0, 0, 0, 1, 0, 0, 0, 1, 0];
    for (let v = 0; v < 3; v++) {
      for (let c = 0; c < 3; c++) view.setFloat32(16 * v + 4 * c, points[3 * v + c]!, true);
      for (let c = 0; c < 3; c++) rows[16 * v + 12 + c] = 40 * v + c;
    }
    const image = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3]);
    const { bin, offsets } = binOf([
      rows,
      new Float32Array([0, 0, 1, 0, 0, 1, 0, 0, 1]),
      new Uint8Array([0, 2, 1]),
      image,
    ]);
    const json = {
      asset: { version: '2.0', copyright: 'test', extras: { a: 1 } },
      extras: { root: true },
      scene: 0,
      scenes: [{ name: 'S', nodes: [0], extras: { s: 1 } }],
      nodes: [
        { name: 'parent', children: [1], matrix: [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 1, 2, 3, 1] },
        { name: 'child', mesh: 0, weights: [0.5], rotation: [0, 0, 0.6, 0.8], camera: 0 },
      ],
      meshes: [
        {
          name: 'm',
          weights: [0.25],
          extras: { targetNames: ['up'] },
          primitives: [
            {
              attributes: { POSITION: 0, _TAG: 1 },
              indices: 3,
              targets: [{ POSITION: 2 }],
              material: 0,
              extras: { p: 2 },
            },
          ],
        },
      ],
      materials: [
        {
          name: 'mat',
          doubleSided: true,
          alphaMode: 'MASK',
          alphaCutoff: 0.25,
          emissiveFactor: [0.1, 0.2, 0.3],
          pbrMetallicRoughness: {
            baseColorFactor: [1, 0, 0, 1],
            metallicFactor: 0,
            roughnessFactor: 0.5,
            baseColorTexture: { index: 0, texCoord: 1, extras: { t: 1 } },
          },
          normalTexture: { index: 1, scale: 0.5 },
          occlusionTexture: { index: 0, strength: 0.25 },
        },
      ],
      accessors: [
        { bufferView: 0, componentType: 5126, count: 3, type: 'VEC3', min: [0, 0, 0], max: [1, 1, 0] },
        { bufferView: 0, byteOffset: 12, componentType: 5121, normalized: true, count: 3, type: 'VEC3' },
        { bufferView: 1, componentType: 5126, count: 3, type: 'VEC3', name: 'target' },
        { bufferView: 2, componentType: 5121, count: 3, type: 'SCALAR' },
      ],
      bufferViews: [
        { buffer: 0, byteOffset: offsets[0], byteLength: 48, byteStride: 16 },
        { buffer: 0, byteOffset: offsets[1], byteLength: 36 },
        { buffer: 0, byteOffset: offsets[2], byteLength: 3 },
        { buffer: 0, byteOffset: offsets[3], byteLength: image.byteLength },
      ],
      buffers: [{ byteLength: bin.byteLength, name: 'bin', extras: { b: 1 } }],
      images: [{ bufferView: 3, mimeType: 'image/png', name: 'img', extras: { i: 1 } }],
      textures: [{ source: 0, sampler: 0 }, { source: 0 }],
      samplers: [{ magFilter: 9728, minFilter: 9987, wrapS: 33648, wrapT: 33071 }],
      cameras: [
        {
          type: 'perspective',
          name: 'eye',
          perspective: { yfov: 1, znear: 0.1, zfar: 50, aspectRatio: 1.5 },
        },
        { type: 'orthographic', orthographic: { xmag: 1, ymag: 2, znear: 0, zfar: 9 } },
      ],
    };
    const glb = glbBytes(json, bin);
    const fast = await readFast(glb);
    expect(typeof fast).toBe('object');
    const reference = await io.readBinary(glb);
    expect(await written(fast as Document)).toEqual(await written(reference));
  });

  it('declines what glTF-Transform must read: unknown cameras, another glTF version, sparse accessors', async () => {
    const { bin, offsets } = binOf([new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0])]);
    const base = {
      asset: { version: '2.0' },
      scenes: [{ nodes: [0] }],
      nodes: [{ mesh: 0 }],
      meshes: [{ primitives: [{ attributes: { POSITION: 0 } }] }],
      accessors: [{ bufferView: 0, componentType: 5126, count: 3, type: 'VEC3' }],
      bufferViews: [{ buffer: 0, byteOffset: offsets[0], byteLength: 36 }],
    };
    expect(typeof (await readFast(glbBytes(base, bin)))).toBe('object');
    const camera = { ...base, cameras: [{ type: 'fisheye' }] };
    expect(await readFast(glbBytes(camera, bin))).toBe('a camera of no known type');
    expect(await readFast(glbBytes({ ...base, asset: { version: '2.1' } }, bin))).toBe('not glTF 2.0');
    const sparse = {
      ...base,
      accessors: [
        {
          ...base.accessors[0],
          sparse: { count: 1, indices: { bufferView: 0, componentType: 5125 }, values: { bufferView: 0 } },
        },
      ],
    };
    expect(await readFast(glbBytes(sparse, bin))).toBe('a sparse or extended accessor');
  });
});

describe('splitModel reads at the byte level what the byte-level split leaves to the Document path', () => {
  it('a labelled one-mesh model under `auto` and `attribute`: read at the byte level, the same pack', async () => {
    const path = join(FIXTURES, 'generated', 'labels-part-id.glb');
    for (const strategy of ['auto', 'attribute'] as const) {
      const lines: string[] = [];
      const logger: ILogger = {
        debug: (line: string) => lines.push(line),
        info: () => {},
        warn: () => {},
        error: () => {},
      };
      const fast = await splitModel(path, join(tmp, `fast-${strategy}`), {
        strategy,
        thumbnails: null,
        logger,
      });
      expect(lines.some((line) => line.includes('read at the byte level'))).toBe(true);
      const reference = await splitModel(path, join(tmp, `document-${strategy}`), {
        strategy,
        thumbnails: null,
        fastPath: false,
      });
      expect(fast.plan).toEqual(reference.plan);
      expect(fast.manifest.parts.length).toBeGreaterThan(1);
      for (const part of fast.manifest.parts) {
        const a = await readFile(join(tmp, `fast-${strategy}`, ...part.file.split('/')));
        const b = await readFile(join(tmp, `document-${strategy}`, ...part.file.split('/')));
        expect(a.equals(b), part.file).toBe(true);
      }
    }
  });
});

describe('hostile values read at the byte level', () => {
  /** One triangle mesh node (what `auto` leaves to the Document path). */
  const oneMesh = (positions: Float32Array, indices: Uint16Array) =>
    indexedMeshGlb(positions, indices, ['one']);

  it('an index past the vertices and a non-finite position are refused as glTF-Transform read them', async () => {
    const triangle = new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]);
    const cases = [
      oneMesh(triangle, new Uint16Array([0, 1, 3])),
      oneMesh(new Float32Array([0, 0, 0, 1, Number.NaN, 0, 0, 1, 0]), new Uint16Array([0, 1, 2])),
    ];
    for (const [i, glb] of cases.entries()) {
      expect(typeof (await readFast(glb))).toBe('object');
      const fast = join(tmp, `hostile-fast-${i}`);
      const reference = join(tmp, `hostile-document-${i}`);
      const error = await splitModel(glb, fast, { thumbnails: null }).then(
        () => null,
        (e: Error) => `${e.name}: ${e.message}`,
      );
      const expected = await splitModel(glb, reference, { thumbnails: null, fastPath: false }).then(
        () => null,
        (e: Error) => `${e.name}: ${e.message}`,
      );
      expect(error).toMatch(/corrupt/);
      expect(error).toBe(expected);
      expect(existsSync(fast)).toBe(false);
    }
  });

  it("JSON the reader cannot build a Document of is read by glTF-Transform's reader, which refuses it", async () => {
    const { bin, offsets } = binOf([new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0])]);
    const glb = glbBytes(
      {
        asset: { version: '2.0' },
        scenes: [{ nodes: [0] }],
        nodes: [{ mesh: 0, camera: 0 }],
        cameras: [{ type: 'perspective' }],
        meshes: [{ primitives: [{ attributes: { POSITION: 0 } }] }],
        accessors: [{ bufferView: 0, componentType: 5126, count: 3, type: 'VEC3' }],
        bufferViews: [{ buffer: 0, byteOffset: offsets[0], byteLength: 36 }],
      },
      bin,
    );
    const outcome = (fastPath: boolean) =>
      splitModel(glb, join(tmp, `camera-${fastPath}`), { thumbnails: null, fastPath }).then(
        () => 'split',
        (e: Error) => `${e.name}: ${e.message}`,
      );
    const error = await outcome(true);
    expect(error).toMatch(/^ModelReadError: /);
    expect(error).toBe(await outcome(false));
  });
});

describe('signalling NaNs in interleaved floats', () => {
  /** `nodes` triangle nodes sharing one mesh whose NORMAL, interleaved with POSITION, holds a signalling NaN. */
  function signallingNormals(nodes: number): Uint8Array {
    const rows = new Uint8Array(24 * 3);
    const view = new DataView(rows.buffer);
    const points = [0, 0, 0, 1, 0, 0, 0, 1, 0];
    for (let v = 0; v < 3; v++) {
      for (let c = 0; c < 3; c++) view.setFloat32(24 * v + 4 * c, points[3 * v + c]!, true);
      view.setFloat32(24 * v + 20, 1, true);
    }
    view.setUint32(24 + 12, 0x7f800001, true); // x of the second normal: a signalling NaN
    const { bin, offsets } = binOf([rows]);
    return glbBytes(
      {
        asset: { version: '2.0' },
        scenes: [{ nodes: Array.from({ length: nodes }, (_, i) => i) }],
        nodes: Array.from({ length: nodes }, (_, i) => ({ mesh: 0, translation: [2 * i, 0, 0] })),
        meshes: [{ primitives: [{ attributes: { POSITION: 0, NORMAL: 1 } }] }],
        accessors: [
          { bufferView: 0, componentType: 5126, count: 3, type: 'VEC3' },
          { bufferView: 0, byteOffset: 12, componentType: 5126, count: 3, type: 'VEC3' },
        ],
        bufferViews: [{ buffer: 0, byteOffset: offsets[0], byteLength: 72, byteStride: 24 }],
      },
      bin,
    );
  }

  it("are quieted as glTF-Transform's reader quiets them: the same Document, the same part files", async () => {
    const one = signallingNormals(1);
    const fast = await readFast(one);
    expect(typeof fast).toBe('object');
    const normal = (fast as Document).getRoot().listAccessors()[1]!.getArray()!;
    expect(new Uint32Array(normal.buffer, normal.byteOffset, 9)[3]).toBe(0x7fc00001);
    expect(await written(fast as Document)).toEqual(await written(await io.readBinary(one)));
    // Two nodes: the byte-level split copies the rows into the part files itself.
    for (const [name, glb] of [
      ['one', one],
      ['two', signallingNormals(2)],
    ] as const) {
      const a = await splitModel(glb, join(tmp, `snan-fast-${name}`), {
        thumbnails: null,
        instances: 'separate',
      });
      await splitModel(glb, join(tmp, `snan-document-${name}`), {
        thumbnails: null,
        instances: 'separate',
        fastPath: false,
      });
      for (const part of a.manifest.parts) {
        const x = await readFile(join(tmp, `snan-fast-${name}`, ...part.file.split('/')));
        const y = await readFile(join(tmp, `snan-document-${name}`, ...part.file.split('/')));
        expect(x.equals(y), `${name} ${part.file}`).toBe(true);
      }
    }
  });
});

describe('inspectModel reads at the byte level as splitModel does', () => {
  it('the same report as through glTF-Transform, for every GLB the reader accepts', async () => {
    let compared = 0;
    for (const path of GLBS) {
      const fast = await readFast(path);
      if (fast === null || typeof fast === 'string') continue;
      for (const options of [{}, { strategy: 'components' as const }]) {
        const a = await inspectModel(path, options);
        const b = await inspectModel(path, { ...options, fastPath: false });
        expect(a, path).toEqual(b);
      }
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
    const lines: string[] = [];
    const logger: ILogger = {
      debug: (line) => lines.push(line),
      info: () => {},
      warn: () => {},
      error: () => {},
    };
    await inspectModel(join(FIXTURES, 'generated', 'labels-part-id.glb'), { logger });
    expect(lines).toContain('read at the byte level');
  });
});

describe("the byte-level reader's worker share (prefetch-accessors.ts)", () => {
  /** The Document of `path` with its accessors copied on two threads (any size), and without. */
  async function bothWays(
    path: string,
  ): Promise<{ shared: Document; alone: Document; arrays: number } | null> {
    return withGltf(path, async (gltf, file) => {
      if (fastDocumentDecline(gltf)) return null;
      const prefetched = (await prefetchAccessors(gltf, file!, 0))!;
      return {
        shared: fastDocument(gltf, undefined, prefetched),
        alone: fastDocument(gltf),
        arrays: prefetched.size,
      };
    });
  }

  it('gives the worker the largest accessors, within 60 % of the bytes', () => {
    // labels-2m: indices 24 MB, positions and normals 12.4 MB each, _PART_ID 2 MB.
    expect(onWorker([12.4, 12.4, 2, 24])).toEqual([false, false, true, true]);
    expect(onWorker([10])).toEqual([false]);
    expect(onWorker([5, 5, 5, 5, 5])).toEqual([true, true, true, false, false]);
  });

  it('every GLB the reader accepts, and interleaved floats with a signalling NaN, read the same on two threads', async () => {
    const interleaved = join(tmp, 'prefetch-interleaved.glb');
    const rows = new Uint8Array(20 * 4);
    const view = new DataView(rows.buffer);
    for (let v = 0; v < 4; v++) {
      for (let c = 0; c < 3; c++) view.setFloat32(20 * v + 4 * c, v === c ? 1 : -0.5 * v, true);
      view.setFloat32(20 * v + 12, 0.25 * v, true);
      view.setUint16(20 * v + 16, v, true);
    }
    // x of the third position: a signalling NaN, in the accessor the worker copies (the largest).
    view.setUint32(40, 0x7f800001, true);
    const { bin, offsets } = binOf([rows, new Uint16Array([0, 1, 2, 0, 2, 3])]);
    await writeFile(
      interleaved,
      glbBytes(
        {
          asset: { version: '2.0' },
          scenes: [{ nodes: [0] }],
          nodes: [{ mesh: 0 }],
          meshes: [{ primitives: [{ attributes: { POSITION: 0, _W: 1, _PART_ID: 2 }, indices: 3 }] }],
          accessors: [
            { bufferView: 0, componentType: 5126, count: 4, type: 'VEC3' },
            { bufferView: 0, byteOffset: 12, componentType: 5126, count: 4, type: 'SCALAR' },
            { bufferView: 0, byteOffset: 16, componentType: 5123, count: 4, type: 'SCALAR' },
            { bufferView: 1, componentType: 5123, count: 6, type: 'SCALAR' },
          ],
          bufferViews: [
            { buffer: 0, byteOffset: offsets[0], byteLength: 80, byteStride: 20 },
            { buffer: 0, byteOffset: offsets[1], byteLength: 12 },
          ],
        },
        bin,
      ),
    );
    let compared = 0;
    for (const path of [interleaved, ...GLBS]) {
      const read = await bothWays(path);
      if (!read) continue;
      expect(read.arrays, path).toBe(read.alone.getRoot().listAccessors().length);
      expect(isDeepStrictEqual(await written(read.shared), await written(read.alone)), path).toBe(true);
      compared++;
    }
    const quieted = (await bothWays(interleaved))!.shared.getRoot().listAccessors()[0]!.getArray()!;
    expect(new Uint32Array(quieted.buffer, quieted.byteOffset, 12)[6]).toBe(0x7fc00001);
    expect(compared).toBeGreaterThan(10);
  });

  it('reads the file that was opened, even when another is renamed over its path meanwhile', async () => {
    const path = join(tmp, 'prefetch-replaced.glb');
    const original = await readFile(join(FIXTURES, 'generated', 'labels-part-id.glb'));
    await writeFile(path, original);
    const compared = await withGltf(path, async (gltf, file) => {
      // The same JSON, every byte of the BIN chunk inverted: another model at the same path.
      const replacement = Uint8Array.from(original);
      for (let i = gltf.bin.binOffset; i < replacement.length; i++) replacement[i] = 255 - replacement[i]!;
      await writeFile(`${path}.new`, replacement);
      await rename(`${path}.new`, path);
      const prefetched = (await prefetchAccessors(gltf, file!, 0))!;
      const shared = fastDocument(gltf, undefined, prefetched);
      expect(isDeepStrictEqual(await written(shared), await written(fastDocument(gltf)))).toBe(true);
      expect(isDeepStrictEqual(await written(shared), await written(await io.readBinary(original)))).toBe(
        true,
      );
      return true;
    });
    expect(compared).toBe(true);
  });

  it('a file that shrinks after it was opened is a ModelReadError naming it', async () => {
    const path = join(tmp, 'prefetch-shrinks.glb');
    await writeFile(path, await readFile(join(FIXTURES, 'generated', 'labels-part-id.glb')));
    const failure = await withGltf(path, async (gltf, file) => {
      await truncate(path, gltf.bin.binOffset + 8);
      return prefetchAccessors(gltf, file!, 0).catch((error: unknown) => error);
    });
    expect(failure).toBeInstanceOf(ModelReadError);
    expect((failure as Error).message).toContain(path);
  });

  it('reads nothing for a model under the size where a second thread pays, nor for one accessor', async () => {
    const single = join(tmp, 'prefetch-single.glb');
    await writeFile(single, indexedMeshGlb(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]), null, ['a']));
    for (const [path, minBytes] of [
      [join(FIXTURES, 'generated', 'labels-part-id.glb'), undefined],
      [single, 0],
    ] as const) {
      const prefetched = await withGltf(path, (gltf, file) => prefetchAccessors(gltf, file!, minBytes));
      expect(prefetched, path).toBeUndefined();
    }
    // The same single-accessor model with a second accessor does share.
    expect(onWorker([36, 12])).toEqual([false, true]);
  });
});
