import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listModels, SHARED_MODELS } from '../packages/split/test/helpers/paths.js';
import { HAS_CHROMIUM, launchChromium, NO_CHROMIUM_MESSAGE } from './helpers/chromium.js';
import { ensureBuilt } from './helpers/cli.js';
import {
  type BuiltPack,
  buildRun,
  type GalleryModel,
  HOSTILE_TEXT,
  slugOf,
} from './helpers/gallery-packs.js';
import { drawnPixels, loadThumbnails, settled, watchProblems } from './helpers/page-checks.js';
import { FIXTURES, ROOT, tempDir } from './helpers/paths.js';
import { type RunningView, startView } from './helpers/view.js';

/**
 * The galleries in a real browser: every model of ../shared/models (and a hostile-names fixture, and
 * the sword segmented offline) is split with today's splitModel, given thumbnails and a gallery, and
 * served by the built `meshparts view`; Chromium (Debian's, through playwright-core) opens the run's
 * page and every pack's page. Set MESHPARTS_SCREENSHOTS=docs to write the README's screenshots, and
 * MESHPARTS_GALLERY_MODELS=CesiumMilkTruck,PartCrafter_sword-local to try only some packs.
 */

const SCREENSHOTS = process.env.MESHPARTS_SCREENSHOTS;

/** The page globals the functions run in Chromium use (the test tsconfig has no DOM lib). */
interface PageNode {
  scrollTop: number;
  textContent: string | null;
  getBoundingClientRect(): { top: number; bottom: number };
}
declare const document: {
  body: { dataset: Record<string, string | undefined> };
  querySelectorAll(selector: string): ArrayLike<PageNode> & Iterable<PageNode>;
  getElementById(id: string): PageNode | null;
};
declare function getComputedStyle(node: PageNode): { opacity: string };
declare const window: { scrollTo(x: number, y: number): void; innerHeight: number };
declare function requestAnimationFrame(callback: () => void): number;

const ONLY = process.env.MESHPARTS_GALLERY_MODELS?.split(',');
const HOSTILE_PACK = '名前-hostile-names';

const ALL_MODELS: GalleryModel[] = [
  ...listModels(SHARED_MODELS).map((path) => ({ path, slug: slugOf(path, SHARED_MODELS) })),
  { path: join(FIXTURES, 'PartCrafter_sword.glb'), slug: 'PartCrafter_sword-local', local: true },
  // Non-ASCII, emoji, NFC/NFD and reserved-character names, in a non-ASCII pack folder.
  { path: join(FIXTURES, 'generated', 'hostile-names.glb'), slug: HOSTILE_PACK, hostileText: true },
  { path: join(FIXTURES, 'TwoCubes.glb'), slug: 'TwoCubes-no-thumbnails', noThumbnails: true },
];
const MODELS = ONLY ? ALL_MODELS.filter((model) => ONLY.includes(model.slug)) : ALL_MODELS;

if (!HAS_CHROMIUM) console.warn(`gallery-browser.test.ts: ${NO_CHROMIUM_MESSAGE}`);

describe.skipIf(!HAS_CHROMIUM)(
  `galleries in Chromium${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_MESSAGE})`}`,
  () => {
    let work: { dir: string; remove: () => Promise<void> };
    let packs: Map<string, BuiltPack>;
    let view: RunningView;
    let browser: Browser;
    let page: Page;
    let watcher: ReturnType<typeof watchProblems>;
    let base: string;
    let out: string;

    beforeAll(async () => {
      await ensureBuilt();
      work = await tempDir('gallery-browser');
      out = join(work.dir, 'out');
      packs = await buildRun(out, MODELS);
      view = await startView([out, '--quiet']);
      base = view.url.replace(/index\.html$/, '');
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 900, height: 640 } });
      watcher = watchProblems(page);
    }, 600_000);

    afterAll(async () => {
      await browser?.close();
      view?.child.kill('SIGTERM');
      if (view) expect((await view.done).code).toBe(0);
      await work?.remove();
    });

    for (const model of MODELS) {
      it(`${model.slug}: thumbnails load, the whole model and a part draw, no console error`, async () => {
        const built = packs.get(model.slug);
        if (!built) {
          // Only a model with no mesh has no pack (trimesh_empty_nodes: splitModel's NoPartsError),
          // and so the run's page does not list it (the first test counts the cards).
          expect(model.slug).toBe('trimesh_empty_nodes');
          return;
        }
        const { manifest } = built!;
        watcher.reset();
        await page.goto(`${base}${encodeURIComponent(model.slug)}/index.html?from=run`);
        expect(await settled(page), watcher.problems.join('\n')).toBe('ready');
        expect(await page.evaluate(() => document.body.dataset.view)).toBe('whole');
        expect(await page.locator('#grid .card').count()).toBe(manifest.parts.length);
        const thumbnails = await loadThumbnails(page);
        expect(thumbnails).toEqual({
          count: manifest.parts.filter((part) => part.thumbnail).length,
          broken: [],
        });
        const whole = await drawnPixels(page);
        expect(whole.pixels, 'the whole model is drawn').toBeGreaterThan(whole.total * 0.002);
        expect(whole.colours).toBeGreaterThanOrEqual(3);
        expect(whole.edge, 'the whole model is framed whole: nothing cut off at an edge').toBe(0);

        if (SCREENSHOTS && model.slug === 'CesiumMilkTruck') await screenshot(page, 'gallery-truck.png');

        const placements = manifest.parts.reduce((n, part) => n + part.placements.length, 0);
        if (placements > 1) {
          await page.click('#explode');
          await page.waitForFunction(() => document.body.dataset.explode === '0.6');
          const exploded = await drawnPixels(page);
          expect(exploded.pixels).toBeGreaterThan(0);
          expect(exploded.png.equals(whole.png), 'exploding moves the parts').toBe(false);
          expect(exploded.edge, 'the exploded model is framed whole').toBe(0);
          if (SCREENSHOTS && model.slug === 'PartCrafter_sword-local')
            await screenshot(page, 'gallery-sword.png');
        } else if (SCREENSHOTS && model.slug === 'PartCrafter_sword-local') {
          throw new Error('the locally segmented sword should have several parts');
        }

        // The part view: the part with the most triangles (points and lines draw only a few pixels).
        const biggest = manifest.parts.reduce((a, b) => (b.triangles > a.triangles ? b : a));
        await showPart(page, manifest.parts.indexOf(biggest), biggest.name);
        const part = await drawnPixels(page);
        expect(part.pixels, `${biggest.name} is drawn`).toBeGreaterThan(part.total * 0.002);
        expect(part.colours).toBeGreaterThanOrEqual(3);
        expect(part.edge, `${biggest.name} is framed whole`).toBe(0);

        // Every part whose name is not ASCII loads by its (percent-encoded) file name.
        for (const [index, entry] of manifest.parts.entries()) {
          if (/^[\x20-\x7e]*$/.test(entry.name) || entry === biggest) continue;
          await showPart(page, index, entry.name);
          expect((await drawnPixels(page)).pixels, entry.name).toBeGreaterThan(0);
        }
        expect(watcher.problems).toEqual([]);
      }, 180_000);
    }

    it("shows every pack on the run's page, with its thumbnail, and links to each pack's page", async () => {
      watcher.reset();
      await page.goto(view.url);
      expect(await settled(page)).toBe('ready');
      expect(await page.locator('#packs > li.card').count()).toBe(packs.size);
      const thumbnails = await loadThumbnails(page);
      const withThumbnail = [...packs.values()].filter(({ manifest }) => manifest.thumbnail).length;
      expect(thumbnails).toEqual({ count: withThumbnail, broken: [] });
      const links = await page
        .locator('#packs a.name')
        .evaluateAll((anchors) =>
          anchors.map((a) => decodeURIComponent(new URL((a as unknown as { href: string }).href).pathname)),
        );
      expect(links.sort()).toEqual([...packs.keys()].map((slug) => `/${slug}/index.html`).sort());
      expect(await page.locator('#run-meta').textContent()).toContain(
        `${packs.size} model${packs.size === 1 ? '' : 's'}`,
      );
      if (SCREENSHOTS) await screenshot(page, 'gallery-run.png');
      expect(watcher.problems).toEqual([]);
    });

    it.skipIf(ONLY && !ONLY.includes(HOSTILE_PACK))(
      'shows markup from a model as text: nothing runs, no element is made from it',
      async () => {
        watcher.reset();
        await page.goto(`${base}${encodeURIComponent(HOSTILE_PACK)}/index.html`);
        expect(await settled(page)).toBe('ready');
        const found = await page.evaluate(() => ({
          pwned: document.body.dataset.pwned,
          images: document.querySelectorAll('img[src="x"]').length,
          scripts: document.querySelectorAll('body script').length,
          links: [...document.querySelectorAll('a')].map((a) => (a as unknown as { href: string }).href),
          credit: document.getElementById('credit')?.textContent ?? '',
          sources: [...document.querySelectorAll('.card .source')].map((node) => node.textContent),
        }));
        expect(found.pwned).toBeUndefined();
        expect(found.images).toBe(0);
        expect(found.scripts).toBe(0);
        expect(found.links.filter((href) => !/^https?:/.test(href))).toEqual([]);
        expect(found.links).toContain('https://example.org/l?a=1&b='); // a URL ends where markup starts
        expect(found.credit).toContain(HOSTILE_TEXT.license);
        expect(found.credit).toContain(HOSTILE_TEXT.attribution);
        expect(found.sources).toContain(HOSTILE_TEXT.sourceName);
        expect(watcher.problems).toEqual([]);
      },
    );

    it('says how to serve the page when it is opened from a file:// address', async () => {
      const local = await browser.newPage();
      await local.goto(pathToFileURL(join(out, [...packs.keys()][0]!, 'index.html')).href);
      const boot = local.locator('#boot');
      await boot.waitFor({ state: 'visible' });
      await local.waitForFunction(
        () => Number(getComputedStyle(document.getElementById('boot')!).opacity) === 1,
      );
      expect(await boot.textContent()).toContain('meshparts view');
      // Nothing says it is loading: it never will (the trial saw "Loading…" stay forever).
      expect(await local.locator('body').textContent()).not.toMatch(/Loading/);
      expect(await local.locator('#status').isVisible()).toBe(false);
      await local.close();
    });

    it('the filter counts what it leaves and says when nothing matches; names wrap at their separators', async () => {
      const [slug, built] = [...packs].find(([, pack]) => pack.manifest.parts.length >= 3)!;
      const total = built.manifest.parts.length;
      await page.goto(`${base}${encodeURIComponent(slug)}/index.html`);
      expect(await settled(page)).toBe('ready');
      await page.fill('#filter', 'zzz-no-such-part');
      expect(await page.locator('#part-count').textContent()).toBe(`0 of ${total}`);
      expect(await page.locator('#no-match').textContent()).toBe('No part name contains “zzz-no-such-part”.');
      expect(await page.locator('#no-match').isVisible()).toBe(true);
      const first = built.manifest.parts[0]!.name;
      await page.fill('#filter', first);
      expect(await page.locator('#no-match').isVisible()).toBe(false);
      expect(await page.locator('#part-count').textContent()).toMatch(new RegExp(`^\\d+ of ${total}$`));
      await page.fill('#filter', '');
      expect(await page.locator('#part-count').textContent()).toBe(String(total));
      // A name's text is unchanged, with a break opportunity after each separator (none inside words).
      const names = await page.$$eval('#grid .card .name', (elements) =>
        elements.map((e) => ({ text: e.textContent, breaks: e.querySelectorAll('wbr').length })),
      );
      expect(names.map((n) => n.text)).toEqual(built.manifest.parts.map((part) => part.name));
      for (const { text, breaks } of names) {
        expect(breaks).toBe(text!.split(/(?<=[_\-.])|(?<=\p{Ll})(?=\p{Lu})/u).filter(Boolean).length - 1);
      }

      // The run's page too.
      await page.goto(`${base}index.html`);
      await page.waitForFunction(() => document.querySelectorAll('#packs .card').length > 0);
      await page.fill('#filter', 'zzz-no-such-model');
      expect(await page.locator('#no-match').textContent()).toBe(
        'No model name contains “zzz-no-such-model”.',
      );
    });

    it.skipIf(ONLY && !(ONLY.includes('Fox') && ONLY.includes('BoxAnimated')))(
      "Play plays the clip chosen among a model's clips, not all of them at once",
      async () => {
        await page.goto(`${base}Fox/index.html`);
        expect(await settled(page)).toBe('ready');
        expect(await page.locator('#clip').isVisible()).toBe(true);
        expect(await page.$$eval('#clip option', (options) => options.map((o) => o.textContent))).toEqual([
          'Survey',
          'Walk',
          'Run',
        ]);
        await page.selectOption('#clip', 'Walk');
        await page.click('#play');
        expect(await page.locator('#view').getAttribute('data-clip')).toBe('Walk');
        await page.selectOption('#clip', 'Run');
        expect(await page.locator('#view').getAttribute('data-clip')).toBe('Run');
        await page.click('#play');
        expect(await page.locator('#view').getAttribute('data-clip')).toBeNull();
        // One clip: nothing to choose.
        await page.goto(`${base}BoxAnimated/index.html`);
        expect(await settled(page)).toBe('ready');
        expect(await page.locator('#play').isVisible()).toBe(true);
        expect(await page.locator('#clip').isVisible()).toBe(false);
      },
    );

    it('on a phone, tapping a card below the 3D view brings the view on screen', async () => {
      const [slug, built] = [...packs].find(([, pack]) => pack.manifest.parts.length >= 4)!;
      const phone = await browser.newPage({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
      });
      await phone.goto(`${base}${encodeURIComponent(slug)}/index.html`);
      await phone.waitForFunction(() => document.body.dataset.state === 'ready', undefined, {
        timeout: 60_000,
      });
      const last = built.manifest.parts.length - 1;
      const card = phone.locator(`#grid .card[data-index="${last}"]`);
      await card.scrollIntoViewIfNeeded();
      const stageTop = () =>
        phone.evaluate(() => document.querySelectorAll('.stage')[0]!.getBoundingClientRect().top);
      expect(await stageTop()).toBeLessThan(-200);
      await card.tap();
      await phone.waitForFunction(() => {
        const box = document.querySelectorAll('.stage')[0]!.getBoundingClientRect();
        return box.top >= -1 && box.top < window.innerHeight / 2;
      });
      expect(await phone.evaluate(() => document.body.dataset.view)).toBe('part');
      await phone.close();
    });

    it.skipIf(ONLY && !ONLY.includes(HOSTILE_PACK))(
      'names with non-ASCII characters are in the hostile-names pack (the loop above tried them)',
      () => {
        const names = packs.get(HOSTILE_PACK)!.manifest.parts.map((part) => part.name);
        expect(names.filter((name) => !/^[\x20-\x7e]*$/.test(name)).length).toBeGreaterThanOrEqual(3);
      },
    );
  },
);

/** Clicks a part's card and waits until the part view has drawn it. */
async function showPart(page: Page, index: number, name: string): Promise<void> {
  await page.locator(`#grid .card[data-index="${index}"]`).click();
  await page.waitForFunction(
    (expected) => document.body.dataset.view === 'part' && document.body.dataset.part === expected,
    name,
  );
  expect(await settled(page), name).toBe('ready');
  expect(await page.locator('#view-title').textContent()).toBe(name);
}

/** A README screenshot of the whole page at a desktop size, under $MESHPARTS_SCREENSHOTS. */
async function screenshot(page: Page, file: string): Promise<void> {
  const dir = join(ROOT, SCREENSHOTS!);
  await mkdir(dir, { recursive: true });
  const size = page.viewportSize();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.evaluate(() => {
    window.scrollTo(0, 0);
    for (const list of document.querySelectorAll('.grid')) list.scrollTop = 0;
  });
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
  await writeFile(join(dir, file), await page.screenshot());
  if (size) await page.setViewportSize(size);
}
