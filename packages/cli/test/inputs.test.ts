import { createHash } from 'node:crypto';
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

  it("skips folders meshparts wrote: another run's output (.meshparts/ and its catalog) and packs (their manifest)", async () => {
    await mkdir(join(dir, 'old-run', '.meshparts'), { recursive: true });
    await writeFile(
      join(dir, 'old-run', 'catalog.json'),
      JSON.stringify({ catalogVersion: 1, generator: 'meshparts@0.1.0', packs: [] }),
    );
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
    // Nothing else there: the error says what was skipped and why.
    await expect(expandInputs([join(dir, 'old-run'), join(dir, 'pack')], dir)).rejects.toThrow(
      /no model files .* \(skipped: .*old-run is another run's output; .*pack is a pack\)/,
    );
  });

  it('scans a folder `segment` wrote into (.meshparts/ beside the models), leaving out its results', async () => {
    // What `meshparts segment a.glb -o a.segmented.glb` leaves: the result, a copy of a cache entry the
    // journal recorded with its sha256.
    const seg = join(dir, 'seg');
    const result = Buffer.from('segmented bytes');
    const resultHash = createHash('sha256').update(result).digest('hex');
    await mkdir(join(seg, '.meshparts', 'cache'), { recursive: true });
    await writeFile(join(seg, 'a.glb'), 'the model');
    await writeFile(join(seg, 'a.segmented.glb'), result);
    await writeFile(join(seg, 'same-size.glb'), Buffer.alloc(result.length, 1));
    await writeFile(join(seg, '.meshparts', 'cache', 'h.local.glb'), result);
    const entry = { sha256: 'h', file: 'a.glb', segmenter: 'local', at: new Date(0).toISOString() };
    await writeFile(
      join(seg, '.meshparts', 'journal.jsonl'),
      `${JSON.stringify({ ...entry, state: 'segmented', cacheFile: 'h.local.glb', cacheSha256: resultHash })}\n`,
    );
    const { files } = await expandInputs([seg], join(dir, 'elsewhere'));
    expect(files.map((f) => relative(seg, f))).toEqual(['a.glb', 'same-size.glb']);
    // Its cache entry gone, the result is still told by its hash.
    await rm(join(seg, '.meshparts', 'cache'), { recursive: true });
    const again = await expandInputs([seg], join(dir, 'elsewhere'));
    expect(again.files.map((f) => relative(seg, f))).toEqual(['a.glb', 'same-size.glb']);
    await rm(join(seg, 'a.glb'));
    await rm(join(seg, 'same-size.glb'));
    await expect(expandInputs([seg], join(dir, 'elsewhere'))).rejects.toThrow(
      /\(skipped: .*a\.segmented\.glb is a result of meshparts segment\)/,
    );
  });

  it('follows symbolic links to models and folders, once each, and reports broken ones', async () => {
    const links = join(dir, 'links');
    await mkdir(links);
    await symlink(join(dir, 'a.glb'), join(links, 'linked.glb'));
    await symlink(join(dir, 'sub'), join(links, 'subfolder'));
    // A link back up the tree is not followed round and round.
    await symlink(links, join(links, 'loop'));
    await symlink(join(dir, 'missing.glb'), join(links, 'broken.glb'));
    await symlink(join(dir, 'notes.txt'), join(links, 'notes-link.txt'));
    const { files, unreadable } = await expandInputs([links], join(dir, 'out'));
    expect(files.map((f) => relative(links, f))).toEqual(['linked.glb', join('subfolder', 'c.obj')]);
    expect(unreadable).toEqual([
      { path: join(links, 'broken.glb'), reason: expect.stringMatching(/cannot read/) },
    ]);
  });

  it('keeps the input order (each folder in path order): --max-credits spends on the first listed', async () => {
    const { files } = await expandInputs(
      [join(dir, 'sub'), join(dir, 'b.GLTF'), join(dir, 'a.glb'), dir],
      join(dir, 'out'),
    );
    expect(files.map((f) => relative(dir, f))).toEqual([join('sub', 'c.obj'), 'b.GLTF', 'a.glb']);
  });

  it('says so when the only folder given is the output folder', async () => {
    await expect(expandInputs([join(dir, 'sub')], join(dir, 'sub'))).rejects.toThrow(
      /no model files .* \(skipped: .*sub is the output folder\)/,
    );
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
