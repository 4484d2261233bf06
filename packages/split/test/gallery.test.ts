import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, posix, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Manifest, splitModel } from '../src/index.js';
import { decodersForParts, glbExtensionsUsed } from '../src/pack/gallery/decoder-needs.js';
import {
  GALLERY_DIR,
  GalleryWriteError,
  RUN_GALLERY_NAMES,
  runGalleryPage,
  writeGallery,
  writeRunGallery,
} from '../src/pack/gallery/index.js';
import { renderTemplate } from '../src/pack/gallery/page-files.js';
import { FIXTURES } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const work = useTempDir('gallery');

/** Every file under `dir`, relative and `/`-separated, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/** A pack without its own gallery and thumbnails, for writeGallery to write into. */
async function packOf(fixture: string, name: string): Promise<{ dir: string; manifest: Manifest }> {
  const dir = join(work, name);
  const { manifest } = await splitModel(join(FIXTURES, fixture), dir, { gallery: false, thumbnails: null });
  return { dir, manifest };
}

/** The import map of a written index.html. */
function importMapOf(html: string): Record<string, string> {
  const map = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1];
  expect(map, 'index.html has an import map').toBeDefined();
  return (JSON.parse(map!) as { imports: Record<string, string> }).imports;
}

/** The module specifiers a script imports: static imports and re-exports, and dynamic import('...'). */
function specifiersOf(source: string): { specifier: string; dynamic: boolean }[] {
  const found = new Map<string, boolean>();
  for (const match of source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]/g)) {
    found.set(match[1]!, false);
  }
  for (const match of source.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) found.set(match[1]!, false);
  for (const match of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    if (!found.has(match[1]!)) found.set(match[1]!, true);
  }
  return [...found].map(([specifier, dynamic]) => ({ specifier, dynamic }));
}

/** The decoder modules the page imports dynamically, only when a part needs them. */
const DECODER_MODULES = {
  draco: 'gallery/three/addons/loaders/DRACOLoader.js',
  meshopt: 'gallery/three/addons/libs/meshopt_decoder.module.js',
  ktx2: 'gallery/three/addons/loaders/KTX2Loader.js',
};

/**
 * Follows every import of every script the page loads, through the import map for bare specifiers,
 * and returns the targets (pack-relative) that are not among `written`. A dynamic import may be
 * missing only when it is the module of a decoder listed in `absent` (the page imports a decoder
 * only for a part that needs it).
 */
async function missingImports(
  dir: string,
  written: readonly string[],
  absent: readonly (keyof typeof DECODER_MODULES)[] = [],
): Promise<string[]> {
  const allowed = new Set(absent.map((decoder) => DECODER_MODULES[decoder]));
  const imports = importMapOf(await readFile(join(dir, 'index.html'), 'utf8'));
  const missing: string[] = [];
  for (const file of written.filter((path) => path.endsWith('.js'))) {
    const source = await readFile(join(dir, file), 'utf8');
    for (const { specifier, dynamic } of specifiersOf(source)) {
      let target: string;
      if (specifier.startsWith('.')) target = posix.join(posix.dirname(file), specifier);
      else if (imports[specifier]) target = posix.normalize(imports[specifier]);
      else {
        const prefix = Object.keys(imports).find((key) => key.endsWith('/') && specifier.startsWith(key));
        if (!prefix) {
          missing.push(`${file}: unmapped ${specifier}`);
          continue;
        }
        target = posix.normalize(imports[prefix] + specifier.slice(prefix.length));
      }
      if (!written.includes(target) && !(dynamic && allowed.has(target))) {
        missing.push(`${file} imports ${target}`);
      }
    }
  }
  return missing;
}

const DRACO = 'gallery/three/addons/libs/draco/gltf/draco_decoder.wasm';
const MESHOPT = 'gallery/three/addons/libs/meshopt_decoder.module.js';
const KTX2 = 'gallery/three/addons/libs/basis/basis_transcoder.wasm';

describe('writeGallery', () => {
  it('writes index.html and gallery/, returns exactly the files it wrote, and nothing outside the pack', async () => {
    const { dir, manifest } = await packOf('TwoCubes.glb', 'plain');
    const before = await filesUnder(dir);
    const siblings = await readdir(work);
    const written = await writeGallery(dir, manifest);
    const after = await filesUnder(dir);
    expect(after.filter((file) => !before.includes(file))).toEqual(written);
    expect(await readdir(work)).toEqual(siblings);
    expect(written).toContain('index.html');
    expect(written).toContain('gallery/three/three.module.js');
    expect(written).toContain('gallery/three/LICENSE');
    expect(written.every((file) => file === 'index.html' || file.startsWith(`${GALLERY_DIR}/`))).toBe(true);
    // Plain parts: no decoder is copied.
    expect(written).not.toContain(DRACO);
    expect(written).not.toContain(MESHOPT);
    expect(written).not.toContain(KTX2);
    expect(await missingImports(dir, written, ['draco', 'meshopt', 'ktx2'])).toEqual([]);
    expect(await missingImports(dir, written, ['draco', 'meshopt'])).toEqual([
      `gallery/js/load-part.js imports ${DECODER_MODULES.ktx2}`,
    ]);
  });

  it("splitModel writes the same gallery through the pack writer, listed in the manifest as the pack's own", async () => {
    const { dir, manifest } = await packOf('TwoCubes.glb', 'by-hand');
    const byHand = await writeGallery(dir, manifest);
    const packed = join(work, 'by-split');
    const result = await splitModel(join(FIXTURES, 'TwoCubes.glb'), packed, { thumbnails: null });
    const listed = (result.manifest.files ?? []).map((file) => file.path).sort();
    expect(listed).toEqual(byHand);
    for (const path of byHand) {
      expect(await readFile(join(packed, ...path.split('/')))).toEqual(
        await readFile(join(dir, ...path.split('/'))),
      );
    }
    // A second split replaces them as its own (no clash with "a user's file"), and the pack holds
    // exactly the manifest, the parts and the listed files.
    const again = await splitModel(join(FIXTURES, 'TwoCubes.glb'), packed, { thumbnails: null });
    expect((again.manifest.files ?? []).map((file) => file.path).sort()).toEqual(byHand);
    const owned = ['manifest.json', ...again.manifest.parts.map((part) => part.file), ...byHand];
    expect(await filesUnder(packed)).toEqual(owned.sort());
    // Replacing a pack flushes its files (three.js included): slow on a busy disk.
  }, 120_000);

  it('splitModel picks the decoders from the parts it writes, as writeGallery does from the files', async () => {
    for (const [model, decoder, other] of [
      ['Box_Draco.glb', DRACO, MESHOPT],
      ['BoxMeshopt.glb', MESHOPT, DRACO],
    ] as const) {
      const dir = join(work, `decoders-${model}`);
      const { manifest } = await splitModel(join(FIXTURES, model), dir, { thumbnails: null });
      const listed = (manifest.files ?? []).map((file) => file.path);
      expect(listed, model).toContain(decoder);
      expect(listed, model).not.toContain(other);
      expect(listed, model).not.toContain(KTX2);
      // The same choice writeGallery makes by reading the part files back.
      const pack = await packOf(model, `decoders-${model}-hand`);
      const written = await writeGallery(pack.dir, pack.manifest);
      expect(written.filter((file) => file.includes('/libs/')).sort(), model).toEqual(
        listed.filter((file) => file.includes('/libs/')).sort(),
      );
    }
  }, 120_000);

  it('copies the Draco decoder only for Draco parts and the meshopt decoder only for meshopt parts', async () => {
    const draco = await packOf('Box_Draco.glb', 'draco');
    const dracoFiles = await writeGallery(draco.dir, draco.manifest);
    expect(dracoFiles).toContain(DRACO);
    expect(dracoFiles).toContain('gallery/three/addons/libs/draco/gltf/draco_wasm_wrapper.js');
    expect(dracoFiles).not.toContain(MESHOPT);
    expect(await missingImports(draco.dir, dracoFiles, ['meshopt', 'ktx2'])).toEqual([]);

    const meshopt = await packOf('BoxMeshopt.glb', 'meshopt');
    const meshoptFiles = await writeGallery(meshopt.dir, meshopt.manifest);
    expect(meshoptFiles).toContain(MESHOPT);
    expect(meshoptFiles).not.toContain(DRACO);
    expect(await missingImports(meshopt.dir, meshoptFiles, ['draco', 'ktx2'])).toEqual([]);
  });

  it('copies every decoder with decoders: all, and their imports are all there', async () => {
    const { dir, manifest } = await packOf('TwoCubes.glb', 'all');
    const written = await writeGallery(dir, manifest, { decoders: 'all' });
    for (const file of [DRACO, MESHOPT, KTX2, 'gallery/three/addons/libs/basis/basis_transcoder.js']) {
      expect(written).toContain(file);
    }
    expect(await missingImports(dir, written)).toEqual([]);
    for (const file of written) expect(existsSync(join(dir, ...file.split('/'))), file).toBe(true);
  });

  it("allows the inline import map by its sha256 in the page's Content-Security-Policy", async () => {
    const { dir, manifest } = await packOf('TwoCubes.glb', 'csp');
    await writeGallery(dir, manifest);
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    const map = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)![1]!;
    const hash = createHash('sha256').update(map).digest('base64');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    expect(csp).toContain(`'sha256-${hash}'`);
    expect(csp).not.toContain('{{');
    expect(csp).not.toContain("'unsafe-inline'");
    expect(() => renderTemplate('<meta content="{{importmap-hash}}">')).toThrow(/import map/);
  });

  it('copies the KTX2 transcoder for a part that uses KHR_texture_basisu, and writes durably on request', async () => {
    const { dir, manifest } = await packOf('TwoCubes.glb', 'ktx2');
    // A GLB whose JSON names KHR_texture_basisu: only its JSON chunk is read to choose decoders.
    const json = Buffer.from(
      JSON.stringify({ asset: { version: '2.0' }, extensionsUsed: ['KHR_texture_basisu'] }).padEnd(64),
    );
    const glb = Buffer.alloc(20 + json.length);
    glb.writeUInt32LE(0x46546c67, 0);
    glb.writeUInt32LE(2, 4);
    glb.writeUInt32LE(glb.length, 8);
    glb.writeUInt32LE(json.length, 12);
    glb.writeUInt32LE(0x4e4f534a, 16);
    json.copy(glb, 20);
    await writeFile(join(dir, ...manifest.parts[0]!.file.split('/')), glb);
    expect(await glbExtensionsUsed(join(dir, ...manifest.parts[0]!.file.split('/')))).toEqual([
      'KHR_texture_basisu',
    ]);
    const written = await writeGallery(dir, manifest, { durable: true });
    expect(written).toContain(KTX2);
    expect(written).not.toContain(DRACO);
    expect(await missingImports(dir, written, ['draco', 'meshopt'])).toEqual([]);
  });

  it('copies every decoder when a part file cannot be read as a GLB (never a page that cannot decode)', async () => {
    const { dir, manifest } = await packOf('TwoCubes.glb', 'odd');
    await writeFile(join(dir, ...manifest.parts[0]!.file.split('/')), 'not a glb');
    expect(await glbExtensionsUsed(join(dir, ...manifest.parts[0]!.file.split('/')))).toBeNull();
    expect(
      [
        ...(await decodersForParts(
          dir,
          manifest.parts.map((part) => part.file),
        )),
      ].sort(),
    ).toEqual(['draco', 'ktx2', 'meshopt']);
    // A manifest path that leaves the pack is not read at all.
    expect([...(await decodersForParts(dir, ['../../etc/passwd', 'parts/../x.glb']))]).toEqual([]);
  });
});

describe('writeRunGallery', () => {
  it('writes index.html and gallery/ (no three.js) atomically and returns the files', async () => {
    const out = join(work, 'run');
    await mkdir(out, { recursive: true });
    const written = await writeRunGallery(out, { packs: [{ pack: 'robot' }, { pack: 'ロボット' }] });
    expect(written).toEqual(await filesUnder(out));
    expect(written).toContain('index.html');
    expect(written).toContain('gallery/js/run-page.js');
    expect(written.some((file) => file.includes('three'))).toBe(false);
    // A second run replaces the files in place, and removes what a killed write left in its folders.
    await writeFile(join(out, 'gallery', 'js', 'run-page.js.tmp-4242-0123abcd'), 'half a file');
    await writeFile(join(out, 'gallery', 'notes.txt'), 'not ours');
    expect(await writeRunGallery(out, { packs: [] })).toEqual(written);
    expect(await filesUnder(out)).toEqual([...written, 'gallery/notes.txt'].sort());
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html).toContain('gallery/js/run-page.js');
  });

  it('refuses a pack folder that takes the name of the page or its folder, and writes nothing', async () => {
    const out = join(work, 'clash');
    await mkdir(out, { recursive: true });
    for (const name of [...RUN_GALLERY_NAMES, 'Index.HTML', 'GALLERY']) {
      await expect(writeRunGallery(out, { packs: [{ pack: name }] })).rejects.toThrow(GalleryWriteError);
    }
    await mkdir(join(out, 'gallery'), { recursive: true });
    await writeFile(join(out, 'gallery', 'manifest.json'), '{}');
    await expect(writeRunGallery(out, { packs: [] })).rejects.toThrow(/is a pack/);
    expect(await filesUnder(out)).toEqual(['gallery/manifest.json']);
  });

  it('never replaces an index.html or a gallery/ folder that meshparts did not write', async () => {
    const page = join(work, 'users-page');
    await mkdir(page, { recursive: true });
    const mine = '<!doctype html><title>my site</title>';
    await writeFile(join(page, 'index.html'), mine);
    // The page goes beside the user's index.html, under its own name, and is found there.
    const written = await writeRunGallery(page, { packs: [] });
    expect(written).toContain('meshparts-gallery.html');
    expect(written).not.toContain('index.html');
    expect(await readFile(join(page, 'index.html'), 'utf8')).toBe(mine);
    expect(await filesUnder(page)).toEqual(['index.html', ...written].sort());
    expect(await runGalleryPage(page)).toBe('meshparts-gallery.html');
    // Written again in place; a meshparts-gallery.html of the user's too is left alone.
    expect(await writeRunGallery(page, { packs: [] })).toEqual(written);
    await writeFile(join(page, 'meshparts-gallery.html'), mine);
    await expect(writeRunGallery(page, { packs: [] })).rejects.toThrow(
      /index\.html and meshparts-gallery\.html are not meshparts'/,
    );
    expect(await readFile(join(page, 'meshparts-gallery.html'), 'utf8')).toBe(mine);
    expect(await runGalleryPage(page)).toBeUndefined();

    const folder = join(work, 'users-folder');
    await mkdir(join(folder, 'gallery'), { recursive: true });
    await writeFile(join(folder, 'gallery', 'gallery.css'), 'body { color: red }');
    await expect(writeRunGallery(folder, { packs: [] })).rejects.toThrow(/gallery\/ is not meshparts'/);
    expect(await readFile(join(folder, 'gallery', 'gallery.css'), 'utf8')).toBe('body { color: red }');
    expect(await filesUnder(folder)).toEqual(['gallery/gallery.css']);
  });

  it('names the folder in its error when it cannot write', async () => {
    const out = join(work, 'blocked');
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, 'a file where the output folder should be');
    const error = await writeRunGallery(out, { packs: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GalleryWriteError);
    expect((error as GalleryWriteError).code).toBe('PACK_WRITE');
    expect((error as GalleryWriteError).kind).toBe('output');
    expect((error as Error).message).toContain(out);
  });
});

describe("the page's URL and number formatting (page/js/format.js, plain ES module)", () => {
  interface Format {
    relativeUrl(path: unknown): string | null;
    formatBytes(bytes: number): string;
    formatCount(value: number): string;
  }
  // Imported through a variable: the page's .js files are not part of the TypeScript program.
  const loadFormat = async (): Promise<Format> => {
    const url = new URL('../src/pack/gallery/page/js/format.js', import.meta.url).href;
    return (await import(url)) as Format;
  };

  it('encodes each segment of a manifest path and refuses paths that could leave the folder', async () => {
    const { relativeUrl } = await loadFormat();
    expect(relativeUrl('parts/sides#1_5.glb')).toBe('parts/sides%231_5.glb');
    expect(relativeUrl('parts/50% scale?.glb')).toBe('parts/50%25%20scale%3F.glb');
    expect(relativeUrl('thumbnails/頭部.png')).toBe('thumbnails/%E9%A0%AD%E9%83%A8.png');
    for (const bad of ['', '../x.glb', 'parts/../../x', './x', '/etc/passwd', 'parts//x', 'a\\b', null, 7]) {
      expect(relativeUrl(bad), String(bad)).toBeNull();
    }
  });

  it('formats bytes and counts', async () => {
    const { formatBytes, formatCount } = await loadFormat();
    expect([formatBytes(980), formatBytes(12_345), formatBytes(4_500_000), formatBytes(-1)]).toEqual([
      '980 B',
      '12.3 kB',
      '4.5 MB',
      '–',
    ]);
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});
