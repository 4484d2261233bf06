import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Document } from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import {
  createIO,
  detectParts,
  type Manifest,
  PackReadError,
  PackWriteError,
  readModel,
  reassemble,
  type SplitPart,
  splitParts,
  verifyPack,
  writePack,
} from '../src/index.js';
import { buildSharedMesh } from './helpers/fixture-builders.js';
import { compareSoups, worldTriangles } from './helpers/gltf-checks.js';
import { partDocuments } from './helpers/part-documents.js';
import { manifestSchemaErrors } from './helpers/schema.js';
import { useTempDir } from './helpers/temp.js';

const work = useTempDir('pack');

async function sharedParts(): Promise<{ source: Document; parts: SplitPart[] }> {
  const { document } = await readModel(await (await createIO()).writeBinary(buildSharedMesh()), {
    name: 'shared.glb',
  });
  return { source: document, parts: await partDocuments(document, detectParts(document)) };
}

const SOURCE = {
  file: 'shared.glb',
  byteLength: 1,
  sha256: 'a'.repeat(64),
  strategy: 'nodes' as const,
  reason: 'test',
};
const BOUNDS = { min: [0, 0, 0] as [number, number, number], max: [1, 1, 1] as [number, number, number] };

/** A part whose document cannot be written (an accessor without data): writing fails midway. */
function brokenPart(): SplitPart {
  const document = new Document();
  const accessor = document.createAccessor().setType('VEC3');
  const mesh = document
    .createMesh('broken')
    .addPrimitive(document.createPrimitive().setAttribute('POSITION', accessor));
  document.createScene().addChild(document.createNode('broken').setMesh(mesh));
  return {
    id: 'x',
    name: 'zz_broken',
    sourceName: '',
    parent: null,
    pivot: 'original',
    placements: [{ node: '', nodeIndex: 0, matrix: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] }],
    document,
    vertices: 0,
    triangles: 0,
    materials: 0,
    textures: 0,
    bounds: BOUNDS,
  };
}

describe('writePack', () => {
  it('writes parts and a schema-valid manifest with defaults for segmenter, taskId and generator', async () => {
    const { parts } = await sharedParts();
    const dir = join(work, 'fresh');
    const manifest = await writePack(dir, parts, { source: SOURCE, bounds: BOUNDS });
    expect(manifestSchemaErrors(manifest)).toBeNull();
    expect(manifestSchemaErrors(manifest)).toBeNull();
    expect(manifest.generator).toMatch(/^meshparts@\d+\.\d+\.\d+/);
    expect(manifest.source).toMatchObject({ segmenter: 'none', taskId: null });
    expect(readdirSync(join(dir, 'parts')).sort()).toEqual(['pillar.glb', 'roof.glb']);
    expect(manifest.parts[0]!.placements).toHaveLength(4);
    // Nothing is left beside the pack.
    expect(readdirSync(work).filter((name) => name.includes('.tmp-') || name.includes('.old-'))).toEqual([]);
  });

  it('takes parts lazily, one at a time, with the same result', async () => {
    const { source, parts } = await sharedParts();
    const eager = await writePack(join(work, 'eager'), parts, { source: SOURCE, bounds: BOUNDS });
    expect(manifestSchemaErrors(eager)).toBeNull();
    const made: string[] = [];
    async function* lazily() {
      for await (const part of splitParts(source, detectParts(source), { direct: false })) {
        made.push(part.name);
        yield part;
      }
    }
    const lazy = await writePack(join(work, 'lazy'), lazily(), { source: SOURCE, bounds: BOUNDS });
    expect(manifestSchemaErrors(lazy)).toBeNull();
    expect(made).toEqual(['pillar', 'roof']);
    expect(lazy).toEqual(eager);
  });

  it('writes directly encoded parts beside Document parts, durably when asked, with the same facts', async () => {
    const { source, parts } = await sharedParts();
    const general = await writePack(join(work, 'general'), parts, { source: SOURCE, bounds: BOUNDS });
    const plan = detectParts(source);
    const dir = join(work, 'direct-durable');
    const direct = await writePack(dir, splitParts(source, plan), {
      source: SOURCE,
      bounds: BOUNDS,
      durable: true,
    });
    const facts = (manifest: Manifest) => manifest.parts.map(({ byteLength, sha256, ...rest }) => rest);
    expect(facts(direct)).toEqual(facts(general));
    expect((await verifyPack(dir)).complete).toBe(true);
    const rebuilt = await reassemble(dir);
    expect(compareSoups(worldTriangles(rebuilt), worldTriangles(source))).toBeNull();
  });

  it('takes generator, segmenter and taskId from its caller', async () => {
    const { parts } = await sharedParts();
    const manifest = await writePack(join(work, 'tripo'), parts, {
      source: { ...SOURCE, segmenter: 'tripo', taskId: 'task-123' },
      bounds: BOUNDS,
      generator: 'meshparts@9.9.9',
    });
    expect(manifestSchemaErrors(manifest)).toBeNull();
    expect(manifest.generator).toBe('meshparts@9.9.9');
    expect(manifest.source).toMatchObject({ segmenter: 'tripo', taskId: 'task-123' });
    expect(manifestSchemaErrors(manifest)).toBeNull();
  });

  it('replaces an existing pack only once the new one is complete', async () => {
    const { parts } = await sharedParts();
    const dir = join(work, 'replace');
    await writePack(dir, parts, { source: SOURCE, bounds: BOUNDS });
    const before = readFileSync(join(dir, 'manifest.json'), 'utf8');
    // A failing write (second part broken) leaves the old pack untouched and no temporary folder.
    await expect(
      writePack(dir, [parts[1]!, brokenPart()], { source: SOURCE, bounds: BOUNDS }),
    ).rejects.toBeInstanceOf(PackWriteError);
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(before);
    expect(readdirSync(join(dir, 'parts')).sort()).toEqual(['pillar.glb', 'roof.glb']);
    expect(readdirSync(work).filter((name) => name.includes('.tmp-'))).toEqual([]);
    // A successful write replaces it: the stale part file is gone.
    const manifest = await writePack(dir, [parts[1]!], { source: SOURCE, bounds: BOUNDS });
    expect(manifestSchemaErrors(manifest)).toBeNull();
    expect(manifest.parts.map((part) => part.name)).toEqual(['roof']);
    expect(readdirSync(join(dir, 'parts'))).toEqual(['roof.glb']);
  });

  it('refuses to replace a folder that is not a pack', async () => {
    const { parts } = await sharedParts();
    const dir = join(work, 'user-folder');
    await mkdir(dir);
    writeFileSync(join(dir, 'thesis.docx'), 'precious');
    await expect(writePack(dir, parts, { source: SOURCE, bounds: BOUNDS })).rejects.toThrow(
      /not a meshparts pack/,
    );
    expect(readFileSync(join(dir, 'thesis.docx'), 'utf8')).toBe('precious');
  });

  it('refuses names that would escape parts/ or collide', async () => {
    const { parts } = await sharedParts();
    const escaping = { ...parts[0]!, name: '../evil' };
    await expect(
      writePack(join(work, 'evil'), [escaping], { source: SOURCE, bounds: BOUNDS }),
    ).rejects.toThrow(/unsafe/);
    const twin = { ...parts[1]!, name: 'PILLAR' };
    await expect(
      writePack(join(work, 'twins'), [parts[0]!, twin], { source: SOURCE, bounds: BOUNDS }),
    ).rejects.toThrow(/unique/);
    expect(existsSync(join(work, 'evil'))).toBe(false);
  });
});

describe('verifyPack', () => {
  it('says a written pack is complete, and what is wrong with a damaged one', async () => {
    const { parts } = await sharedParts();
    const dir = join(work, 'verify');
    expect(await verifyPack(dir)).toEqual({ complete: false, problems: ['no manifest.json'] });
    await writePack(dir, parts, { source: SOURCE, bounds: BOUNDS });
    const check = await verifyPack(dir);
    expect(check.complete).toBe(true);
    expect(check.manifest?.parts).toHaveLength(2);
    writeFileSync(join(dir, 'parts', 'roof.glb'), 'truncated');
    rmSync(join(dir, 'parts', 'pillar.glb'));
    expect(await verifyPack(dir)).toMatchObject({
      complete: false,
      problems: ['parts/pillar.glb is missing', expect.stringMatching(/^parts\/roof\.glb has 9 bytes/)],
    });
  });
});

describe('reassemble', () => {
  it('rebuilds the source geometry from a pack, one copy per placement', async () => {
    const { source, parts } = await sharedParts();
    const dir = join(work, 'round-trip');
    await writePack(dir, parts, { source: SOURCE, bounds: BOUNDS });
    const rebuilt = await reassemble(dir);
    const placed = rebuilt.getRoot().getDefaultScene()!.listChildren();
    expect(placed.map((node) => node.getName())).toEqual(['pillar', 'pillar', 'pillar', 'pillar', 'roof']);
    expect(compareSoups(worldTriangles(rebuilt), worldTriangles(source))).toBeNull();
    // The same from a Manifest object and its folder.
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    expect(
      compareSoups(worldTriangles(await reassemble(manifest, { dir })), worldTriangles(source)),
    ).toBeNull();
  });

  it('refuses a manifest whose file entries leave the pack', async () => {
    const { parts } = await sharedParts();
    const dir = join(work, 'escaping-manifest');
    const manifest = await writePack(dir, parts, { source: SOURCE, bounds: BOUNDS });
    expect(manifestSchemaErrors(manifest)).toBeNull();
    const evil = { ...manifest, parts: [{ ...manifest.parts[0]!, file: '../../etc/passwd' }] };
    await expect(reassemble(evil, { dir })).rejects.toThrow(/bad part file entry/);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(evil));
    expect((await verifyPack(dir)).problems).toEqual(['bad file entry "../../etc/passwd"']);
  });

  it('rejects a part file that does not match its manifest entry', async () => {
    const { parts } = await sharedParts();
    const dir = join(work, 'tampered');
    await writePack(dir, parts, { source: SOURCE, bounds: BOUNDS });
    const path = join(dir, 'parts', 'roof.glb');
    const bytes = readFileSync(path);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    writeFileSync(path, bytes);
    await expect(reassemble(dir)).rejects.toBeInstanceOf(PackReadError);
  });
});
