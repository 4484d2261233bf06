import type { Page } from 'playwright-core';
import { decodeImage } from '../../packages/split/src/images/index.js';

/**
 * The page globals that the functions run in the browser use. The test tsconfig has no DOM lib
 * (it would retype Node's globals for every test); these functions are serialised and run in
 * Chromium, where `document` is the real one.
 */
interface PageImage {
  complete: boolean;
  naturalWidth: number;
  src: string;
}
declare const document: {
  body: { dataset: Record<string, string | undefined> };
  querySelectorAll(selector: string): Iterable<PageImage>;
};

/** What went wrong on a page: console errors, uncaught exceptions, failed or refused requests. */
export function watchProblems(page: Page): { problems: string[]; reset: () => void } {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return { problems, reset: () => problems.splice(0) };
}

/** Waits until <body data-state> says ready or error, and returns it. */
export async function settled(page: Page, timeoutMs = 120_000): Promise<string> {
  await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state ?? ''), null, {
    timeout: timeoutMs,
    polling: 100,
  });
  return page.evaluate(() => document.body.dataset.state ?? '');
}

/**
 * Scrolls every thumbnail image into view (they load lazily) and waits for each to finish.
 * Returns how many there are and which did not decode.
 */
export async function loadThumbnails(page: Page): Promise<{ count: number; broken: string[] }> {
  const images = page.locator('img.thumb');
  const count = await images.count();
  for (let i = 0; i < count; i++) await images.nth(i).scrollIntoViewIfNeeded();
  await page.waitForFunction(
    () => [...document.querySelectorAll('img.thumb')].every((image) => image.complete),
    null,
    { timeout: 30_000 },
  );
  const broken = await page.evaluate(() =>
    [...document.querySelectorAll('img.thumb')]
      .filter((image) => image.naturalWidth === 0)
      .map((image) => image.src),
  );
  // Placeholders replace images that fail, so also count what is left of the ones that were there.
  return { count, broken };
}

/** Pixels of the 3D view that differ from its background, and how many distinct colours they have. */
export interface Drawn {
  pixels: number;
  total: number;
  colours: number;
  /** Drawn pixels on a ring just inside the view's edges: 0 when nothing is cut off at an edge. */
  edge: number;
  /** The screenshot, for comparing two states of the view. */
  png: Buffer;
}

/** How far in from the screenshot's edges {@link Drawn.edge} looks. */
const EDGE_INSET = 2;

/** Screenshots the view's canvas (what the user sees) and counts what is drawn on it. */
export async function drawnPixels(page: Page): Promise<Drawn> {
  const canvas = page.locator('#view');
  const background = (await canvas.getAttribute('data-background')) ?? '#000000';
  const [br, bg, bb] = [1, 3, 5].map((i) => Number.parseInt(background.slice(i, i + 2), 16));
  const png = await canvas.screenshot();
  const image = await decodeImage(new Uint8Array(png));
  const colours = new Set<number>();
  let pixels = 0;
  let edge = 0;
  const { width, height } = image;
  for (let i = 0; i < image.data.length; i += 4) {
    const [r, g, b] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
    if (Math.abs(r - br!) + Math.abs(g - bg!) + Math.abs(b - bb!) <= 12) continue;
    pixels++;
    colours.add((r << 16) | (g << 8) | b);
    const x = (i / 4) % width;
    const y = Math.floor(i / 4 / width);
    // Two pixels in: the screenshot's outermost rows and columns may hold the page around the canvas.
    const [lo, right, bottom] = [EDGE_INSET, width - 1 - EDGE_INSET, height - 1 - EDGE_INSET];
    const inside = x >= lo && y >= lo && x <= right && y <= bottom;
    if (inside && (x === lo || y === lo || x === right || y === bottom)) edge++;
  }
  return { pixels, total: width * height, colours: colours.size, edge, png };
}
