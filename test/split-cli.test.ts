import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchemaErrors } from '../packages/split/test/helpers/schema.js';

/** End-to-end: the built `meshparts` binary on real files, as a user runs it. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'packages/cli/dist/bin.js');
const FIXTURES = join(ROOT, 'fixtures');
const work = mkdtempSync(join(tmpdir(), 'meshparts-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(() => {
  // The CLI tests run the compiled binary: build it (incremental, fast when up to date).
  execSync('pnpm build', { cwd: ROOT, stdio: 'ignore' });
}, 180_000);

function meshparts(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: work, encoding: 'utf8' });
  // Every manifest the command prints must match the shipped schema.
  if (
    result.status === 0 &&
    args.includes('--json') &&
    args.includes('split') &&
    !args.includes('--dry-run')
  ) {
    expect(manifestSchemaErrors(JSON.parse(result.stdout).manifest)).toBeNull();
  }
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('meshparts split', () => {
  it('writes a pack and prints only JSON with --json', () => {
    const out = join(work, 'nested');
    const { code, stdout, stderr } = meshparts(
      'split',
      join(FIXTURES, 'generated/nested-mirrored.glb'),
      '-o',
      out,
      '--json',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const { dir, manifest } = JSON.parse(stdout);
    expect(dir).toBe(out);
    expect(manifestSchemaErrors(manifest)).toBeNull();
    expect(manifest.source).toMatchObject({
      file: 'nested-mirrored.glb',
      strategy: 'nodes',
      segmenter: 'none',
    });
    expect(readdirSync(join(out, 'parts')).sort()).toEqual([
      'arm_left.glb',
      'arm_right.glb',
      'body.glb',
      'hand_left.glb',
    ]);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toEqual(manifest);
  });

  it('says which strategy it used and why, and applies naming and pivot flags', () => {
    const out = join(work, 'named');
    const rename = join(work, 'rename.json');
    writeFileSync(rename, JSON.stringify({ Glass: 'windshield', '/^T(.*)$/': 'wheel_$1' }));
    const { code, stdout } = meshparts(
      'split',
      join(FIXTURES, 'generated/primitives.glb'),
      '-o',
      out,
      '--rename',
      rename,
      '--case',
      'snake',
      '--pivot',
      'bottom',
      '--name-template',
      '{model}_{name}',
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/3 parts by primitives \(one mesh node whose mesh has 3 primitives/);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.parts.map((part: { name: string }) => part.name)).toEqual([
      'primitives_body',
      'primitives_windshield',
      'primitives_wheel_ire',
    ]);
    expect(manifest.parts.every((part: { pivot: string }) => part.pivot === 'bottom')).toBe(true);
  });

  it('splits by labels when asked, and by one file per node with --instances separate', () => {
    const colors = meshparts(
      'split',
      join(FIXTURES, 'generated/labels-flat-colors.glb'),
      '-o',
      join(work, 'colors'),
      '--json',
    );
    expect(colors.code).toBe(0);
    expect(JSON.parse(colors.stdout).manifest.source.strategy).toBe('colors');
    expect(JSON.parse(colors.stdout).manifest.parts).toHaveLength(3);
    const separate = meshparts(
      'split',
      join(FIXTURES, 'generated/shared-mesh.glb'),
      '-o',
      join(work, 'sep'),
      '--instances',
      'separate',
      '--json',
    );
    expect(JSON.parse(separate.stdout).manifest.parts).toHaveLength(5);
  });

  it('passes granularity to the components strategy', () => {
    const args = ['split', join(FIXTURES, 'generated/components.glb'), '--strategy', 'components', '--json'];
    const kept = meshparts(...args, '-o', join(work, 'components-default'));
    // Pieces are judged by area, not triangles: the three boxes stay, the speck merges.
    expect(JSON.parse(kept.stdout).manifest.parts).toHaveLength(3);
    const coarse = meshparts(...args, '-o', join(work, 'components-coarse'), '--min-part-area', '0.5');
    expect(coarse.code).toBe(0);
    expect(JSON.parse(coarse.stdout).manifest.parts).toHaveLength(1);
    const target = meshparts(...args, '-o', join(work, 'components-target'), '--target-parts', '2');
    expect(JSON.parse(target.stdout).manifest.parts).toHaveLength(2);
  });

  it('cuts one fused mesh by its shape with --strategy shape, in inspect and split alike', () => {
    const model = join(FIXTURES, 'generated/fused-figure.glb');
    const inspected = meshparts('inspect', model, '--strategy', 'shape', '--json');
    expect(inspected.code, inspected.stderr).toBe(0);
    const plan = JSON.parse(inspected.stdout) as { strategy: string; parts: { name: string }[] };
    expect(plan.strategy).toBe('shape');
    const split = meshparts('split', model, '-o', join(work, 'shape'), '--strategy', 'shape', '--json');
    expect(split.code, split.stderr).toBe(0);
    const { manifest } = JSON.parse(split.stdout) as { manifest: { parts: { name: string }[] } };
    expect(manifest.parts.map((p) => p.name).sort()).toEqual(plan.parts.map((p) => p.name).sort());
    expect(manifest.parts.map((p) => p.name).sort()).toEqual([
      'bottom_left',
      'bottom_right',
      'center',
      'top',
      'top_left',
      'top_right',
    ]);
  });

  it('names a missing resource of a .gltf once, in one line, exit 2', () => {
    const model = join(work, 'missing-buffer.gltf');
    writeFileSync(
      model,
      JSON.stringify({ asset: { version: '2.0' }, buffers: [{ uri: 'nope.bin', byteLength: 4 }] }),
    );
    const { code, stderr } = meshparts('split', model, '-o', join(work, 'out-missing-buffer'));
    expect(code).toBe(2);
    expect(stderr).toBe(`meshparts: cannot read ${model} as glTF: missing resource "nope.bin"\n`);
  });

  it('writes thumbnails at the size --thumbnails asks for, and none with --thumbnails none', () => {
    const model = join(FIXTURES, 'TwoCubes.glb');
    const small = meshparts('split', model, '-o', join(work, 'thumbs-64'), '--thumbnails', '64', '--json');
    expect(small.code, small.stderr).toBe(0);
    const manifest = JSON.parse(small.stdout).manifest as {
      thumbnail?: string;
      parts: { thumbnail?: string }[];
    };
    expect(manifest.thumbnail).toBe('thumbnail.png');
    for (const file of [manifest.thumbnail!, ...manifest.parts.map((p) => p.thumbnail!)]) {
      const png = readFileSync(join(work, 'thumbs-64', file));
      // IHDR: width and height, big-endian, at bytes 16 and 20.
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([64, 64]);
    }
    const none = meshparts('split', model, '-o', join(work, 'thumbs-none'), '--thumbnails', 'none', '--json');
    expect(none.code, none.stderr).toBe(0);
    const bare = JSON.parse(none.stdout).manifest as { thumbnail?: string; parts: { thumbnail?: string }[] };
    expect(bare.thumbnail).toBeUndefined();
    expect(bare.parts.every((p) => p.thumbnail === undefined)).toBe(true);
    expect(existsSync(join(work, 'thumbs-none', 'thumbnails'))).toBe(false);
    expect(existsSync(join(work, 'thumbs-none', 'thumbnail.png'))).toBe(false);
  });

  it.each([
    [
      'a bad --thumbnails',
      ['split', join(FIXTURES, 'TwoCubes.glb'), '-o', 'out-thumbs', '--thumbnails', '8'],
      /--thumbnails takes a size in pixels from 16 to 2048, or none; got "8"/,
    ],
    [
      'a bad threshold',
      ['split', join(FIXTURES, 'TwoCubes.glb'), '-o', 'out-ratio', '--min-part-area', '2'],
      /--min-part-area must be a number from 0 to 1/,
    ],
    [
      'an unknown template placeholder',
      ['split', join(FIXTURES, 'TwoCubes.glb'), '-o', 'out-template', '--name-template', '{nmae}'],
      /--name-template: .*nmae/,
    ],
    [
      'a strategy that does not fit the model',
      ['split', join(FIXTURES, 'TwoCubes.glb'), '-o', 'out-strategy', '--strategy', 'primitives'],
      /primitives strategy needs exactly one mesh node/,
    ],
    [
      'a missing file',
      ['split', 'nope.glb', '-o', 'out-missing'],
      /^meshparts: cannot read nope\.glb: no such file\n$/,
    ],
    [
      'a file that is not glTF',
      ['split', join(FIXTURES, 'SOURCES.md'), '-o', 'out-bad'],
      /neither a GLB file nor glTF JSON\n$/,
    ],
    [
      'a model without meshes',
      ['split', join(FIXTURES, 'trimesh_empty_nodes.glb'), '-o', 'out-empty'],
      /nothing to split/,
    ],
    [
      'a bad --pivot',
      ['split', join(FIXTURES, 'TwoCubes.glb'), '-o', 'out-pivot', '--pivot', 'top'],
      /--pivot must be one of/,
    ],
    [
      'a missing rename map',
      ['split', join(FIXTURES, 'TwoCubes.glb'), '-o', 'out-map', '--rename', 'none.json'],
      /rename map/,
    ],
    [
      'a label strategy without labels',
      ['split', join(FIXTURES, 'TwoCubes.glb'), '-o', 'out-nolabels', '--strategy', 'colors'],
      /needs vertex colours/,
    ],
  ])('exits 2 with one line and writes nothing for %s', (_title, args, message) => {
    const { code, stdout, stderr } = meshparts(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stdout).toBe('');
    expect(existsSync(join(work, args[3]!))).toBe(false);
  });

  it('prints the stack with --debug', () => {
    const { code, stderr } = meshparts('--debug', 'split', 'nope.glb', '-o', 'x');
    expect(code).toBe(2);
    expect(stderr).toMatch(/ModelReadError: cannot read nope\.glb[\s\S]*\n\s+at /);
  });

  it('--dry-run shows the files it would write and writes nothing; --quiet prints nothing', () => {
    const out = join(work, 'dry');
    const dry = meshparts('split', join(FIXTURES, 'generated/shared-mesh.glb'), '-o', out, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`${out}/parts/pillar.glb  12 triangles`);
    expect(dry.stdout).toMatch(/nothing written/);
    expect(existsSync(out)).toBe(false);
    const json = meshparts(
      'split',
      join(FIXTURES, 'generated/shared-mesh.glb'),
      '-o',
      out,
      '--dry-run',
      '--json',
    );
    expect(JSON.parse(json.stdout)).toMatchObject({ dryRun: true, report: { strategy: 'nodes' } });
    expect(existsSync(out)).toBe(false);
    const quiet = meshparts('split', join(FIXTURES, 'generated/shared-mesh.glb'), '-o', out, '--quiet');
    expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  });

  it('logs debug lines to stderr with --debug, keeping stdout pure JSON', () => {
    const { code, stdout, stderr } = meshparts(
      '--debug',
      'split',
      join(FIXTURES, 'TwoCubes.glb'),
      '-o',
      join(work, 'debug'),
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout).manifest.parts).toHaveLength(2);
    // TwoCubes is split at the byte level (no Document): its plan and parts are logged all the same.
    expect(stderr).toMatch(/debug: splitModel: the byte-level split: nodes \(the scene has 2 mesh nodes/);
    expect(stderr).toMatch(/debug: byte-level split: CubeA \(node0\): \d+ vertices, \d+ triangles/);
  });

  it('logs the Document path the same way for a model the byte-level split leaves to it', () => {
    const { code, stderr } = meshparts(
      '--debug',
      'split',
      join(FIXTURES, 'BoxAnimated.glb'),
      '-o',
      join(work, 'debug-document'),
      '--json',
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/debug: planParts: nodes/);
    expect(stderr).toMatch(/debug: splitParts: /);
  });

  it('documents itself with examples', () => {
    const { code, stdout } = meshparts('split', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/--pivot <mode>/);
    expect(stdout).toMatch(/Examples:\n\s+\$ meshparts split robot\.glb -o packs\/robot/);
  });
});

describe('meshparts inspect', () => {
  it('says how to cut a model that auto finds to be one fused mesh, and only then', () => {
    const sword = meshparts('inspect', join(FIXTURES, 'PartCrafter_sword.glb'));
    expect(sword.code).toBe(0);
    expect(sword.stdout).toMatch(/hint: .*meshparts run.*--strategy components.*--strategy shape/);
    const cubes = meshparts('inspect', join(FIXTURES, 'TwoCubes.glb'));
    expect(cubes.stdout).not.toMatch(/hint:/);
    const asked = meshparts('inspect', join(FIXTURES, 'PartCrafter_sword.glb'), '--strategy', 'nodes');
    expect(asked.stdout).not.toMatch(/hint:/);
  });

  it('prints a readable table', () => {
    const { code, stdout } = meshparts('inspect', join(FIXTURES, 'generated/shared-mesh.glb'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^shared-mesh\.glb: 2 parts, 16 vertices, 24 triangles\nstrategy: nodes \(/);
    expect(stdout).toMatch(/\n0\s+pillar\s+pillar\s+mesh0\s+8\s+12\s+4\s*\n/);
  });

  it('prints JSON with --json and writes nothing', () => {
    const before = readdirSync(work).length;
    const { code, stdout } = meshparts('inspect', join(FIXTURES, 'MultipleScenes.embedded.gltf'), '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ strategy: 'nodes', scenes: 2 });
    expect(report.sceneNote).toMatch(/only the default scene/);
    expect(readdirSync(work).length).toBe(before);
  });

  it('shows its choices: the palette, the blends and what was merged', () => {
    const colors = meshparts('inspect', join(FIXTURES, 'generated/blended-colors-7.glb'));
    expect(colors.code).toBe(0);
    expect(colors.stdout).toMatch(/\npart colours: 7\n/);
    expect(colors.stdout).toMatch(
      /\nblends \(colours only where parts meet, not parts\): \d+\n {2}color_[0-9a-f]{6} {2}= color_/,
    );
    const fragments = meshparts('inspect', join(FIXTURES, 'generated/fragments.glb'), '--target-parts', '6');
    expect(fragments.stdout).toMatch(/\nmerged: 76 parts into 6\n {2}tripo_part_\d+ <- tripo_part_/);
  });

  it('exits 2 on unreadable input', () => {
    const garbage = join(work, 'garbage.glb');
    writeFileSync(garbage, 'glTF\u0002\u0000\u0000\u0000garbage');
    const { code, stderr } = meshparts('inspect', garbage);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
