import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyPack } from '../packages/split/src/pack.js';
import { ensureBuilt, runCli } from './helpers/cli.js';
import { FIXTURES } from './helpers/paths.js';
import { useWorkspace } from './helpers/workspace.js';

/**
 * `--no-gallery` (the fourth newcomer's trial: every pack carried 2.4 MB of three.js, 29 of a run's
 * 48 MB): packs with their parts, thumbnails and manifest only, and no page over them; turning it
 * on or off again re-splits from the cache (free), adding or removing the pages.
 */

const ws = useWorkspace('no-gallery', ['TwoCubes.glb', 'BoxAnimated.glb']);

beforeAll(ensureBuilt, 180_000);

interface RunJson {
  gallery: string | null;
  results: { action: string; outcome: string; packDir: string }[];
}

const pageFiles = (dir: string) => ['index.html', 'gallery'].filter((name) => existsSync(join(dir, name)));

describe('--no-gallery', () => {
  it('split: a complete pack without index.html and gallery/', async () => {
    const out = join(ws.dir, 'split');
    const result = await runCli(['split', join(FIXTURES, 'TwoCubes.glb'), '-o', out, '--no-gallery']);
    expect(result.code, result.stderr).toBe(0);
    expect(pageFiles(out)).toEqual([]);
    expect((await readdir(out)).sort()).toEqual(['manifest.json', 'parts', 'thumbnail.png', 'thumbnails']);
    expect((await verifyPack(out)).problems).toEqual([]);
  });

  it('run: no page in the packs nor over them; the flag off again adds them, on again removes them', async () => {
    const run = async (...flags: string[]) => {
      const result = await runCli([
        'run',
        ws.inputs,
        '-o',
        ws.out,
        '--segmenter',
        'local',
        '--json',
        ...flags,
      ]);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as RunJson;
    };
    const without = await run('--no-gallery');
    expect(without.gallery).toBeNull();
    expect(pageFiles(ws.out)).toEqual([]);
    for (const result of without.results) {
      expect(pageFiles(result.packDir)).toEqual([]);
      expect((await verifyPack(result.packDir)).problems).toEqual([]);
    }
    expect(existsSync(join(ws.out, 'catalog.json'))).toBe(true);

    const withPages = await run();
    expect(withPages.results.map((r) => r.action)).toEqual(['split', 'split']);
    expect(withPages.gallery).toBe(join(ws.out, 'index.html'));
    for (const result of withPages.results)
      expect(pageFiles(result.packDir)).toEqual(['index.html', 'gallery']);

    // A file of the user's in gallery/ keeps that folder (and itself); meshparts' own files go.
    await writeFile(join(ws.out, 'gallery', 'notes.txt'), 'mine');
    const again = await run('--no-gallery');
    expect(again.results.map((r) => r.action)).toEqual(['split', 'split']);
    for (const result of again.results) {
      expect(pageFiles(result.packDir)).toEqual([]);
      expect((await verifyPack(result.packDir)).problems).toEqual([]);
    }
    // The page over the packs went with theirs: its cards would link to pages that are gone.
    expect(existsSync(join(ws.out, 'index.html'))).toBe(false);
    expect(await readdir(join(ws.out, 'gallery'), { recursive: true })).toEqual(['notes.txt']);
  }, 120_000);

  it("run: never removes an index.html that is not meshparts' page", async () => {
    const out = join(ws.dir, 'site');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'index.html'), '<!doctype html><title>my site</title>');
    const result = await runCli(['run', ws.inputs, '-o', out, '--segmenter', 'local', '--no-gallery']);
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(join(out, 'index.html'), 'utf8')).toBe('<!doctype html><title>my site</title>');
  }, 60_000);
});
