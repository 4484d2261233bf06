import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PipelineUsageError } from '../src/pipeline/errors.js';
import { expandInputs } from '../src/pipeline/inputs.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshparts-inputs-'));
  for (const file of [
    'a.glb',
    'b.GLTF',
    'notes.txt',
    'sub/c.obj',
    '.hidden/d.glb',
    'node_modules/e.glb',
    'out/f.glb',
  ]) {
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(join(dir, file), 'x');
  }
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('expandInputs', () => {
  it('finds model files in folders recursively, skipping hidden folders, node_modules and the output', async () => {
    const { files, unreadable } = await expandInputs([dir], join(dir, 'out'));
    expect(files.map((f) => relative(dir, f))).toEqual(['a.glb', 'b.GLTF', join('sub', 'c.obj')]);
    expect(unreadable).toEqual([]);
  });

  it('never takes input from an output folder, however it is reached', async () => {
    // The output folder inside the input, reached through a symlink: the same folder by real path.
    const link = join(dir, '..', `${relative(join(dir, '..'), dir)}-link`);
    await symlink(dir, link);
    try {
      const { files } = await expandInputs([link], join(dir, 'out'));
      expect(files.map((f) => relative(link, f))).toEqual(['a.glb', 'b.GLTF', join('sub', 'c.obj')]);
      // ... and through a symlink to the output folder itself, passed as -o.
      const outLink = join(dir, 'outlink');
      await symlink(join(dir, 'out'), outLink);
      const viaLink = await expandInputs([dir], outLink);
      expect(viaLink.files.map((f) => relative(dir, f))).toEqual(['a.glb', 'b.GLTF', join('sub', 'c.obj')]);
    } finally {
      await rm(link, { force: true });
    }
  });

  it("skips folders meshparts wrote: another run's output (.meshparts/) and packs (their manifest)", async () => {
    await mkdir(join(dir, 'old-run', '.meshparts'), { recursive: true });
    await writeFile(join(dir, 'old-run', 'g.glb'), 'x');
    await mkdir(join(dir, 'pack', 'parts'), { recursive: true });
    await writeFile(
      join(dir, 'pack', 'manifest.json'),
      JSON.stringify({ manifestVersion: 1, generator: 'meshparts@0.1.0' }),
    );
    await writeFile(join(dir, 'pack', 'parts', 'h.glb'), 'x');
    // A folder whose manifest.json is someone else's is an input like any other.
    await mkdir(join(dir, 'webapp'));
    await writeFile(join(dir, 'webapp', 'manifest.json'), JSON.stringify({ name: 'app' }));
    await writeFile(join(dir, 'webapp', 'i.glb'), 'x');
    const { files } = await expandInputs([dir], join(dir, 'elsewhere'));
    expect(files.map((f) => relative(dir, f))).toEqual([
      'a.glb',
      'b.GLTF',
      join('out', 'f.glb'),
      join('sub', 'c.obj'),
      join('webapp', 'i.glb'),
    ]);
  });

  it('accepts named files whatever their extension, once each however they are spelled', async () => {
    const a = join(dir, 'a.glb');
    const { files } = await expandInputs([a, `${dir}/./a.glb`, join(dir, 'notes.txt')], join(dir, 'out'));
    expect(files).toEqual([a, join(dir, 'notes.txt')]);
  });

  it('refuses missing inputs, no inputs, and folders without models', async () => {
    await expect(expandInputs([], dir)).rejects.toBeInstanceOf(PipelineUsageError);
    await expect(expandInputs([join(dir, 'missing.glb')], dir)).rejects.toThrow(/input not found/);
    await mkdir(join(dir, 'empty'));
    await expect(expandInputs([join(dir, 'empty')], dir)).rejects.toThrow(/no model files/);
  });
});
