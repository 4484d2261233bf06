import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Manifest, verifyPack } from '../packages/split/src/index.js';
import { manifestSchemaErrors } from '../packages/split/test/helpers/schema.js';
import { HAS_CHROMIUM, launchChromium, NO_CHROMIUM_MESSAGE } from './helpers/chromium.js';
import { ensureBuilt, runCli } from './helpers/cli.js';
import { drawnPixels, settled, watchProblems } from './helpers/page-checks.js';
import { FIXTURES, tempDir } from './helpers/paths.js';
import { type RunningView, startView } from './helpers/view.js';

/**
 * Issue 15 as a user runs it: `meshparts split <model> -o <dir> --textures shared --json` (thumbnails
 * and gallery on, the defaults) writes each image once in `textures/`, listed in the manifest's
 * `files`, and part files that refer to it. Then, in Chromium, three.js's GLTFLoader (the copy the
 * gallery ships) loads a part file by URL with its `../textures/` image, and the gallery draws the
 * shared pack exactly as it draws the embed pack of the same model.
 */

/** The page globals the functions run in Chromium use (the test tsconfig has no DOM lib). */
declare const document: { body: { dataset: Record<string, string | undefined> } };

let work: { dir: string; remove: () => Promise<void> };
beforeAll(async () => {
  await ensureBuilt();
  work = await tempDir('textures-cli');
}, 180_000);
afterAll(() => work?.remove());

/** Runs `meshparts split` with --json on the truck and returns the printed manifest. */
async function splitTruck(out: string, ...flags: string[]): Promise<Manifest> {
  const result = await runCli([
    'split',
    join(FIXTURES, 'CesiumMilkTruck.glb'),
    '-o',
    out,
    ...flags,
    '--json',
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const { dir, manifest } = JSON.parse(result.stdout) as { dir: string; manifest: Manifest };
  expect(dir).toBe(out);
  expect(manifestSchemaErrors(manifest)).toBeNull();
  return manifest;
}

describe('meshparts split --textures shared', () => {
  it('writes the atlas once in textures/, listed in files; every part refers to it; the pack is complete', async () => {
    const out = join(work.dir, 'shared');
    const manifest = await splitTruck(out, '--textures', 'shared');
    const textures = (manifest.files ?? []).filter((file) => file.path.startsWith('textures/'));
    expect(textures.map((file) => file.path)).toEqual(['textures/CesiumMilkTruck.jpg']);
    expect(await readdir(join(out, 'textures'))).toEqual(['CesiumMilkTruck.jpg']);
    const source = await readFile(join(FIXTURES, 'CesiumMilkTruck.glb'));
    for (const part of manifest.parts) {
      expect(part.images).toEqual([
        {
          name: 'CesiumMilkTruck.jpg',
          mimeType: 'image/jpeg',
          width: 2048,
          height: 2048,
          byteLength: textures[0]!.byteLength,
          file: 'textures/CesiumMilkTruck.jpg',
        },
      ]);
      // The part file holds no image: the source's 296 kB atlas is not inside it.
      expect(part.byteLength).toBeLessThan(source.byteLength - textures[0]!.byteLength);
      const glb = await readFile(join(out, part.file));
      const jsonLength = glb.readUInt32LE(12);
      const json = JSON.parse(glb.subarray(20, 20 + jsonLength).toString('utf8'));
      expect(json.images).toEqual([
        { name: 'CesiumMilkTruck.jpg', uri: '../textures/CesiumMilkTruck.jpg', mimeType: 'image/jpeg' },
      ]);
    }
    expect(await verifyPack(out)).toMatchObject({ complete: true, problems: [] });
  });
});

if (!HAS_CHROMIUM) console.warn(`textures-cli.test.ts: ${NO_CHROMIUM_MESSAGE}`);

describe.skipIf(!HAS_CHROMIUM)(
  `a shared pack in three.js${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_MESSAGE})`}`,
  () => {
    let view: RunningView;
    let browser: Browser;
    let page: Page;
    let base: string;
    let shared: Manifest;

    beforeAll(async () => {
      shared = await splitTruck(join(work.dir, 'packs', 'shared'), '--textures', 'shared');
      await splitTruck(join(work.dir, 'packs', 'embed'), '--textures', 'embed');
      view = await startView([join(work.dir, 'packs', 'shared'), '--quiet']);
      base = view.url.replace(/index\.html$/, '');
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 640, height: 480 } });
    }, 300_000);

    afterAll(async () => {
      await browser?.close();
      view?.child.kill('SIGTERM');
      if (view) expect((await view.done).code).toBe(0);
    });

    it("GLTFLoader.loadAsync(url) resolves a part's ../textures/ image; the gallery draws it as the embed pack", async () => {
      const watcher = watchProblems(page);
      await page.goto(`${base}index.html`);
      expect(await settled(page), watcher.problems.join('\n')).toBe('ready');
      // The plain three.js call a user's app makes: load a part file by URL.
      // A string, not a function: vitest would rewrite a function's import() for Node.
      const maps = (await page.evaluate(`(async () => {
        const { GLTFLoader } = await import('three/addons/loaders/GLTFLoader.js');
        const gltf = await new GLTFLoader().loadAsync(${JSON.stringify(shared.parts[0]!.file)});
        const found = [];
        gltf.scene.traverse((object) => {
          const image = object.material?.map?.image;
          if (image) found.push([image.width, image.height]);
        });
        return found;
      })()`)) as Array<[number, number]>;
      expect(maps.length).toBeGreaterThan(0);
      for (const size of maps) expect(size).toEqual([2048, 2048]);
      expect(watcher.problems).toEqual([]);
      const sharedView = await drawnPixels(page);
      expect(sharedView.colours).toBeGreaterThanOrEqual(3);
      // The same view of the embed pack, served by the same `meshparts view` process is not possible
      // (it serves one folder): the gallery page reads its manifest beside it, so load it from a
      // second server.
      const embed = await startView([join(work.dir, 'packs', 'embed'), '--quiet']);
      try {
        await page.goto(embed.url);
        expect(await settled(page), watcher.problems.join('\n')).toBe('ready');
        const embedView = await drawnPixels(page);
        expect(sharedView.png.equals(embedView.png), 'shared and embed draw the same pixels').toBe(true);
      } finally {
        embed.child.kill('SIGTERM');
        await embed.done;
      }
      expect(watcher.problems).toEqual([]);
      expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
    });
  },
);
