import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CatalogEntry,
  catalogPath,
  ForeignCatalogError,
  readCatalog,
  writeCatalog,
} from '../src/pipeline/catalog.js';
import { readCompletePack } from '../src/pipeline/pack-check.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshparts-catalog-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha = 'c'.repeat(64);

/** Writes a small pack: a manifest and its part files, as writePack lays them out. */
async function writePackFiles(
  slug: string,
  parts: { file: string; bytes: string }[],
  source: object,
): Promise<void> {
  await mkdir(join(dir, slug, 'parts'), { recursive: true });
  for (const part of parts) await writeFile(join(dir, slug, part.file), part.bytes);
  const manifest = {
    manifestVersion: 1,
    generator: 'meshparts@test',
    source: { sha256: 'e'.repeat(64), ...source },
    parts: parts.map((p, index) => ({
      id: `p${index}`,
      name: `part${index}`,
      file: p.file,
      byteLength: Buffer.byteLength(p.bytes),
      sha256: createHash('sha256').update(p.bytes).digest('hex'),
    })),
  };
  await writeFile(join(dir, slug, 'manifest.json'), JSON.stringify(manifest));
}

function entry(pack: string): CatalogEntry {
  return {
    model: `${pack}.glb`,
    sha256: sha,
    pack,
    manifest: `${pack}/manifest.json`,
    parts: 1,
    segmenter: 'local',
    taskId: null,
  };
}

describe('catalog', () => {
  it('merges earlier packs that still exist, replaces this run’s, and drops vanished ones', async () => {
    await writePackFiles('old', [{ file: 'parts/a.glb', bytes: 'a' }], {});
    await writePackFiles('gone', [{ file: 'parts/a.glb', bytes: 'a' }], {});
    await writeCatalog(dir, 'meshparts@test', [entry('old'), entry('gone')], new Set());
    await rm(join(dir, 'gone'), { recursive: true });
    await writePackFiles('new', [{ file: 'parts/a.glb', bytes: 'a' }], {});

    const catalog = await writeCatalog(
      dir,
      'meshparts@test',
      [{ ...entry('new'), parts: 2 }],
      new Set(['new']),
    );
    expect(catalog.packs.map((p) => p.pack)).toEqual(['new', 'old']);
    const onDisk = JSON.parse(await readFile(catalogPath(dir), 'utf8'));
    expect(onDisk).toEqual(catalog);
    expect(onDisk.catalogVersion).toBe(1);
  });

  it('drops the entry of a model of this run that has no pack now', async () => {
    await writePackFiles('m', [{ file: 'parts/a.glb', bytes: 'a' }], {});
    await writeCatalog(dir, 'meshparts@test', [entry('m')], new Set());
    const catalog = await writeCatalog(dir, 'meshparts@test', [], new Set(['m']));
    expect(catalog.packs).toEqual([]);
  });

  it('reads a missing catalog as empty', async () => {
    expect(await readCatalog(dir)).toEqual([]);
  });

  it('never reads nor overwrites a catalog.json that meshparts did not write', async () => {
    const theirs = [
      '{"items":[{"id":1,"name":"sword"}],"note":"hand-written"}',
      '{ broken',
      JSON.stringify({ catalogVersion: 1, generator: 'other@1', packs: [] }),
      JSON.stringify({ catalogVersion: 2, generator: 'meshparts@9', packs: [] }),
    ];
    for (const text of theirs) {
      await writeFile(catalogPath(dir), text);
      await expect(readCatalog(dir)).rejects.toBeInstanceOf(ForeignCatalogError);
      await expect(writeCatalog(dir, 'meshparts@test', [entry('m')], new Set())).rejects.toThrow(
        /is not a meshparts catalog/,
      );
      expect(await readFile(catalogPath(dir), 'utf8')).toBe(text);
    }
  });
});

describe('readCompletePack', () => {
  const source = { sha256: sha, segmenter: 'tripo', taskId: 't-9' };

  it('accepts a pack whose manifest matches the input and whose parts are all there', async () => {
    await writePackFiles(
      'p',
      [
        { file: 'parts/a.glb', bytes: 'aaaa' },
        { file: 'parts/b.glb', bytes: 'bb' },
      ],
      source,
    );
    expect(await readCompletePack(join(dir, 'p'), sha, 'tripo')).toMatchObject({ parts: 2, taskId: 't-9' });
  });

  it('rejects another input, another segmenter, a changed, resized or missing part, and paths outside the pack', async () => {
    await writePackFiles('p', [{ file: 'parts/a.glb', bytes: 'aaaa' }], source);
    expect(await readCompletePack(join(dir, 'p'), 'd'.repeat(64), 'tripo')).toBeUndefined();
    expect(await readCompletePack(join(dir, 'p'), sha, 'local')).toBeUndefined();
    await writeFile(join(dir, 'p', 'parts', 'a.glb'), 'abcd');
    expect(await readCompletePack(join(dir, 'p'), sha, 'tripo')).toBeUndefined();
    await writeFile(join(dir, 'p', 'parts', 'a.glb'), 'aa');
    expect(await readCompletePack(join(dir, 'p'), sha, 'tripo')).toBeUndefined();
    await rm(join(dir, 'p', 'parts', 'a.glb'));
    expect(await readCompletePack(join(dir, 'p'), sha, 'tripo')).toBeUndefined();
    await writePackFiles('q', [{ file: 'parts/../../escape.glb', bytes: 'x' }], source);
    expect(await readCompletePack(join(dir, 'q'), sha, 'tripo')).toBeUndefined();
    expect(await readCompletePack(join(dir, 'none'), sha, 'tripo')).toBeUndefined();
  });
});
