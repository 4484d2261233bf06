import { createHash } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../../../test/helpers/cli.js';
import { cliEnvFor, FAST_FLAGS, startTestEmulator } from '../../../test/helpers/emulator.js';
import { useWorkspace } from '../../../test/helpers/workspace.js';
import type { Emulator } from '../../client/src/testing/index.js';
import { journalPath, parseJournal } from '../src/pipeline/journal.js';

/**
 * A refused command (exit 2: bad usage or input, before any work) leaves the file system as it found
 * it: no new folder, no `.meshparts/`, no journal, no lock; and `run -o <a pack>` is refused, the pack
 * untouched. Every case runs the built `meshparts` bin and compares a listing (with each file's
 * sha256) of the whole workspace before and after.
 */

let emulator: Emulator | undefined;
const ws = useWorkspace('refusals', ['TwoCubes.glb', 'BoxAnimated.glb']);
const model = (name = 'TwoCubes.glb') => join(ws.inputs, name);

beforeAll(ensureBuilt, 180_000);
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** Every folder and file under `dir` (relative paths), files with their sha256. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  const walk = async (at: string, rel: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      const name = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        found[`${name}/`] = 'folder';
        await walk(path, name);
      } else {
        found[name] = createHash('sha256')
          .update(await readFile(path))
          .digest('hex');
      }
    }
  };
  await walk(dir, '');
  return found;
}

/** Runs the CLI and returns its result with the workspace as it was before and after. */
async function refused(args: string[], env: NodeJS.ProcessEnv = {}) {
  const before = await snapshot(ws.dir);
  const result = await runCli(args, { env });
  return { result, before, after: await snapshot(ws.dir) };
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('a refused command writes nothing', () => {
  it('run -o X where X/<slug>/ holds the user files: exit 2, no .meshparts/ in X', async () => {
    await mkdir(join(ws.out, 'TwoCubes'), { recursive: true });
    await writeFile(join(ws.out, 'TwoCubes', 'notes.txt'), 'mine\n');
    const { result, before, after } = await refused(['run', model(), '-o', ws.out]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/TwoCubes\/ .*not a meshparts pack/);
    expect(after).toEqual(before);
    expect(await exists(join(ws.out, '.meshparts'))).toBe(false);
  });

  it('run with a key the API refuses: exit 2, nothing submitted, the new output folder not created', async () => {
    emulator = await startTestEmulator();
    const out = join(ws.out, 'new');
    const { result, before, after } = await refused(['run', model(), '-o', out, ...FAST_FLAGS], {
      ...cliEnvFor(emulator),
      THREEDAISTUDIO_API_KEY: 'wrong-key',
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/the API refused the key.*nothing was submitted/);
    expect(after).toEqual(before);
    expect(await exists(ws.out)).toBe(false);
    expect(emulator.stats().submissions).toBe(0);
  });

  it('segment of a truncated GLB: exit 2, no folder, no journal', async () => {
    const truncated = join(ws.dir, 'truncated.glb');
    await writeFile(truncated, (await readFile(model())).subarray(0, 500));
    const { result, before, after } = await refused([
      'segment',
      truncated,
      '-o',
      join(ws.out, 'new', 'x.glb'),
    ]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/corrupt GLB/);
    expect(after).toEqual(before);
    expect(await exists(ws.out)).toBe(false);
  });

  it('segment with a key the API refuses: exit 2, nothing created', async () => {
    emulator = await startTestEmulator();
    const { result, before, after } = await refused(
      ['segment', model(), '-o', join(ws.out, 'new', 'x.glb'), ...FAST_FLAGS],
      { ...cliEnvFor(emulator), THREEDAISTUDIO_API_KEY: 'wrong-key' },
    );
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/the API refused the key/);
    expect(after).toEqual(before);
    expect(emulator.stats().submissions).toBe(0);
  });

  it("a refused run in an earlier run's output leaves its journal (even a torn one), cache and packs as they were, and no lock", async () => {
    const first = await runCli(['run', model(), '-o', ws.out, '--segmenter', 'local']);
    expect(first.code, first.stderr).toBe(0);
    // The earlier run did real work: it keeps its journal.
    const states = parseJournal(await readFile(journalPath(ws.out), 'utf8')).map((e) => e.state);
    expect(states).toEqual(['segmented', 'packed']);
    // A crash mid-write left a torn last line: a refused run must not even mend it.
    await appendFile(journalPath(ws.out), '{"sha256":"torn');
    // BoxAnimated's pack folder is taken by the user's files: the second run is refused.
    await mkdir(join(ws.out, 'BoxAnimated'));
    await writeFile(join(ws.out, 'BoxAnimated', 'notes.txt'), 'mine\n');
    const { result, before, after } = await refused([
      'run',
      model(),
      model('BoxAnimated.glb'),
      '-o',
      ws.out,
      '--segmenter',
      'local',
    ]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/BoxAnimated\/ .*not a meshparts pack/);
    expect(after).toEqual(before);
    expect(await exists(join(ws.out, '.meshparts', 'lock'))).toBe(false);
  });
});

describe('run -o <a pack>', () => {
  it('is refused (exit 2) and the pack is left exactly as it was', async () => {
    const pack = join(ws.dir, 'apack');
    const split = await runCli(['split', model(), '-o', pack]);
    expect(split.code, split.stderr).toBe(0);
    const { result, before, after } = await refused([
      'run',
      model('BoxAnimated.glb'),
      '-o',
      pack,
      '--segmenter',
      'local',
    ]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/apack is a meshparts pack .*choose another output folder/);
    expect(after).toEqual(before);
  });

  it('a dry run into a pack is refused the same way', async () => {
    const pack = join(ws.dir, 'apack');
    expect((await runCli(['split', model(), '-o', pack])).code).toBe(0);
    const { result, before, after } = await refused(['run', model(), '-o', pack, '--dry-run']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/is a meshparts pack/);
    expect(after).toEqual(before);
  });
});

describe('split -o <a pack that a run made>', () => {
  it("is refused (exit 2): the run's packs, catalog and page stay exactly as they were", async () => {
    const out = join(ws.dir, 'run-output');
    const run = await runCli(['run', model(), model('BoxAnimated.glb'), '-o', out, '--segmenter', 'local']);
    expect(run.code, run.stderr).toBe(0);
    const { result, before, after } = await refused(['split', model(), '-o', join(out, 'BoxAnimated')]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(
      /BoxAnimated is the pack of .*BoxAnimated\.glb in the run output .*run-output \(its catalog\.json lists it\).*nothing was done/,
    );
    expect(after).toEqual(before);
    const dry = await refused(['split', model(), '-o', join(out, 'BoxAnimated'), '--dry-run']);
    expect(dry.result.code, dry.result.stderr).toBe(2);
    expect(dry.after).toEqual(dry.before);
  });

  it('a pack of another model outside a run is replaced, with a warning that names both models', async () => {
    const pack = join(ws.dir, 'replaced');
    expect((await runCli(['split', model('BoxAnimated.glb'), '-o', pack])).code).toBe(0);
    const again = await runCli(['split', model(), '-o', pack]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(
      /warning: .*replaced held the pack of BoxAnimated\.glb; it now holds the pack of TwoCubes\.glb/,
    );
    expect(JSON.parse(await readFile(join(pack, 'manifest.json'), 'utf8')).source.file).toBe('TwoCubes.glb');
    // The same model again: no warning.
    const same = await runCli(['split', model(), '-o', pack]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).not.toMatch(/warning/);
  });
});

describe('a run in which every model fails', () => {
  it('writes no catalog and no page (exit 2, nothing done), and says so; with --json, catalog is null', async () => {
    const broken = join(ws.dir, 'broken.glb');
    await writeFile(broken, (await readFile(model())).subarray(0, 500));
    const out = join(ws.dir, 'nothing-made');
    const { result, before, after } = await refused(['run', broken, '-o', out, '--segmenter', 'local']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/no pack was written, so no catalog or gallery either/);
    expect(after).toEqual(before);
    const json = await runCli(['run', broken, '-o', out, '--segmenter', 'local', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ catalog: null, gallery: null });
    expect(await exists(out)).toBe(false);
  });

  it("in an earlier run's output, its catalog and page are kept and written again as they were", async () => {
    const out = join(ws.dir, 'earlier');
    expect((await runCli(['run', model(), '-o', out, '--segmenter', 'local'])).code).toBe(0);
    const broken = join(ws.dir, 'broken.glb');
    await writeFile(broken, (await readFile(model())).subarray(0, 500));
    const again = await runCli(['run', broken, '-o', out, '--segmenter', 'local']);
    expect(again.code, again.stderr).toBe(2);
    const catalog = JSON.parse(await readFile(join(out, 'catalog.json'), 'utf8'));
    expect(catalog.packs.map((entry: { pack: string }) => entry.pack)).toEqual(['TwoCubes']);
    expect(await exists(join(out, 'index.html'))).toBe(true);
  });
});
