import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitModel } from '../packages/split/src/index.js';
import { writeGallery } from '../packages/split/src/pack/gallery/index.js';
import { ensureBuilt, runCli } from './helpers/cli.js';
import { FIXTURES, tempDir } from './helpers/paths.js';
import { startView } from './helpers/view.js';

let work: { dir: string; remove: () => Promise<void> };
let pack: string;

beforeAll(async () => {
  await ensureBuilt();
  work = await tempDir('view-cli');
  pack = join(work.dir, 'two-cubes');
  const { manifest } = await splitModel(join(FIXTURES, 'TwoCubes.glb'), pack);
  await writeGallery(pack, manifest);
}, 180_000);
afterAll(() => work?.remove());

describe('meshparts view', () => {
  it('is listed by --help and has its own help with examples', async () => {
    expect((await runCli(['--help'])).stdout).toMatch(/\n\s+view \[options\] <dir>/);
    const help = await runCli(['view', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n\s+\$ meshparts view /);
    expect(help.stdout).toContain('--port');
  });

  it('prints the URL of index.html on stdout, serves the pack, and stops on SIGINT with exit 0', async () => {
    const view = await startView([pack]);
    const url = view.url;
    expect(view.stdout()).toBe(`${url}\n`);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('gallery/js/pack-page.js');
    const part = await fetch(new URL('parts/CubeA.glb', url));
    expect(part.headers.get('content-type')).toBe('model/gltf-binary');
    view.child.kill('SIGINT');
    const result = await view.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${url}\n`);
    expect(result.stderr).toBe(
      `serving pack of TwoCubes.glb, 2 parts from ${pack}\npress Ctrl-C to stop\nstopped (SIGINT)\n`,
    );
  });

  it('prints one JSON document with --json, and stops on SIGTERM with exit 0', async () => {
    const view = await startView([pack, '--json']);
    const info = JSON.parse(view.stdout()) as { url: string; dir: string; kind: string; port: number };
    expect(info).toMatchObject({ dir: pack, kind: 'pack' });
    expect(info.url).toBe(`http://127.0.0.1:${info.port}/index.html`);
    expect((await fetch(info.url)).status).toBe(200);
    view.child.kill('SIGTERM');
    const result = await view.done;
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(info);
  });

  it('prints only the URL with --quiet, on the port asked for', async () => {
    const port = await freePort();
    const view = await startView([pack, '--quiet', '--port', String(port)]);
    expect(view.url).toBe(`http://127.0.0.1:${port}/index.html`);
    view.child.kill('SIGINT');
    const result = await view.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${view.url}\n`);
    expect(result.stderr).toBe('');
  });

  it('exits 2 with one line for a folder that is neither a pack nor a run output', async () => {
    const other = join(work.dir, 'photos');
    await mkdir(other, { recursive: true });
    await writeFile(join(other, 'index.html'), '<p>my page</p>');
    for (const dir of [other, join(work.dir, 'missing')]) {
      const result = await runCli(['view', dir]);
      expect(result.code, dir).toBe(2);
      expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
      expect(result.stdout).toBe('');
    }
    const json = await runCli(['view', other, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { kind: 'usage' } });
  });

  it('exits 2 for a port out of range or already taken', async () => {
    for (const port of ['65536', '99999', '-1', 'http', '1.5']) {
      const result = await runCli(['view', pack, '--port', port]);
      expect(result.code, port).toBe(2);
      expect(result.stderr, port).toContain('--port');
    }
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const result = await runCli(['view', pack, '--port', String(port)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`port ${port} is in use`);
    } finally {
      taken.close();
    }
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
