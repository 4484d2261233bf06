import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contentTypeOf,
  inspectServedFolder,
  NotServableError,
  parseRequestPath,
  type StaticServer,
  startStaticServer,
} from '../src/view/index.js';

const SECRET = 'top secret outside the folder';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request: the target goes on the request line exactly as given (no URL normalising). */
function raw(
  server: StaticServer,
  target: string,
  options: { method?: string; host?: string; agent?: Agent } = {},
) {
  return new Promise<Reply>((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: server.port,
      method: options.method ?? 'GET',
      path: target,
      headers: { host: options.host ?? `127.0.0.1:${server.port}` },
      agent: options.agent ?? false,
    });
    req.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the view server', () => {
  let base: string;
  let root: string;
  let server: StaticServer;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'meshparts-view-'));
    root = join(base, 'pack');
    await mkdir(join(root, 'parts'), { recursive: true });
    await mkdir(join(root, 'gallery', 'three'), { recursive: true });
    await mkdir(join(root, 'thumbnails'), { recursive: true });
    await mkdir(join(root, '.meshparts'), { recursive: true });
    await writeFile(join(base, 'secret.txt'), SECRET);
    await mkdir(join(base, 'outside'));
    await writeFile(join(base, 'outside', 'index.html'), SECRET);
    await writeFile(join(root, 'index.html'), '<!doctype html><title>pack</title>');
    await writeFile(join(root, 'manifest.json'), '{"manifestVersion":1,"parts":[]}');
    await writeFile(join(root, 'parts', 'wheel #1.glb'), 'glTF-bytes');
    await writeFile(join(root, 'parts', '頭部.glb'), 'glTF-bytes-cjk');
    await writeFile(join(root, 'gallery', 'three', 'decoder.wasm'), 'wasm');
    await writeFile(join(root, 'gallery', 'page.js'), 'export {};');
    await writeFile(join(root, 'gallery', 'page.css'), 'body{}');
    await writeFile(join(root, 'thumbnails', 'a.png'), 'png');
    await writeFile(join(root, '.meshparts', 'journal.jsonl'), 'task ids');
    await symlink(join(base, 'secret.txt'), join(root, 'parts', 'leak.glb'));
    await symlink(join(base, 'outside'), join(root, 'outside-dir'));
    await symlink(join(root, 'parts', '頭部.glb'), join(root, 'inside-link.glb'));
    server = await startStaticServer({ root });
  });

  afterAll(async () => {
    await server?.close();
    await rm(base, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only, on a free port by default', () => {
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}/`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('serves files with their content types, / as index.html, and encoded names', async () => {
    const cases: [string, string, string][] = [
      ['/', 'text/html; charset=utf-8', '<!doctype html><title>pack</title>'],
      ['/index.html', 'text/html; charset=utf-8', '<!doctype html><title>pack</title>'],
      ['/manifest.json', 'application/json; charset=utf-8', '{"manifestVersion":1,"parts":[]}'],
      ['/parts/wheel%20%231.glb', 'model/gltf-binary', 'glTF-bytes'],
      [`/parts/${encodeURIComponent('頭部')}.glb`, 'model/gltf-binary', 'glTF-bytes-cjk'],
      ['/gallery/three/decoder.wasm', 'application/wasm', 'wasm'],
      ['/gallery/page.js', 'text/javascript; charset=utf-8', 'export {};'],
      ['/gallery/page.css', 'text/css; charset=utf-8', 'body{}'],
      ['/thumbnails/a.png?v=2', 'image/png', 'png'],
      ['/inside-link.glb', 'model/gltf-binary', 'glTF-bytes-cjk'],
    ];
    for (const [target, type, body] of cases) {
      const reply = await raw(server, target);
      expect(reply.status, target).toBe(200);
      expect(reply.headers['content-type'], target).toBe(type);
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.body, target).toBe(body);
    }
  });

  it('answers HEAD with the headers only, and refuses other methods', async () => {
    const head = await raw(server, '/parts/wheel%20%231.glb', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String('glTF-bytes'.length));
    expect(head.body).toBe('');
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const reply = await raw(server, '/index.html', { method });
      expect(reply.status, method).toBe(405);
      expect(reply.headers.allow).toBe('GET, HEAD');
    }
  });

  it('never serves a file outside the folder, however the path is spelled', async () => {
    const attempts: [string, number][] = [
      ['/../secret.txt', 403],
      ['/parts/../../secret.txt', 403],
      ['/%2e%2e/secret.txt', 403],
      ['/%2E%2E/%2E%2E/secret.txt', 403],
      ['/parts/..%2f..%2fsecret.txt', 403],
      ['/parts%2f..%2f..%2fsecret.txt', 403],
      ['/..%5csecret.txt', 403],
      ['/..\\secret.txt', 403],
      ['/./index.html', 403],
      ['//secret.txt', 403],
      ['/parts/leak.glb', 403],
      ['/outside-dir/', 403],
      ['/outside-dir/index.html', 403],
      ['/.meshparts/journal.jsonl', 403],
      ['/index.html%00.png', 403],
      [`http://127.0.0.1/${join(base, 'secret.txt')}`, 400],
      [join(base, 'secret.txt').slice(1), 400],
      ['/%zz', 400],
      ['/missing.glb', 404],
    ];
    for (const [target, status] of attempts) {
      const reply = await raw(server, target);
      expect(reply.status, target).toBe(status);
      expect(reply.body, target).not.toContain(SECRET);
    }
  });

  it('redirects a folder without its slash, and has no directory listing', async () => {
    const folder = await raw(server, '/parts');
    expect(folder.status).toBe(301);
    expect(folder.headers.location).toBe('/parts/');
    const listing = await raw(server, '/parts/');
    expect(listing.status).toBe(404);
    expect(listing.body).not.toContain('wheel');
    expect((await raw(server, '/index.html/')).status).toBe(404);
  });

  it('refuses requests for another host name (DNS rebinding)', async () => {
    expect((await raw(server, '/index.html', { host: 'evil.example:80' })).status).toBe(403);
    expect((await raw(server, '/index.html', { host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await raw(server, '/index.html', { host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('stops listening when closed, also with a keep-alive connection open', async () => {
    const other = await startStaticServer({ root });
    const agent = new Agent({ keepAlive: true });
    const reply = await raw(other, '/index.html', { agent });
    expect(reply.status).toBe(200);
    expect(Object.keys(agent.freeSockets)).toHaveLength(1); // the browser-like idle connection
    await other.close();
    agent.destroy();
    await expect(raw(other, '/index.html')).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('parseRequestPath', () => {
  it('splits and decodes the path, ignoring the query and the fragment', () => {
    expect(parseRequestPath('/a/b%20c.glb?x=1#y')).toEqual({
      ok: true,
      segments: ['a', 'b c.glb'],
      directory: false,
    });
    expect(parseRequestPath('/')).toEqual({ ok: true, segments: [], directory: true });
    expect(parseRequestPath('/parts/')).toEqual({ ok: true, segments: ['parts'], directory: true });
    expect(parseRequestPath('/a/%2e%2e/b')).toMatchObject({ ok: false, status: 403 });
    expect(parseRequestPath('*')).toMatchObject({ ok: false, status: 400 });
  });
});

describe('contentTypeOf', () => {
  it('knows what packs hold, and falls back to octet-stream', () => {
    expect(contentTypeOf('a.GLB')).toBe('model/gltf-binary');
    expect(contentTypeOf('x.ktx2')).toBe('image/ktx2');
    expect(contentTypeOf('LICENSE')).toBe('application/octet-stream');
  });
});

describe('inspectServedFolder', () => {
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'meshparts-view-kind-'));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('tells a pack from a run output, and refuses anything else with one line', async () => {
    const pack = join(base, 'pack');
    await mkdir(pack);
    await writeFile(
      join(pack, 'manifest.json'),
      '{"manifestVersion":1,"source":{"file":"robot.glb"},"parts":[{},{}]}',
    );
    await expect(inspectServedFolder(pack)).rejects.toThrow(
      /without a gallery \(no index\.html: written with --no-gallery, or by an older meshparts\): write it again without --no-gallery/,
    );
    await writeFile(join(pack, 'index.html'), '');
    expect(await inspectServedFolder(pack)).toEqual({
      kind: 'pack',
      summary: 'pack of robot.glb, 2 parts',
      page: 'index.html',
    });

    const run = join(base, 'run');
    await mkdir(run);
    await writeFile(join(run, 'catalog.json'), '{"catalogVersion":1,"packs":[{}]}');
    // The run's page is meshparts' (the mark its pages carry); an index.html of the user's is not it.
    await writeFile(join(run, 'index.html'), '<meta name="generator" content="meshparts">');
    expect(await inspectServedFolder(run)).toEqual({
      kind: 'run',
      summary: 'run output, 1 pack',
      page: 'index.html',
    });

    const other = join(base, 'other');
    await mkdir(other);
    await writeFile(join(other, 'manifest.json'), '{"name":"a web app manifest"}');
    await writeFile(join(other, 'index.html'), '');
    const error = await inspectServedFolder(other).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotServableError);
    expect((error as Error).message).toMatch(/is neither a pack .* nor a run's output/);
    expect((error as Error).message).not.toContain('\n');
    await expect(inspectServedFolder(join(base, 'missing'))).rejects.toThrow(/does not exist/);
    await expect(inspectServedFolder(join(pack, 'manifest.json'))).rejects.toThrow(/is not a folder/);
  });
});
