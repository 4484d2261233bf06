import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../packages/client/src/testing/index.js';
import { readModel } from '../packages/split/src/index.js';
import { ensureBuilt, runCli } from './helpers/cli.js';
import { cliEnvFor, FAST_FLAGS, TEST_KEY } from './helpers/emulator.js';
import { glbWithNodeNames, gltfReferencing } from './helpers/hostile-gltf.js';
import { allFiles, tempLeftovers } from './helpers/leftovers.js';
import { expectValidPack } from './helpers/packs.js';
import { tempDir } from './helpers/paths.js';

/**
 * GitHub issue 6, "Names and URIs": a model is untrusted input. Its buffer and image URIs must not make
 * meshparts read anything outside the model's folder (`../`, absolute paths, `file:` URLs, device
 * files, symlinks that lead out, network URLs), and its node names (or a Tripo result's) must not make
 * it write anything outside the output folder. A sentinel file beside the input folder holds bytes
 * that must never show up in anything meshparts writes.
 */

const SENTINEL = Buffer.from('MESHPARTS-SENTINEL-SECRET-'.repeat(4)); // 104 bytes: big enough for a buffer
const STACK_FRAME = /^\s{4}at /m;

let work: { dir: string; remove: () => Promise<void> };
let models: string;
let secret: string;
beforeAll(async () => {
  work = await tempDir('security-paths');
  models = join(work.dir, 'deep', 'models');
  await mkdir(models, { recursive: true });
  secret = join(work.dir, 'secret.bin');
  await writeFile(secret, SENTINEL);
  await writeFile(join(work.dir, 'deep', 'secret.bin'), SENTINEL);
  await symlink(secret, join(models, 'link-out.bin'));
  await ensureBuilt();
}, 180_000);
afterAll(() => work?.remove());

/** Whether any file under `dir` holds the sentinel bytes (or their base64, as a data: URI would). */
async function leaksSentinel(dir: string): Promise<string[]> {
  const b64 = SENTINEL.toString('base64').slice(0, 40);
  const leaks: string[] = [];
  for (const file of await allFiles(dir).catch(() => [])) {
    const bytes = await readFile(file);
    if (bytes.includes(SENTINEL.subarray(0, 26)) || bytes.includes(b64)) leaks.push(file);
  }
  return leaks;
}

const HOSTILE_URIS: [string, () => string][] = [
  ['a parent path', () => '../secret.bin'],
  ['a deeper parent path', () => '../../secret.bin'],
  ['a percent-encoded parent path', () => '%2e%2e/secret.bin'],
  ['a path that leaves and comes back', () => 'x/../../secret.bin'],
  ['an absolute path', () => secret],
  ['a file: URL', () => pathToFileURL(secret).href],
  ['a relative file: URL', () => 'file:../secret.bin'],
  ['a device file', () => '/dev/zero'],
  ['/etc/passwd', () => '../../../../../../../../etc/passwd'],
  ['a symlink inside the folder that leads out', () => 'link-out.bin'],
];

describe('buffer and image URIs that point outside the model folder', () => {
  for (const [title, uri] of HOSTILE_URIS) {
    for (const slot of ['bufferUri', 'imageUri'] as const) {
      it(`refuses ${title} as ${slot === 'bufferUri' ? 'a buffer' : 'an image'}, naming it, reading nothing`, async () => {
        const name = `${slot}-${title.replace(/\W+/g, '-')}`;
        const model = join(models, `${name}.gltf`);
        await writeFile(model, gltfReferencing({ [slot]: uri() }));
        // In process: readModel refuses with a ModelReadError whose one line names the URI.
        const error = await readModel(model).then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        expect(error?.name, `${uri()} was read`).toBe('ModelReadError');
        expect(error!.message).toContain(JSON.stringify(uri()));
        expect(error!.message).not.toContain('\n');
        // Through the CLI: exit 2, one line, nothing written, no sentinel anywhere.
        const out = join(work.dir, 'out', name);
        const result = await runCli(['split', model, '-o', out]);
        expect(result.code, result.stderr).toBe(2);
        expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(result.stderr).not.toMatch(STACK_FRAME);
        await expect(readdir(out)).rejects.toThrow(/ENOENT/);
        expect(await leaksSentinel(join(work.dir, 'out'))).toEqual([]);
      });
    }
  }

  it('never fetches a network URI', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.end(SENTINEL);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const model = join(models, 'network.gltf');
      await writeFile(model, gltfReferencing({ bufferUri: `http://127.0.0.1:${port}/secret.bin` }));
      const result = await runCli(['split', model, '-o', join(work.dir, 'out', 'network')]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(requests).toBe(0);
    } finally {
      server.close();
    }
  });

  it('keeps a run going: the hostile model fails as input, the good one is packed, nothing leaks', async () => {
    const folder = join(work.dir, 'run-models');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'good.gltf'), gltfReferencing({}));
    await writeFile(join(folder, 'evil.gltf'), gltfReferencing({ imageUri: '../secret.bin' }));
    const out = join(work.dir, 'run-out');
    const result = await runCli(['run', folder, '-o', out, '--segmenter', 'local', '--json']);
    expect(result.code, result.stderr).toBe(1);
    const run = JSON.parse(result.stdout) as {
      results: {
        file: string;
        outcome: string;
        packDir: string | null;
        error: { code: string; message: string } | null;
      }[];
    };
    const evil = run.results.find((r) => r.file.endsWith('evil.gltf'))!;
    expect(evil.outcome).toBe('failed');
    expect(evil.error).toMatchObject({ code: 'input', message: expect.stringContaining('"../secret.bin"') });
    const good = run.results.find((r) => r.file.endsWith('good.gltf'))!;
    expect(good.outcome).toBe('packed');
    await expectValidPack(good.packDir!);
    expect(await leaksSentinel(out)).toEqual([]);
  });
});

/** Names that try to leave `parts/`, hide, or mean something to a file system. */
const HOSTILE_NAMES = [
  '../../escaped',
  '../manifest',
  '/etc/passwd',
  '..',
  '.',
  '',
  'CON',
  'nul.txt',
  'COM1',
  'C:\\Windows\\evil',
  '\\\\server\\share\\evil',
  'a/b/c',
  'dir\\..\\..\\evil',
  '.meshparts',
  'x\u0000y',
  '%2e%2e%2fencoded',
  `${'long'.repeat(100)}`,
  'file:///etc/passwd',
  'ends with dot.',
  'part-col',
];

/** Every path under `root` outside `allowed` that appeared (compared with `before`). */
async function newFilesOutside(
  root: string,
  allowed: string,
  before: ReadonlySet<string>,
): Promise<string[]> {
  return (await allFiles(root)).filter((file) => !before.has(file) && !file.startsWith(`${allowed}/`));
}

describe('node names that try to escape the output folder', () => {
  it('split writes every part inside <out>/parts with a safe name, and nothing anywhere else', async () => {
    const root = join(work.dir, 'names-split');
    await mkdir(join(root, 'in'), { recursive: true });
    const model = join(root, 'in', 'hostile.glb');
    await writeFile(model, glbWithNodeNames(HOSTILE_NAMES));
    const before = new Set(await allFiles(root));
    const out = join(root, 'deep', 'out');
    const result = await runCli(['split', model, '-o', out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const { manifest } = JSON.parse(result.stdout) as {
      manifest: {
        parts: { file: string; sourceName: string; thumbnail?: string }[];
        files: { path: string }[];
      };
    };
    expect(manifest.parts).toHaveLength(HOSTILE_NAMES.length);
    expect(await newFilesOutside(root, out, before)).toEqual([]);
    // Exactly what the manifest owns: the parts, their thumbnails, the gallery; nothing else.
    const written = (await allFiles(out)).map((file) => file.slice(out.length + 1)).sort();
    const owned = [...manifest.parts.map((p) => p.file), ...manifest.files.map((f) => f.path)];
    expect(written).toEqual(['manifest.json', ...owned].sort());
    for (const part of manifest.parts) {
      expect(part.file).toMatch(/^parts\/[^/\\:*?"<>|#%&+ ]+\.glb$/);
      expect(part.thumbnail).toMatch(/^thumbnails\/[^/\\:*?"<>|#%&+ ]+\.png$/);
    }
    await expectValidPack(out);
  });

  it('run does the same with a Tripo result whose part names are hostile, and with hostile model file names', async () => {
    const root = join(work.dir, 'names-run');
    const input = join(root, 'in');
    await mkdir(input, { recursive: true });
    // File names that would be dangerous slugs (the model's pack folder is named after its file).
    const files = ['CON.glb', '..glb', 'nul.glb', ' .glb'];
    for (const [i, file] of files.entries())
      await writeFile(join(input, file), glbWithNodeNames([`seed ${i}`]));
    // The "Tripo" result names its parts with every hostile name.
    const hostile = glbWithNodeNames(HOSTILE_NAMES);
    await using emulator = await startEmulator({
      apiKey: TEST_KEY,
      balance: 10_000,
      durationMs: 100,
      requestsPerMinute: 10_000,
      segment: async () => hostile,
    });
    const out = join(root, 'out');
    const before = new Set(await allFiles(root));
    const result = await runCli(['run', input, '-o', out, '--json', ...FAST_FLAGS], {
      env: cliEnvFor(emulator),
    });
    expect(result.code, result.stderr).toBe(0);
    const run = JSON.parse(result.stdout) as { results: { slug: string; packDir: string }[] };
    expect(run.results).toHaveLength(files.length);
    expect(await newFilesOutside(root, out, before)).toEqual([]);
    const top = (await readdir(out)).sort();
    // The packs, the catalog and the run's page over them (index.html and gallery/).
    expect(top).toEqual(
      ['.meshparts', 'catalog.json', 'gallery', 'index.html', ...run.results.map((r) => r.slug)].sort(),
    );
    for (const r of run.results) {
      expect(r.slug).not.toMatch(/^\.|[/\\]|^(con|nul)$/i);
      expect(r.packDir.startsWith(`${out}/`)).toBe(true);
      const manifest = await expectValidPack(r.packDir);
      expect(manifest.parts).toHaveLength(HOSTILE_NAMES.length);
    }
    expect(await tempLeftovers(out)).toEqual([]);
  });
});
