import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPack } from '../packages/split/src/index.js';
import { type CliResult, cleanEnv, collect, ensureBuilt, runCli } from './helpers/cli.js';
import { tempLeftovers } from './helpers/leftovers.js';
import { expectValidPack } from './helpers/packs.js';
import { BIN, FIXTURES, ROOT, tempDir } from './helpers/paths.js';

/**
 * GitHub issues 10 and 11: the pack folder is the user's too, and names work on the web. The built
 * `meshparts` binary, as a user runs it, on real fixture models (attribution in fixtures/SOURCES.md).
 */

let work: { dir: string; remove: () => Promise<void> };
beforeAll(async () => {
  work = await tempDir('pack-folder');
  await ensureBuilt();
}, 180_000);
afterAll(async () => {
  await work?.remove();
});

/** Every file under `dir` (relative) with its bytes, to prove that nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string, prefix: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(join(at, entry.name), rel);
      else files[rel] = readFileSync(join(at, entry.name)).toString('base64');
    }
  };
  walk(dir, '');
  return files;
}

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

interface RunJson {
  results: { file: string; slug: string; outcome: string; error: { code: string; message: string } | null }[];
}

describe('meshparts split into a folder the user owns too', () => {
  it('keeps a LICENSE.txt and a previews/ folder the user added when the pack is made again (defect 5)', async () => {
    const out = join(work.dir, 'kept');
    expect((await runCli(['split', join(FIXTURES, 'TwoCubes.glb'), '-o', out])).code).toBe(0);
    writeFileSync(join(out, 'LICENSE.txt'), 'CC-BY 4.0, by me');
    mkdirSync(join(out, 'previews'));
    writeFileSync(join(out, 'previews', 'CubeA.png'), 'my preview');
    const again = await runCli(['split', join(FIXTURES, 'TwoCubes.glb'), '-o', out, '--case', 'snake']);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(out, 'LICENSE.txt'), 'utf8')).toBe('CC-BY 4.0, by me');
    expect(readFileSync(join(out, 'previews', 'CubeA.png'), 'utf8')).toBe('my preview');
    const manifest = await expectValidPack(out);
    // The old part files (other names) are gone: only what the new manifest lists is in parts/.
    expect(readdirSync(join(out, 'parts')).sort()).toEqual(manifest.parts.map((p) => p.file.slice(6)).sort());
    expect(await tempLeftovers(out)).toEqual([]);
  });

  it('refuses a project folder whose manifest.json is not meshparts’, exit 2, touching nothing (D1)', async () => {
    const project = join(work.dir, 'proj');
    mkdirSync(join(project, 'src'), { recursive: true });
    mkdirSync(join(project, '.git'));
    writeFileSync(join(project, 'manifest.json'), '{"name":"proj"}');
    writeFileSync(join(project, 'src', 'main.ts'), 'code');
    writeFileSync(join(project, '.git', 'HEAD'), 'git');
    chmodSync(project, 0o755);
    const before = snapshot(project);
    const result = await runCli(['split', join(FIXTURES, 'TwoCubes.glb'), '-o', '.'], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not a meshparts manifest/);
    expect(snapshot(project)).toEqual(before);
    expect(mode(project)).toBe('755');
    expect(readdirSync(work.dir).filter((name) => /\.tmp-|\.old-/.test(name))).toEqual([]);
  });

  it('refuses to write a part over a file the user put in parts/, exit 2, nothing changed', async () => {
    const out = join(work.dir, 'clash');
    expect((await runCli(['split', join(FIXTURES, 'TwoCubes.glb'), '-o', out, '--case', 'snake'])).code).toBe(
      0,
    );
    const names = readdirSync(join(out, 'parts'));
    // The user saves a file under the name the next split (another case style) will use.
    const next = await runCli([
      'split',
      join(FIXTURES, 'TwoCubes.glb'),
      '-o',
      join(work.dir, 'probe'),
      '--case',
      'pascal',
      '--json',
    ]);
    const target = (JSON.parse(next.stdout) as { manifest: { parts: { file: string }[] } }).manifest.parts[0]!
      .file;
    writeFileSync(join(out, target), 'the user’s own file');
    const before = snapshot(out);
    const result = await runCli(['split', join(FIXTURES, 'TwoCubes.glb'), '-o', out, '--case', 'pascal']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(target);
    expect(snapshot(out)).toEqual(before);
    expect(names.length).toBeGreaterThan(0);
  });

  it('creates pack folders and files that follow the umask: 0755 and 0644 under 022 (D13)', async () => {
    const previous = process.umask(0o022);
    try {
      const out = join(work.dir, 'modes', 'pack');
      expect((await runCli(['split', join(FIXTURES, 'TwoCubes.glb'), '-o', out])).code).toBe(0);
      expect([mode(join(work.dir, 'modes')), mode(out), mode(join(out, 'parts'))]).toEqual([
        '755',
        '755',
        '755',
      ]);
      expect(mode(join(out, 'manifest.json'))).toBe('644');
      const runOut = join(work.dir, 'modes-run');
      expect(
        (await runCli(['run', join(FIXTURES, 'TwoCubes.glb'), '-o', runOut, '--segmenter', 'local'])).code,
      ).toBe(0);
      expect(mode(join(runOut, 'TwoCubes'))).toBe('755');
      expect(mode(join(runOut, 'TwoCubes', 'manifest.json'))).toBe('644');
    } finally {
      process.umask(previous);
    }
  });
});

describe('names that work on the web (defect 3)', () => {
  it('writes URL-safe part files and pack folders that a URL resolves to as they are', async () => {
    const models = join(work.dir, 'web-models');
    mkdirSync(models);
    cpSync(join(FIXTURES, 'trimesh_pins.glb'), join(models, 'My Robot #2 (final).glb'));
    const out = join(work.dir, 'web');
    const result = await runCli(['run', models, '-o', out, '--segmenter', 'local', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const run = JSON.parse(result.stdout) as RunJson;
    expect(run.results.map((r) => r.slug)).toEqual(['My_Robot_2_final']);
    const split = await runCli([
      'split',
      join(FIXTURES, 'trimesh_pins.glb'),
      '-o',
      join(out, 'pins'),
      '--json',
    ]);
    expect(split.code, split.stderr).toBe(0);
    const files = [
      ...(JSON.parse(split.stdout) as { manifest: { parts: { file: string; sourceName: string }[] } })
        .manifest.parts,
    ];
    // The source names keep their '#'; the files do not.
    expect(files.some((part) => part.sourceName.includes('#'))).toBe(true);
    expect(files.map((part) => part.file)).toContain('parts/sides_1_5_2_4_3.glb');
    for (const path of [
      ...files.map((part) => `pins/${part.file}`),
      ...readdirSync(join(out, 'My_Robot_2_final', 'parts')).map((name) => `My_Robot_2_final/parts/${name}`),
    ]) {
      const url = new URL(path, 'https://cdn.example.com/packs/');
      expect(url.pathname, path).toBe(`/packs/${path}`);
      expect(url.hash + url.search).toBe('');
    }
    const catalog = JSON.parse(readFileSync(join(out, 'catalog.json'), 'utf8')) as {
      packs: { manifest: string }[];
    };
    expect(catalog.packs.map((p) => p.manifest)).toEqual(['My_Robot_2_final/manifest.json']);
  });
});

describe('meshparts run into a folder the user owns too', () => {
  it('refuses a catalog.json it did not write, exit 2 before anything runs (D9)', async () => {
    const out = join(work.dir, 'gamecat');
    mkdirSync(out);
    writeFileSync(join(out, 'catalog.json'), '{"items":[{"id":1,"name":"sword"}],"note":"hand-written"}');
    const before = snapshot(out);
    const result = await runCli(['run', join(FIXTURES, 'TwoCubes.glb'), '-o', out, '--segmenter', 'local']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/catalog\.json is not a meshparts catalog/);
    expect(snapshot(out)).toEqual(before);
  });

  it('refuses a model folder that is not a meshparts pack, exit 2, touching nothing in it (D1)', async () => {
    const models = join(work.dir, 'ext-models');
    mkdirSync(models);
    cpSync(join(FIXTURES, 'TwoCubes.glb'), join(models, 'ext.glb'));
    const game = join(work.dir, 'game');
    mkdirSync(join(game, 'ext'), { recursive: true });
    writeFileSync(join(game, 'ext', 'manifest.json'), '{"manifest_version":3}');
    writeFileSync(join(game, 'ext', 'background.js'), 'code');
    const before = snapshot(join(game, 'ext'));
    const result = await runCli(['run', models, '-o', game, '--segmenter', 'local']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/ext\/ \(for .*ext\.glb\)/);
    expect(snapshot(join(game, 'ext'))).toEqual(before);
  });

  it('keeps every model in its own pack folder when only some of same-named models run again (D15)', async () => {
    const models = join(work.dir, 'same-named');
    mkdirSync(join(models, 'a'), { recursive: true });
    mkdirSync(join(models, 'b'));
    cpSync(join(FIXTURES, 'TwoCubes.glb'), join(models, 'a', 'robot.glb'));
    cpSync(join(FIXTURES, 'BoxAnimated.glb'), join(models, 'b', 'robot.glb'));
    const out = join(work.dir, 'same-out');
    const both = await runCli([
      'run',
      join(models, 'a', 'robot.glb'),
      join(models, 'b', 'robot.glb'),
      '-o',
      out,
      '--segmenter',
      'local',
      '--json',
    ]);
    expect(both.code, both.stderr).toBe(0);
    const slugs = (JSON.parse(both.stdout) as RunJson).results.map((r) => r.slug);
    expect(slugs[0]).toBe('robot');
    const aPack = readFileSync(join(out, 'robot', 'manifest.json'), 'utf8');
    // Only b, with other split options so that its pack is made again: it goes to its own folder.
    const onlyB = await runCli([
      'run',
      join(models, 'b', 'robot.glb'),
      '-o',
      out,
      '--segmenter',
      'local',
      '--pivot',
      'bottom',
      '--json',
    ]);
    expect(onlyB.code, onlyB.stderr).toBe(0);
    const result = (JSON.parse(onlyB.stdout) as RunJson).results[0]!;
    expect(result.slug).toBe(slugs[1]);
    expect(result.outcome).toBe('packed');
    expect(readFileSync(join(out, 'robot', 'manifest.json'), 'utf8')).toBe(aPack);
    const catalog = JSON.parse(readFileSync(join(out, 'catalog.json'), 'utf8')) as {
      packs: { pack: string; model: string }[];
    };
    expect(catalog.packs.map((p) => [p.pack, p.model.split(/[\\/]/).slice(-2).join('/')])).toEqual([
      ['robot', 'a/robot.glb'],
      [slugs[1], 'b/robot.glb'],
    ]);
  });
});

const CAN_DROP_PRIVILEGES = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');

describe.skipIf(!CAN_DROP_PRIVILEGES)(
  'a read-only pack folder (as an unprivileged user: root ignores modes)',
  () => {
    it('fails that model alone with an honest message, changes nothing, and blocks no later run (D12)', async () => {
      const base = join(work.dir, 'readonly');
      const models = join(base, 'models');
      mkdirSync(models, { recursive: true });
      cpSync(join(FIXTURES, 'TwoCubes.glb'), join(models, 'TwoCubes.glb'));
      cpSync(join(FIXTURES, 'BoxAnimated.glb'), join(models, 'BoxAnimated.glb'));
      const out = join(base, 'out');
      chmodSync(work.dir, 0o755);
      execFileSync('chown', ['-R', '65534:65534', base]);
      const asNobody = (args: string[]) => spawnNobody(args);
      const first = await asNobody(['run', models, '-o', out, '--segmenter', 'local', '--json']);
      expect(first.code, first.stderr).toBe(0);
      const pack = join(out, 'TwoCubes');
      const before = snapshot(pack);
      chmodSync(pack, 0o555);
      try {
        const second = await asNobody([
          'run',
          models,
          '-o',
          out,
          '--segmenter',
          'local',
          '--pivot',
          'bottom',
          '--json',
        ]);
        expect(second.code).toBe(1);
        const results = (JSON.parse(second.stdout) as RunJson).results;
        const failed = results.find((r) => r.slug === 'TwoCubes')!;
        expect(failed.outcome).toBe('failed');
        expect(failed.error?.code).toBe('output');
        expect(failed.error?.message).toMatch(/TwoCubes.*(EACCES|not writable|permission denied)/i);
        expect(results.find((r) => r.slug === 'BoxAnimated')!.outcome).toBe('packed');
        // Nothing changed in the read-only pack, which is still complete, and nothing was left beside it.
        expect(snapshot(pack)).toEqual(before);
        expect((await verifyPack(pack)).complete).toBe(true);
        expect(await tempLeftovers(out)).toEqual([]);
        // The next run is not blocked: it runs every model again, the read-only one failing alone.
        const third = await asNobody([
          'run',
          models,
          '-o',
          out,
          '--segmenter',
          'local',
          '--pivot',
          'bottom',
          '--json',
        ]);
        expect(third.code).toBe(1);
        expect((JSON.parse(third.stdout) as RunJson).results.map((r) => r.outcome).sort()).toEqual([
          'failed',
          'skipped',
        ]);
      } finally {
        chmodSync(pack, 0o755);
      }
      const fixed = await asNobody([
        'run',
        models,
        '-o',
        out,
        '--segmenter',
        'local',
        '--pivot',
        'bottom',
        '--json',
      ]);
      expect(fixed.code, fixed.stderr).toBe(0);
      await expectValidPack(pack);
    });
  },
);

/** The built CLI as user `nobody` (65534), with the tests' clean environment. */
function spawnNobody(args: string[]): Promise<CliResult> {
  const child = spawn(
    'setpriv',
    ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args],
    { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return collect(child, 60_000);
}
