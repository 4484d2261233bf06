import { resolve } from 'node:path';
import type { Manifest } from '@meshparts/split';
import { safeFileName } from '@meshparts/split';
import { describe, expect, it } from 'vitest';
import { PipelineUsageError } from '../src/pipeline/errors.js';
import { assignSlugs, type SlugOwner } from '../src/pipeline/slug.js';

const sha = (c: string) => c.repeat(64);

describe('assignSlugs', () => {
  it('uses the file name without extension, made safe and URL-safe', async () => {
    const slugs = await assignSlugs(
      [
        { file: 'models/robot.glb', sha256: sha('1') },
        { file: 'models/CON.glb', sha256: sha('2') },
        { file: 'models/a:b?.gltf', sha256: sha('3') },
        { file: 'models/My Robot #2 (final).glb', sha256: sha('4') },
        { file: 'models/-50% off.glb', sha256: sha('5') },
      ],
      safeFileName,
    );
    expect(slugs[0]).toBe('robot');
    expect(slugs[1]).not.toBe('CON');
    expect(slugs[2]).toBe('a_b');
    expect(slugs[3]).toBe('My_Robot_2_final');
    expect(slugs[4]).toBe('50_off');
  });

  it('is unique case-insensitively and stable whatever the input order', async () => {
    const models = [
      { file: 'b/Robot.glb', sha256: sha('b') },
      { file: 'a/robot.glb', sha256: sha('a') },
      { file: 'c/robot.gltf', sha256: sha('c') },
    ];
    const slugs = await assignSlugs(models, safeFileName);
    expect(slugs).toEqual(['Robot-bbbbbbbb', 'robot', 'robot-cccccccc']);
    const reversed = await assignSlugs([...models].reverse(), safeFileName);
    expect(reversed).toEqual([...slugs].reverse());
  });

  it('keeps slugs unique for identical content under the same name', async () => {
    const slugs = await assignSlugs(
      [
        { file: 'a/robot.glb', sha256: sha('a') },
        { file: 'b/robot.glb', sha256: sha('a') },
        { file: 'c/robot.glb', sha256: sha('a') },
      ],
      safeFileName,
    );
    expect(new Set(slugs.map((s) => s.toLowerCase())).size).toBe(3);
  });

  it('avoids names of the output folder itself', async () => {
    expect((await assignSlugs([{ file: 'catalog.glb', sha256: sha('1') }], safeFileName))[0]).toBe(
      'catalog-model',
    );
    expect((await assignSlugs([{ file: 'gallery.glb', sha256: sha('1') }], safeFileName))[0]).toBe(
      'gallery-model',
    );
  });
});

describe('assignSlugs with packs on disk', () => {
  const pack = (sha256: string, file: string, catalogModel?: string): SlugOwner => ({
    kind: 'pack',
    manifest: { source: { sha256, file } } as Manifest,
    ...(catalogModel ? { catalogModel: [resolve(catalogModel)] } : {}),
  });
  const onDisk =
    (folders: Record<string, SlugOwner>) =>
    async (slug: string): Promise<SlugOwner> =>
      folders[slug] ?? { kind: 'free' };

  it('keeps each model in the folder that holds its pack, whatever subset of models runs (D15)', async () => {
    const a = { file: 'a/robot.glb', sha256: sha('a') };
    const b = { file: 'b/robot.glb', sha256: sha('b') };
    const both = await assignSlugs([a, b], safeFileName);
    expect(both).toEqual(['robot', 'robot-bbbbbbbb']);
    const disk = onDisk({
      robot: pack(a.sha256, 'robot.glb', 'a/robot.glb'),
      'robot-bbbbbbbb': pack(b.sha256, 'robot.glb', 'b/robot.glb'),
    });
    expect(await assignSlugs([b], safeFileName, disk)).toEqual(['robot-bbbbbbbb']);
    expect(await assignSlugs([a], safeFileName, disk)).toEqual(['robot']);
    // An edited model (new content, same path) keeps its folder; another model never takes it.
    const edited = { file: 'a/robot.glb', sha256: sha('e') };
    expect(await assignSlugs([b, edited], safeFileName, disk)).toEqual(['robot-bbbbbbbb', 'robot']);
    const c = { file: 'c/robot.glb', sha256: sha('c') };
    expect(await assignSlugs([c], safeFileName, disk)).toEqual(['robot-cccccccc']);
    // Without a catalog, the pack's source file name decides.
    const bare = onDisk({ robot: pack(sha('x'), 'robot.glb'), chair: pack(sha('y'), 'other.glb') });
    expect(await assignSlugs([c], safeFileName, bare)).toEqual(['robot']);
    expect(await assignSlugs([{ file: 'chair.glb', sha256: sha('1') }], safeFileName, bare)).toEqual([
      'chair-11111111',
    ]);
  });

  it('refuses folders that are not meshparts packs, naming them, instead of writing into them (D1)', async () => {
    const disk = onDisk({ ext: { kind: 'foreign', why: 'its manifest.json is not a meshparts manifest' } });
    await expect(
      assignSlugs([{ file: 'models/ext.glb', sha256: sha('1') }], safeFileName, disk),
    ).rejects.toThrow(/ext\/ \(for models\/ext\.glb\): its manifest\.json is not a meshparts manifest/);
    await expect(
      assignSlugs([{ file: 'models/ext.glb', sha256: sha('1') }], safeFileName, disk),
    ).rejects.toBeInstanceOf(PipelineUsageError);
  });
});
