import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../packages/client/src/testing/index.js';
import { createIO, readModel } from '../packages/split/src/index.js';
import { ensureBuilt, runCli } from './helpers/cli.js';
import { cliEnvFor, FAST_FLAGS, startTestEmulator } from './helpers/emulator.js';
import { expectValidPack } from './helpers/packs.js';
import { FIXTURES } from './helpers/paths.js';
import { useWorkspace } from './helpers/workspace.js';

/**
 * Issue 10, "No credits spent where a free check says no": every model planned for a paid submission
 * is checked locally first (it reads, passes preflight, has a mesh, is under the upload limit, is a
 * format the API takes); one that fails is a per-model `input` error that costs nothing, and the plan
 * (and --dry-run) does not count it. A .gltf with external files goes up as one self-contained GLB.
 */

let emulator: Emulator | undefined;
const ws = useWorkspace('money', ['TwoCubes.glb']);

beforeAll(ensureBuilt, 180_000);
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

interface RunJson {
  plannedCredits: number;
  spentCredits: number;
  results: {
    file: string;
    outcome: string;
    action: string;
    credits: number;
    error: { code: string; message: string } | null;
  }[];
}

/** TwoCubes written as a .gltf with its buffer in an external .bin (what exporters often produce). */
async function externalGltf(dir: string, name = 'cubes'): Promise<string> {
  const { document } = await readModel(join(FIXTURES, 'TwoCubes.glb'));
  for (const buffer of document.getRoot().listBuffers()) buffer.setURI(`${name}.bin`);
  const path = join(dir, `${name}.gltf`);
  await (await createIO()).write(path, document);
  return path;
}

describe('free checks before paying', () => {
  it('a model with no mesh, an empty file, a non-model and a .gltf missing its .bin cost nothing', async () => {
    emulator = await startTestEmulator();
    const env = cliEnvFor(emulator);
    await cp(join(FIXTURES, 'trimesh_empty_nodes.glb'), join(ws.inputs, 'no-mesh.glb'));
    await writeFile(join(ws.inputs, 'empty.glb'), '');
    await writeFile(join(ws.inputs, 'notes.md'), '# not a model\n');
    await externalGltf(ws.inputs, 'broken');
    await rm(join(ws.inputs, 'broken.bin'));
    // An STL whose bytes are not one, and an OBJ of lines only: read here (as `split` reads them).
    await writeFile(join(ws.inputs, 'broken.stl'), new Uint8Array(90));
    await writeFile(join(ws.inputs, 'wire.obj'), 'v 0 0 0\nv 1 0 0\nv 0 1 0\nl 1 2 3\n');
    const inputs = [ws.inputs, join(ws.inputs, 'notes.md')];

    const dry = await runCli(['run', ...inputs, '-o', ws.out, '--dry-run', '--json', ...FAST_FLAGS], { env });
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as RunJson;
    // Only TwoCubes can be paid for: the plan says 80, not 400.
    expect(plan.plannedCredits).toBe(80);
    const refused = plan.results.filter((r) => r.action === 'blocked').map((r) => r.file.split('/').pop());
    expect(refused.sort()).toEqual([
      'broken.gltf',
      'broken.stl',
      'empty.glb',
      'no-mesh.glb',
      'notes.md',
      'wire.obj',
    ]);

    const run = await runCli(['run', ...inputs, '-o', ws.out, '--json', ...FAST_FLAGS], { env });
    expect(run.code, run.stderr).toBe(1);
    const json = JSON.parse(run.stdout) as RunJson;
    expect(json.spentCredits).toBe(80);
    const reasons = Object.fromEntries(
      json.results.map((r) => [
        r.file.split('/').pop(),
        r.error ? `${r.error.code}: ${r.error.message}` : r.outcome,
      ]),
    );
    expect(reasons['TwoCubes.glb']).toBe('packed');
    expect(reasons['no-mesh.glb']).toMatch(/^input: refused before paying: .*has no mesh in its scene/);
    expect(reasons['empty.glb']).toMatch(/^input: refused before paying: .*is empty/);
    expect(reasons['notes.md']).toMatch(/^input: refused before paying: .*unsupported extension \.md/);
    expect(reasons['broken.gltf']).toMatch(/^input: refused before paying: .*broken\.bin/);
    expect(reasons['broken.stl']).toMatch(/^input: refused before paying: .*broken\.stl is not an STL file/);
    expect(reasons['wire.obj']).toMatch(/^input: refused before paying: .*wire\.obj holds no triangles/);
    expect(emulator.stats().submissions).toBe(1);
    expect(emulator.stats().balance).toBe(10_000 - 80);
    // The summary does not ask for a rerun that would refuse them again.
    const text = await runCli(['run', ...inputs, '-o', ws.out, ...FAST_FLAGS], { env });
    expect(text.stderr).toMatch(/6 input: fix or remove these files: a rerun refuses them the same way/);
    expect(text.stderr).not.toMatch(/rerun the same command to retry/);
  });

  it('a run whose only input is not a model exits 2, like any bad input, and pays nothing', async () => {
    emulator = await startTestEmulator();
    const notes = join(ws.inputs, 'README.md');
    await writeFile(notes, '# readme\n');
    const paid = await runCli(['run', notes, '-o', ws.out, ...FAST_FLAGS], { env: cliEnvFor(emulator) });
    expect(paid.code, paid.stderr).toBe(2);
    expect(emulator.stats().requests.submit).toBe(0);
    // Without a key, the message no longer sends the user to Tripo for a file Tripo refuses too.
    const local = await runCli(['run', notes, '-o', join(ws.dir, 'local')]);
    expect(local.code, local.stderr).toBe(2);
    expect(local.stderr).toMatch(/README\.md is not a model file meshparts reads/);
    expect(local.stderr).not.toMatch(/needs the tripo segmenter/);
  });

  it('a .gltf with an external .bin is packed into one GLB for the upload, and segmented', async () => {
    emulator = await startTestEmulator();
    const gltf = await externalGltf(ws.inputs);
    const run = await runCli(['run', gltf, '-o', ws.out, '--json', ...FAST_FLAGS], {
      env: cliEnvFor(emulator),
    });
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as RunJson & { results: { packDir: string }[] };
    expect(json.spentCredits).toBe(80);
    expect(emulator.stats().tasks.FAILED).toBe(0);
    const manifest = await expectValidPack(json.results[0]!.packDir);
    expect(manifest.parts.map((p) => p.name).sort()).toEqual(['CubeA', 'CubeB']);
    // The manifest still describes the model as given: the .gltf, by its own hash.
    expect(manifest.source.file).toBe('cubes.gltf');
    const upload = Object.keys(emulator.stats().submissionsByHash);
    expect(upload).toHaveLength(1);
    expect(upload[0]).not.toBe(manifest.source.sha256);
    expect((await readFile(gltf, 'utf8')).includes('cubes.bin')).toBe(true);
  });
});
