import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, launchChromium, NO_CHROMIUM_MESSAGE } from '../../../test/helpers/chromium.js';
import { ensureBuilt, runCli } from '../../../test/helpers/cli.js';
import { settled } from '../../../test/helpers/page-checks.js';
import { startView } from '../../../test/helpers/view.js';
import { useWorkspace } from '../../../test/helpers/workspace.js';
import { shellQuote } from '../src/output.js';

/**
 * What a newcomer reads: messages for broken inputs, commands printed to paste, counts that agree,
 * `view` on folders that are not quite ours, and `segment` refused inside a pack. Every case runs
 * the built `meshparts` bin on real files.
 */

const execFileAsync = promisify(execFile);
const ws = useWorkspace('messages', ['TwoCubes.glb', 'trimesh_pins.glb']);
const model = (name = 'TwoCubes.glb') => join(ws.inputs, name);

beforeAll(ensureBuilt, 180_000);

/** What `sh` makes of `words` (a printed command's arguments): one argument per line. */
async function shellWords(words: string): Promise<string[]> {
  const { stdout } = await execFileAsync('sh', ['-c', `printf '%s\\n' ${words}`]);
  return stdout.split('\n').slice(0, -1);
}

describe('a broken model file says what is wrong with it', () => {
  it('an empty .glb: "is empty (0 bytes)", exit 2, for inspect, split and run', async () => {
    const empty = join(ws.dir, 'empty.glb');
    await writeFile(empty, new Uint8Array(0));
    for (const args of [
      ['inspect', empty],
      ['split', empty, '-o', join(ws.out, 'split')],
      ['run', empty, '-o', join(ws.out, 'run'), '--segmenter', 'local'],
    ]) {
      const result = await runCli(args);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(`${empty} is empty (0 bytes)`);
      expect(result.stderr).not.toMatch(/neither a GLB/);
    }
  });

  it('a .gltf with broken JSON: "is not valid glTF JSON: <the parser\'s reason>", exit 2', async () => {
    const bad = join(ws.dir, 'bad.gltf');
    await writeFile(bad, '{"asset": {');
    for (const args of [
      ['inspect', bad],
      ['split', bad, '-o', join(ws.out, 'split')],
    ]) {
      const result = await runCli(args);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/bad\.gltf is not valid glTF JSON: .*position 11/);
    }
  });

  it('another kind of file keeps "neither a GLB file nor glTF JSON"', async () => {
    const png = join(ws.dir, 'photo.glb');
    await writeFile(png, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0]));
    const result = await runCli(['inspect', png]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${png} is neither a GLB file nor glTF JSON`);
  });
});

describe('commands printed to paste are quoted for a POSIX shell', () => {
  it('shellQuote leaves plain words alone and quotes the others so that sh reads them back', async () => {
    expect(shellQuote('out/packs-1.2_x')).toBe('out/packs-1.2_x');
    expect(shellQuote('/tmp/my packs')).toBe("'/tmp/my packs'");
    const hostile = ["it's", 'a b', '$HOME', '`id`', '*', '~', 'a;b', '"x"', '', "'", 'a\\b'];
    expect(await shellWords(hostile.map(shellQuote).join(' '))).toEqual(hostile);
  });

  it("run's gallery hint pastes back to the output folder, spaces and quotes included", async () => {
    const out = join(ws.dir, "Bob's packs (v2)");
    const result = await runCli(['run', model(), '-o', out, '--segmenter', 'local']);
    expect(result.code, result.stderr).toBe(0);
    const hint = /gallery: meshparts view (.+)$/m.exec(result.stderr)?.[1];
    expect(hint, result.stderr).toBeDefined();
    expect(hint).toBe(`'${out.replace("'", "'\\''")}'`);
    expect(await shellWords(hint!)).toEqual([out]);
  });
});

describe('counts that agree', () => {
  it('a model whose parts share meshes: the pack line says files and parts, which the manifest holds', async () => {
    const result = await runCli(['run', model('trimesh_pins.glb'), '-o', ws.out, '--segmenter', 'local']);
    expect(result.code, result.stderr).toBe(0);
    const segmented = Number(/trimesh_pins: segmented locally into (\d+) part\(s\)/.exec(result.stderr)?.[1]);
    const manifest = JSON.parse(await readFile(join(ws.out, 'trimesh_pins', 'manifest.json'), 'utf8')) as {
      parts: { placements: unknown[] }[];
    };
    const files = manifest.parts.length;
    const placements = manifest.parts.reduce((sum, part) => sum + part.placements.length, 0);
    // The fixture is one made of repeated meshes: fewer files than parts.
    expect(files).toBeLessThan(segmented);
    expect(placements).toBe(segmented);
    expect(result.stderr).toContain(
      `trimesh_pins: ${files} part file(s) for ${segmented} part(s) (repeated parts share one file) -> `,
    );
    // --json keeps its fields: parts is the pack's part count.
    const json = await runCli(['run', model('trimesh_pins.glb'), '-o', ws.out, '--json']);
    expect(JSON.parse(json.stdout).results[0].parts).toBe(files);
  });

  it('a model whose parts are all distinct keeps the one count', async () => {
    const result = await runCli(['run', model(), '-o', ws.out, '--segmenter', 'local']);
    expect(result.stderr).toContain('TwoCubes: segmented locally into 2 part(s)');
    expect(result.stderr).toMatch(/TwoCubes: 2 part\(s\) -> /);
  });

  it('the plan line counts a missing input, as the summary does', async () => {
    const missing = join(ws.dir, 'nope.glb');
    const result = await runCli(['run', model(), missing, '-o', ws.out, '--segmenter', 'local']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('2 model(s): 1 segment, 1 missing; up to 0 credits');
    expect(result.stderr).toContain('1 of 2 model(s) ok');
  });
});

describe('meshparts view on folders that are not quite ours', () => {
  it("a catalog.json that is someone else's: not a meshparts catalog, exit 2", async () => {
    await mkdir(ws.out, { recursive: true });
    await writeFile(join(ws.out, 'catalog.json'), '{"products": []}');
    const result = await runCli(['view', ws.out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('its catalog.json is not a meshparts catalog');
    expect(result.stderr).not.toContain('no catalog.json');
  });

  it("a run beside the user's index.html: the page is written beside it, and view opens that page", async () => {
    await mkdir(ws.out, { recursive: true });
    const mine = '<!doctype html><title>my site</title>\n';
    await writeFile(join(ws.out, 'index.html'), mine);
    const result = await runCli(['run', model(), '-o', ws.out, '--segmenter', 'local', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { gallery: string | null; galleryError?: string };
    expect(json.gallery).toBe(join(ws.out, 'meshparts-gallery.html'));
    expect(json.galleryError).toBeUndefined();
    expect(await readFile(join(ws.out, 'index.html'), 'utf8')).toBe(mine);

    const view = await startView([ws.out]);
    try {
      expect(view.url).toMatch(/\/meshparts-gallery\.html$/);
      const page = await (await fetch(view.url)).text();
      expect(page).toContain('<meta name="generator" content="meshparts">');
      expect(page).toContain('gallery/js/run-page.js');
      // The page's relative links work from where it is.
      expect((await fetch(new URL('gallery/js/run-page.js', view.url))).status).toBe(200);
      expect((await fetch(new URL('catalog.json', view.url))).status).toBe(200);
    } finally {
      view.child.kill('SIGINT');
      await view.done;
    }
  });

  it.skipIf(!HAS_CHROMIUM)(
    `in Chromium, a pack opened from the page beside the user's index.html leads back to it${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_MESSAGE})`}`,
    async () => {
      await mkdir(ws.out, { recursive: true });
      await writeFile(join(ws.out, 'index.html'), '<!doctype html><title>my site</title>\n');
      expect((await runCli(['run', model(), '-o', ws.out, '--segmenter', 'local'])).code).toBe(0);
      const view = await startView([ws.out]);
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(view.url);
        expect(await settled(page)).toBe('ready');
        const pack = await page
          .locator('a.name')
          .first()
          .evaluate((a) => (a as unknown as { href: string }).href);
        await page.goto(pack);
        expect(await settled(page)).toBe('ready');
        expect(await page.locator('#back').isVisible()).toBe(true);
        const back = await page.locator('#back').evaluate((a) => (a as unknown as { href: string }).href);
        expect(back).toBe(view.url);
      } finally {
        await browser.close();
        view.child.kill('SIGINT');
        await view.done;
      }
    },
    120_000,
  );

  it("a run output whose index.html is the user's and that has no page of meshparts': exit 2, says why", async () => {
    expect((await runCli(['run', model(), '-o', ws.out, '--segmenter', 'local'])).code).toBe(0);
    await writeFile(join(ws.out, 'index.html'), '<p>mine</p>');
    const result = await runCli(['view', ws.out]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/index\.html is not meshparts' page, .*run meshparts run into it again/);
  });
});

describe('segment -o <a pack>/x.glb', () => {
  it('is refused (exit 2) and the pack is left as it was, dry run too', async () => {
    const pack = join(ws.dir, 'apack');
    expect((await runCli(['split', model(), '-o', pack])).code).toBe(0);
    const before = (await readdir(pack)).sort();
    for (const extra of [[], ['--dry-run']]) {
      const result = await runCli([
        'segment',
        model(),
        '-o',
        join(pack, 'x.glb'),
        '--segmenter',
        'local',
        ...extra,
      ]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/apack is a meshparts pack .*choose an output file in another folder/);
      expect((await readdir(pack)).sort()).toEqual(before);
    }
    // Beside the pack, it works.
    const ok = await runCli(['segment', model(), '-o', join(ws.dir, 'x.glb'), '--segmenter', 'local']);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
