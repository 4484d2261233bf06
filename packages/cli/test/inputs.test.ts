import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
    const files = await expandInputs([dir], join(dir, 'out'));
    expect(files.map((f) => relative(dir, f))).toEqual(['a.glb', 'b.GLTF', join('sub', 'c.obj')]);
  });

  it('accepts named files whatever their extension, once each however they are spelled', async () => {
    const a = join(dir, 'a.glb');
    const files = await expandInputs([a, `${dir}/./a.glb`, join(dir, 'notes.txt')], join(dir, 'out'));
    expect(files).toEqual([a, join(dir, 'notes.txt')]);
  });

  it('refuses missing inputs, no inputs, and folders without models', async () => {
    await expect(expandInputs([], dir)).rejects.toBeInstanceOf(PipelineUsageError);
    await expect(expandInputs([join(dir, 'missing.glb')], dir)).rejects.toThrow(/input not found/);
    await mkdir(join(dir, 'empty'));
    await expect(expandInputs([join(dir, 'empty')], dir)).rejects.toThrow(/no model files/);
  });
});
