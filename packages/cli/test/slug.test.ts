import { safeFileName } from '@meshparts/split';
import { describe, expect, it } from 'vitest';
import { assignSlugs } from '../src/pipeline/slug.js';

const sha = (c: string) => c.repeat(64);

describe('assignSlugs', () => {
  it('uses the file name without extension, made safe', () => {
    const slugs = assignSlugs(
      [
        { file: 'models/robot.glb', sha256: sha('1') },
        { file: 'models/CON.glb', sha256: sha('2') },
        { file: 'models/a:b?.gltf', sha256: sha('3') },
      ],
      safeFileName,
    );
    expect(slugs[0]).toBe('robot');
    expect(slugs[1]).not.toBe('CON');
    expect(slugs[2]).not.toMatch(/[:?/\\]/);
  });

  it('is unique case-insensitively and stable whatever the input order', () => {
    const models = [
      { file: 'b/Robot.glb', sha256: sha('b') },
      { file: 'a/robot.glb', sha256: sha('a') },
      { file: 'c/robot.gltf', sha256: sha('c') },
    ];
    const slugs = assignSlugs(models, safeFileName);
    expect(slugs).toEqual(['Robot-bbbbbbbb', 'robot', 'robot-cccccccc']);
    const reversed = assignSlugs([...models].reverse(), safeFileName);
    expect(reversed).toEqual([...slugs].reverse());
  });

  it('keeps slugs unique for identical content under the same name', () => {
    const slugs = assignSlugs(
      [
        { file: 'a/robot.glb', sha256: sha('a') },
        { file: 'b/robot.glb', sha256: sha('a') },
        { file: 'c/robot.glb', sha256: sha('a') },
      ],
      safeFileName,
    );
    expect(new Set(slugs.map((s) => s.toLowerCase())).size).toBe(3);
  });

  it('avoids names of the output folder itself', () => {
    expect(assignSlugs([{ file: 'catalog.glb', sha256: sha('1') }], safeFileName)[0]).toBe('catalog-model');
  });
});
