import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './helpers/cli.js';
import { ROOT } from './helpers/paths.js';

/**
 * What each package's tarball holds (its package.json `files`), listed by `npm pack --dry-run`
 * without writing one: everything its `exports`, `bin` and run-time reads need, and neither the
 * TypeScript sources nor the build's .tsbuildinfo. (The `source` export condition names src/ for
 * this repository's own tooling; it is not shipped.)
 */

const run = promisify(execFile);

async function packedFiles(pkg: string): Promise<string[]> {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: join(ROOT, 'packages', pkg),
    maxBuffer: 64 * 1024 * 1024,
  });
  return (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path);
}

/** Every file path an `exports` map or `bin` names, but the `source` condition's. */
function namedTargets(value: unknown, condition?: string): string[] {
  if (typeof value === 'string') return condition === 'source' ? [] : [value.replace(/^\.\//, '')];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => namedTargets(inner, key));
}

beforeAll(ensureBuilt, 180_000);

describe('package tarballs', () => {
  for (const pkg of ['client', 'split', 'cli']) {
    it(`${pkg}: holds what its exports and bin name, its README, no sources and no .tsbuildinfo`, async () => {
      const manifest = JSON.parse(await readFile(join(ROOT, 'packages', pkg, 'package.json'), 'utf8'));
      const files = await packedFiles(pkg);
      const targets = [...namedTargets(manifest.exports), ...namedTargets(manifest.bin ?? {})].filter(
        (target) => !target.includes('*'),
      );
      expect(targets.length).toBeGreaterThan(0);
      expect(targets.filter((target) => !files.includes(target))).toEqual([]);
      expect(files).toContain('README.md');
      expect(files.filter((file) => file.endsWith('.tsbuildinfo'))).toEqual([]);
      expect(files.filter((file) => /\.(ts|mts)$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
    }, 120_000);
  }

  for (const pkg of ['client', 'split', 'cli']) {
    it(`${pkg}: every link of its README into the package names a file the tarball holds`, async () => {
      const readme = await readFile(join(ROOT, 'packages', pkg, 'README.md'), 'utf8');
      const files = await packedFiles(pkg);
      // Relative Markdown links that stay in the package (not URLs, anchors or ../ into the repository).
      const inside = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map((match) => match[1]!.replace(/^\.\//, ''))
        .filter((target) => !/^[a-z]+:/.test(target) && !target.startsWith('../'));
      expect(inside.filter((target) => !files.includes(target))).toEqual([]);
    }, 120_000);
  }

  it('split: ships the schema and the gallery page files it reads at run time', async () => {
    const files = await packedFiles('split');
    expect(files).toContain('manifest.schema.json');
    for (const page of ['pack.html', 'run.html', 'gallery.css', 'js/viewer.js', 'js/pack-page.js'])
      expect(files).toContain(`src/pack/gallery/page/${page}`);
  }, 120_000);
});
