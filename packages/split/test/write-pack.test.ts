import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
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

/** Every file under `dir`, relative and `/`-separated, with its bytes (for "nothing changed" checks). */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string, prefix: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(join(at, entry.name), rel);
      else files.set(rel, readFileSync(join(at, entry.name)).toString('base64'));
    }
  };
  walk(dir, '');
  return files;
}

const png = (text: string) => new TextEncoder().encode(`\x89PNG fake ${text}`);

describe('writePack in a folder that is the user’s too', () => {
  it('keeps files meshparts did not write, and replaces or removes only its own', async () => {
    const { parts } = await sharedParts();
    const dir = join(work, 'user-files');
    await writePack(dir, parts, { source: SOURCE, bounds: BOUNDS });
    writeFileSync(join(dir, 'LICENSE.txt'), 'CC-BY 4.0');
    mkdirSync(join(dir, 'previews'));
    writeFileSync(join(dir, 'previews', 'pillar.png'), 'mine');
    writeFileSync(join(dir, 'parts', 'NOTES.md'), 'my notes beside the parts');
    // The second write drops `pillar`: its file goes, the user's files stay, byte for byte.
    const manifest = await writePack(dir, [parts[1]!], { source: SOURCE, bounds: BOUNDS });
    expect(manifest.parts.map((part) => part.file)).toEqual(['parts/roof.glb']);
    expect(readFileSync(join(dir, 'LICENSE.txt'), 'utf8')).toBe('CC-BY 4.0');
    expect(readFileSync(join(dir, 'previews', 'pillar.png'), 'utf8')).toBe('mine');
    expect(readdirSync(join(dir, 'parts')).sort()).toEqual(['NOTES.md', 'roof.glb']);
    expect(readdirSync(dir).sort()).toEqual(['LICENSE.txt', 'manifest.json', 'parts', 'previews']);
    expect((await verifyPack(dir)).complete).toBe(true);
  });

  it('refuses a folder whose manifest.json is not a meshparts one, touching nothing', async () => {
    const { parts } = await sharedParts();
    const dir = join(work, 'web-project');
    mkdirSync(join(dir, 'src'), { recursive: true });
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, 'manifest.json'), '{"name":"proj","icons":[]}');
    writeFileSync(join(dir, 'src', 'main.ts'), 'code');
    writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main');
    const before = snapshot(dir);
    const error = await writePack(dir, parts, { source: SOURCE, bounds: BOUNDS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PackWriteError);
    expect((error as PackWriteError).kind).toBe('output');
    expect((error as Error).message).toMatch(/not a meshparts manifest/);
    expect(snapshot(dir)).toEqual(before);
    // A manifest that looks like ours but names another generator, or has bad file entries, is refused too.
    const ours = JSON.parse(
      JSON.stringify(await writePack(join(work, 'donor'), parts, { source: SOURCE, bounds: BOUNDS })),
    ) as Manifest;
    for (const manifest of [
      { ...ours, generator: 'othertool@1.0' },
      { ...ours, parts: [{ ...ours.parts[0]!, file: '../../escape.glb' }] },
      { ...ours, manifestVersion: 2 },
    ]) {
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
      const snap = snapshot(dir);
      await expect(writePack(dir, parts, { source: SOURCE, bounds: BOUNDS })).rejects.toThrow(
        /not a meshparts manifest/,
      );
      expect(snapshot(dir)).toEqual(snap);
    }
  });

  it('refuses a new file that would land on a user’s file, with nothing changed', async () => {
    const { parts } = await sharedParts();
    const dir = join(work, 'clash');
    await writePack(dir, [parts[0]!], { source: SOURCE, bounds: BOUNDS });
    writeFileSync(join(dir, 'parts', 'roof.glb'), 'the user’s own roof');
    mkdirSync(join(dir, 'thumbnails'));
    writeFileSync(join(dir, 'thumbnails', 'pillar.png'), 'the user’s own preview');
    const before = snapshot(dir);
    const error = await writePack(dir, parts, {
      source: SOURCE,
      bounds: BOUNDS,
      files: [{ path: 'thumbnails/pillar.png', bytes: png('pillar') }],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PackWriteError);
    expect((error as Error).message).toMatch(/parts\/roof\.glb, thumbnails\/pillar\.png/);
    expect(snapshot(dir)).toEqual(before);
    // A link where a pack folder goes is never written through.
    const linked = join(work, 'linked');
    await writePack(linked, [parts[0]!], { source: SOURCE, bounds: BOUNDS });
    mkdirSync(join(work, 'elsewhere'));
    symlinkSync(join(work, 'elsewhere'), join(linked, 'thumbnails'));
    await expect(
      writePack(linked, [parts[0]!], {
        source: SOURCE,
        bounds: BOUNDS,
        files: [{ path: 'thumbnails/a.png', bytes: png('a') }],
      }),
    ).rejects.toThrow(/thumbnails\)?; nothing was changed|\(thumbnails\)/);
    expect(readdirSync(join(work, 'elsewhere'))).toEqual([]);
  });

  it('creates folders and files that follow the umask, not 0700', async () => {
    const { parts } = await sharedParts();
    const previous = process.umask(0o022);
    try {
      const dir = join(work, 'modes', 'pack');
      await writePack(dir, parts, {
        source: SOURCE,
        bounds: BOUNDS,
        files: [{ path: 'thumbnails/a.png', bytes: png('a') }],
      });
      for (const folder of [join(work, 'modes'), dir, join(dir, 'parts'), join(dir, 'thumbnails')]) {
        expect((statSync(folder).mode & 0o777).toString(8), folder).toBe('755');
      }
      for (const file of ['manifest.json', 'parts/roof.glb', 'thumbnails/a.png']) {
        expect((statSync(join(dir, file)).mode & 0o777).toString(8), file).toBe('644');
      }
      // Replacing keeps them so.
      await writePack(dir, parts, { source: SOURCE, bounds: BOUNDS });
      expect((statSync(dir).mode & 0o777).toString(8)).toBe('755');
      process.umask(0o027);
      const strict = join(work, 'modes-027');
      await writePack(strict, parts, { source: SOURCE, bounds: BOUNDS });
      expect((statSync(strict).mode & 0o777).toString(8)).toBe('750');
      expect((statSync(join(strict, 'manifest.json')).mode & 0o777).toString(8)).toBe('640');
    } finally {
      process.umask(previous);
    }
  });

  it('writes additional files, lists and verifies them, links thumbnails, and owns them on the next write', async () => {
    const { parts } = await sharedParts();
    const dir = join(work, 'files');
    const seen: string[] = [];
    const manifest = await writePack(dir, parts, {
      source: SOURCE,
      bounds: BOUNDS,
      // A callback sees the staged part files (a gallery picks its decoders from them).
      files: async function* ({ manifest: staged, dir: stagedDir }) {
        for (const part of staged.parts) {
          seen.push(
            `${part.file}:${readFileSync(join(stagedDir, part.file)).byteLength === part.byteLength}`,
          );
          yield { path: `thumbnails/${part.name}.png`, bytes: png(part.name) };
        }
        yield { path: 'thumbnail.png', bytes: png('all') };
        yield { path: 'gallery/js/page.js', bytes: new TextEncoder().encode('export {};\n') };
      },
    });
    expect(seen).toEqual(['parts/pillar.glb:true', 'parts/roof.glb:true']);
    expect(manifestSchemaErrors(manifest)).toBeNull();
    expect(manifest.thumbnail).toBe('thumbnail.png');
    expect(manifest.parts.map((part) => part.thumbnail)).toEqual([
      'thumbnails/pillar.png',
      'thumbnails/roof.png',
    ]);
    expect(manifest.files?.map((file) => file.path)).toEqual([
      'thumbnails/pillar.png',
      'thumbnails/roof.png',
      'thumbnail.png',
      'gallery/js/page.js',
    ]);
    expect(manifest.files?.[0]).toMatchObject({ byteLength: png('pillar').byteLength });
    expect((await verifyPack(dir)).complete).toBe(true);
    writeFileSync(join(dir, 'gallery', 'js', 'page.js'), 'tampered');
    expect((await verifyPack(dir)).problems).toEqual([
      expect.stringMatching(/^gallery\/js\/page\.js has 8 bytes/),
    ]);
    // The next write without those files removes them (they are meshparts'), and their empty folders.
    const again = await writePack(dir, parts, { source: SOURCE, bounds: BOUNDS });
    expect(again.files).toBeUndefined();
    expect(again.thumbnail).toBeUndefined();
    expect(readdirSync(dir).sort()).toEqual(['manifest.json', 'parts']);
  });

  it('refuses unsafe or clashing additional file paths before touching the pack', async () => {
    const { parts } = await sharedParts();
    for (const path of [
      '../up.png',
      '/abs.png',
      'a/../b.png',
      '.hidden',
      'a b.png',
      'x#1.png',
      'manifest.json',
      'a//b',
      '-x',
    ]) {
      await expect(
        writePack(join(work, 'bad-path'), parts, {
          source: SOURCE,
          bounds: BOUNDS,
          files: [{ path, bytes: png(path) }],
        }),
        path,
      ).rejects.toThrow(/unsafe pack file path/);
    }
    for (const files of [
      [{ path: 'parts/roof.glb', bytes: png('x') }],
      [
        { path: 'a.png', bytes: png('x') },
        { path: 'A.PNG', bytes: png('y') },
      ],
      [
        { path: 'a', bytes: png('x') },
        { path: 'a/b', bytes: png('y') },
      ],
    ]) {
      await expect(
        writePack(join(work, 'bad-path'), parts, { source: SOURCE, bounds: BOUNDS, files }),
      ).rejects.toThrow(/paths must be unique/);
    }
    expect(existsSync(join(work, 'bad-path'))).toBe(false);
  });

  it('keeps the user’s $schema and extras when it rewrites the pack', async () => {
    const { parts } = await sharedParts();
    const dir = join(work, 'extras');
    await writePack(dir, parts, {
      source: SOURCE,
      bounds: BOUNDS,
      files: [{ path: 'notes/a.txt', bytes: png('a') }],
    });
    const edited = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    edited.$schema = 'https://example.com/manifest.schema.json';
    edited.extras = { license: 'CC-BY-4.0', tags: ['kit'] };
    edited.parts[1]!.extras = { category: 'roofing' };
    edited.files![0]!.extras = { note: 'kept' };
    expect(manifestSchemaErrors(edited)).toBeNull();
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(edited));
    expect((await verifyPack(dir)).complete).toBe(true);
    const renamed = parts.map((part) => ({ ...part, name: `${part.name}_v2` }));
    const manifest = await writePack(dir, renamed, {
      source: SOURCE,
      bounds: BOUNDS,
      files: [{ path: 'notes/a.txt', bytes: png('b') }],
    });
    expect(manifestSchemaErrors(manifest)).toBeNull();
    expect(manifest.$schema).toBe('https://example.com/manifest.schema.json');
    expect(manifest.extras).toEqual({ license: 'CC-BY-4.0', tags: ['kit'] });
    // Matched by id although the name changed.
    expect(manifest.parts.map((part) => part.extras)).toEqual([undefined, { category: 'roofing' }]);
    expect(manifest.files?.[0]?.extras).toEqual({ note: 'kept' });
    expect(Object.keys(manifest)[0]).toBe('$schema');
  });

  it('finishes a replacement that a crash cut short, and never reports it complete before', async () => {
    const { parts } = await sharedParts();
    const dir = join(work, 'cut-short');
    await writePack(dir, parts, { source: SOURCE, bounds: BOUNDS });
    writeFileSync(join(dir, 'LICENSE.txt'), 'mine');
    // A second write staged and sealed, then "killed" right after removing the old manifest: the state
    // a crash leaves between the first and the last step of a commit.
    const staged = join(work, 'staged-copy');
    await writePack(staged, [parts[1]!], { source: SOURCE, bounds: BOUNDS });
    const stagingDir = join(dir, '.meshparts.tmp-0123456789ab');
    mkdirSync(join(stagingDir, 'files', 'parts'), { recursive: true });
    writeFileSync(
      join(stagingDir, 'staging.json'),
      JSON.stringify({ generator: 'meshparts@test', pid: 1 << 22, hostname: 'elsewhere' }),
    );
    writeFileSync(join(stagingDir, 'previous.json'), readFileSync(join(dir, 'manifest.json')));
    writeFileSync(
      join(stagingDir, 'files', 'parts', 'roof.glb'),
      readFileSync(join(staged, 'parts', 'roof.glb')),
    );
    writeFileSync(join(stagingDir, 'manifest.json'), readFileSync(join(staged, 'manifest.json')));
    rmSync(join(dir, 'manifest.json'));
    expect(await verifyPack(dir)).toMatchObject({
      complete: false,
      problems: [expect.stringMatching(/cut short/)],
    });
    // The next write finishes it first (pillar goes, as the cut-short write meant), then writes its own.
    const manifest = await writePack(dir, parts, { source: SOURCE, bounds: BOUNDS });
    expect(manifest.parts).toHaveLength(2);
    expect(readdirSync(dir).sort()).toEqual(['LICENSE.txt', 'manifest.json', 'parts']);
    expect((await verifyPack(dir)).complete).toBe(true);
    // A staging folder that never got ready is simply removed; the pack is left as it was.
    mkdirSync(join(dir, '.meshparts.tmp-aaaaaaaaaaaa', 'files'), { recursive: true });
    writeFileSync(join(dir, '.meshparts.tmp-aaaaaaaaaaaa', 'staging.json'), '{}');
    await writePack(dir, parts, { source: SOURCE, bounds: BOUNDS });
    expect(readdirSync(dir).sort()).toEqual(['LICENSE.txt', 'manifest.json', 'parts']);
  });
});

describe('writePack with an AbortSignal', () => {
  const file = (path: string) => ({ path, bytes: new TextEncoder().encode(path) });

  it('stopped while the additional files are made: the callback is not waited for', async () => {
    const dir = join(work, 'files-made');
    const controller = new AbortController();
    let finish: (() => void) | undefined;
    const files = () =>
      new Promise<ReturnType<typeof file>[]>((resolve) => {
        finish = () => resolve([file('late.txt')]);
        controller.abort(new Error('stopped while making files'));
      });
    await expect(
      writePack(dir, (await sharedParts()).parts, {
        source: SOURCE,
        bounds: BOUNDS,
        files,
        signal: controller.signal,
      }),
    ).rejects.toThrow('stopped while making files');
    finish?.();
    expect(existsSync(dir)).toBe(false);
  });

  it('stopped after the last additional file: the check before the commit stops it', async () => {
    const dir = join(work, 'before-commit');
    const controller = new AbortController();
    async function* files() {
      yield file('a.txt');
      controller.abort(new Error('stopped after the files'));
    }
    await expect(
      writePack(dir, (await sharedParts()).parts, {
        source: SOURCE,
        bounds: BOUNDS,
        files,
        signal: controller.signal,
      }),
    ).rejects.toThrow('stopped after the files');
    expect(existsSync(dir)).toBe(false);
  });
});
