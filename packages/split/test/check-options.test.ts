import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeIO } from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import { checkSplitModelOptions, checkSplitOptions, inspectModel, splitModel } from '../src/index.js';
import type { SplitModelOptions } from '../src/split-model.js';
import { validateGLB } from './helpers/gltf-checks.js';
import { FIXTURES } from './helpers/paths.js';
import { manifestSchemaErrors } from './helpers/schema.js';
import { useTempDir } from './helpers/temp.js';

/**
 * The library entry points check every option before reading or writing anything: a plain
 * JavaScript caller (no TypeScript to catch it) gets a RangeError naming the option, the value and
 * what is accepted, and no pack. Before, `splitModel(file, dir, { pivot: 'top' })` wrote
 * `"pivot": "top"` into the manifest, and `{ nameTemplate }` was silently ignored.
 */

const work = useTempDir('check-options');
const MODEL = join(FIXTURES, 'TwoCubes.glb');

/** A bad value of every option (and of every nested one), and what its message must say. */
const BAD: Array<[key: string, options: Record<string, unknown>, message: RegExp]> = [
  ['strategy', { strategy: 'segments' }, /option strategy must be one of auto, nodes, .*got "segments"/],
  ['instances', { instances: 'copy' }, /option instances must be one of shared, separate, got "copy"/],
  ['pivot', { pivot: 'top' }, /option pivot must be one of original, center, bottom, got "top"/],
  ['labels', { labels: 'colors' }, /option labels must be an object, got "colors"/],
  ['labels.attribute', { labels: { attribute: '' } }, /option labels\.attribute must be a non-empty string/],
  ['labels.maxColors', { labels: { maxColors: 1 } }, /option labels\.maxColors must be an integer .*got 1/],
  ['labels.colorTolerance', { labels: { colorTolerance: 2 } }, /labels\.colorTolerance must be .*got 2/],
  ['labels.weldTolerance', { labels: { weldTolerance: -1 } }, /labels\.weldTolerance must be .*got -1/],
  [
    'labels.(unknown)',
    { labels: { tolerance: 1 } },
    /unknown option labels\.tolerance; the options of labels/,
  ],
  ['granularity', { granularity: 5 }, /option granularity must be an object, got 5/],
  [
    'granularity.minPartArea',
    { granularity: { minPartArea: '0.1' } },
    /minPartArea must be a number .*got "0\.1"/,
  ],
  [
    'granularity.targetParts',
    { granularity: { targetParts: 2.5 } },
    /targetParts must be an integer .*got 2\.5/,
  ],
  ['naming', { naming: null }, /option naming must be an object, got null/],
  [
    'naming.template',
    { naming: { template: '{nmae}' } },
    /option naming\.template: .*unknown placeholder \{nmae\}/,
  ],
  [
    'naming.rename',
    { naming: { rename: { a: 'b' } } },
    /option naming\.rename must be an array of \{ match, name \}/,
  ],
  [
    'naming.rename[]',
    { naming: { rename: [{ match: 'a' }] } },
    /option naming\.rename\[0\] must be \{ match/,
  ],
  [
    'naming.case',
    { naming: { case: 'upper' } },
    /option naming\.case must be one of keep, snake, .*got "upper"/,
  ],
  ['naming.model', { naming: { model: 7 } }, /option naming\.model must be a string, got 7/],
  [
    'naming.maxLength',
    { naming: { maxLength: 8 } },
    /option naming\.maxLength must be an integer from 16 to 240/,
  ],
  ['naming.(unknown)', { naming: { nameTemplate: '{name}' } }, /unknown option naming\.nameTemplate/],
  ['limits', { limits: [] }, /option limits must be an object, got an array/],
  ['limits.maxFileBytes', { limits: { maxFileBytes: 0 } }, /option limits\.maxFileBytes must be .*got 0/],
  ['limits.maxVertices', { limits: { maxVertices: Number.NaN } }, /limits\.maxVertices must be .*got NaN/],
  ['limits.maxParts', { limits: { maxParts: -3 } }, /option limits\.maxParts must be .*got -3/],
  ['thumbnails', { thumbnails: 8 }, /option thumbnails .*must be an integer from 16 to 2048, got 8/],
  ['textures', { textures: 'inline' }, /option textures must be one of crop, shared, embed, got "inline"/],
  ['textureFormat', { textureFormat: 'gif' }, /option textureFormat must be one of keep, png, jpeg, webp/],
  ['webpFallback', { webpFallback: 'yes' }, /option webpFallback must be true or false, got "yes"/],
  ['generator', { generator: '' }, /option generator must be a non-empty string/],
  ['segmenter', { segmenter: 'meshy' }, /option segmenter must be one of tripo, local, none, got "meshy"/],
  ['taskId', { taskId: 42 }, /option taskId must be a non-empty string, got 42/],
  ['sourceFile', { sourceFile: 'robot.glb' }, /option sourceFile must be an object/],
  [
    'sourceFile.sha256',
    { sourceFile: { file: 'robot.glb', byteLength: 10, sha256: 'abc' } },
    /option sourceFile\.sha256 must be 64 lowercase hex digits, got "abc"/,
  ],
  ['segmentation', { segmentation: 'shape' }, /option segmentation must be an object, got "shape"/],
  [
    'segmentation.strategy',
    { segmentation: { strategy: 'auto', reason: 'cut by its shape' } },
    /option segmentation\.strategy must be one of nodes, primitives, .*shape, got "auto"/,
  ],
  [
    'segmentation.strategy',
    { segmentation: { reason: 'cut by its shape' } },
    /option segmentation\.strategy is required/,
  ],
  [
    'segmentation.reason',
    { segmentation: { strategy: 'shape', reason: 3 } },
    /option segmentation\.reason must be a non-empty string, got 3/,
  ],
  ['io', { io: {} }, /option io must be a glTF-Transform NodeIO/],
  ['durable', { durable: 1 }, /option durable must be true or false, got 1/],
  ['logger', { logger: console.log }, /option logger must be a glTF-Transform ILogger/],
  ['signal', { signal: { aborted: false } }, /option signal must be an AbortSignal, got an object/],
  ['gallery', { gallery: 'no' }, /option gallery must be true or false, got "no"/],
  ['fastPath', { fastPath: null }, /option fastPath must be true or false, got null/],
  [
    '(unknown)',
    { nameTemplate: '{model}_{name}' },
    /unknown option nameTemplate \(did you mean naming\.template\?\)/,
  ],
  ['(unknown)', { case: 'snake' }, /unknown option case \(did you mean naming\.case\?\)/],
  ['(unknown)', { maxParts: 3 }, /unknown option maxParts \(did you mean limits\.maxParts\?\)/],
  ['(unknown)', { Pivot: 'center' }, /unknown option Pivot \(did you mean pivot\?\)/],
  [
    '(unknown)',
    { naming: { Case: 'snake' } },
    /unknown option naming\.Case \(did you mean naming\.case\?\); the options of naming are/,
  ],
];

/** The options the checker knows, as its message for an unknown one lists them. */
function knownOptions(check: (options: unknown) => void): string[] {
  try {
    check({ 'no such option': true });
  } catch (error) {
    const list = /the options are (.*)$/.exec((error as Error).message)?.[1];
    if (list) return list.split(', ');
  }
  throw new Error('the checker accepted an unknown option');
}

describe('splitModel checks its options before anything is read or written', () => {
  it('has a bad-value case for every option it knows', () => {
    const covered = new Set(BAD.map(([key]) => key.split('.')[0]));
    expect(knownOptions(checkSplitModelOptions).filter((key) => !covered.has(key))).toEqual([]);
  });

  it.each(BAD)(
    '%s: a bad value is refused with a message naming it, and nothing is written',
    async (_, options, message) => {
      const dir = join(work, 'refused');
      const error = await splitModel(MODEL, dir, options as SplitModelOptions).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toMatch(message);
      expect(existsSync(dir)).toBe(false);
      // Nor anything beside it (a staging folder).
      expect(readdirSync(work).filter((name) => name !== 'good')).toEqual([]);
    },
  );

  it('refuses bad options of a model that was read already, and options that are not an object', async () => {
    const { readModel } = await import('../src/index.js');
    const model = await readModel(MODEL);
    await expect(splitModel(model, join(work, 'refused'), { pivot: 'top' } as never)).rejects.toThrow(
      /option pivot must be one of/,
    );
    await expect(splitModel(MODEL, join(work, 'refused'), 'bottom' as never)).rejects.toThrow(
      /options must be an object, got "bottom"/,
    );
    expect(existsSync(join(work, 'refused'))).toBe(false);
  });

  it('inspectModel refuses them too', async () => {
    await expect(inspectModel(MODEL, { strategy: 'segments' } as never)).rejects.toThrow(
      /option strategy must be one of/,
    );
  });

  it('good values, every option given, pass and are what the pack says', async () => {
    const dir = join(work, 'good');
    const bytes = await readFile(MODEL);
    const options: Required<SplitModelOptions> = {
      strategy: 'nodes',
      instances: 'separate',
      pivot: 'bottom',
      labels: { attribute: '_PART_ID', maxColors: 8, colorTolerance: 0.05, weldTolerance: 0.001 },
      granularity: { minPartArea: 0, targetParts: 10 },
      naming: {
        template: '{model}_{name}',
        rename: [{ match: /cube/i, name: 'box' }],
        case: 'snake',
        model: 'Two Cubes',
        maxLength: 60,
      },
      limits: { maxFileBytes: 10_000_000, maxVertices: 100_000, maxParts: 50 },
      thumbnails: null,
      textures: 'embed',
      textureFormat: 'keep',
      webpFallback: false,
      generator: 'checker-test@1.0.0',
      segmenter: 'local',
      taskId: null,
      sourceFile: { file: 'two-cubes.glb', byteLength: bytes.byteLength, sha256: 'a'.repeat(64) },
      segmentation: { strategy: 'components', reason: 'two separate pieces; 2 parts' },
      io: new NodeIO(),
      durable: false,
      signal: new AbortController().signal,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      gallery: false,
      fastPath: true,
    };
    expect(() => checkSplitModelOptions({ ...options, pivot: undefined })).not.toThrow();
    const { manifest } = await splitModel(MODEL, dir, options);
    expect(manifestSchemaErrors(manifest)).toBeNull();
    expect(manifest.generator).toBe('checker-test@1.0.0');
    expect(manifest.source).toMatchObject({ segmenter: 'local', ...options.segmentation });
    expect(manifest.parts.length).toBeGreaterThan(0);
    for (const part of manifest.parts) {
      expect(part.pivot).toBe('bottom');
      expect(part.name).toMatch(/^two_cubes_box/);
      expect((await validateGLB(await readFile(join(dir, part.file)))).errorMessages).toEqual([]);
    }
  });

  it('checkSplitOptions knows the split options only (runPipeline supplies the manifest ones itself)', () => {
    expect(knownOptions(checkSplitOptions)).not.toContain('generator');
    expect(() => checkSplitOptions({ segmenter: 'local' }, 'option split.')).toThrow(
      /unknown option split\.segmenter; the options of split are strategy, /,
    );
    expect(() => checkSplitOptions({ nameTemplate: 'x' }, 'option split.')).toThrow(
      /did you mean split\.naming\.template\?/,
    );
    expect(() => checkSplitOptions(undefined)).not.toThrow();
  });
});
