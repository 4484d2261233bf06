import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EncodedPart, verifyPack, writePack } from '../packages/split/src/index.js';
import { collect, ensureBuilt } from './helpers/cli.js';
import { ROOT, tempDir } from './helpers/paths.js';

/**
 * The pack folder is the user's too, across a crash: a pack write is killed with SIGKILL right before
 * each of its file-system changes in turn (every mkdir, open for writing, rename, unlink, rmdir and
 * rm), over a pack that holds the user's own files. After every kill: the user's files are there,
 * byte for byte; a reader sees either the old pack or the new one complete, or no manifest at all
 * (never a mix taken for whole); and the next write finishes or discards what the killed one left,
 * so the folder then holds exactly the newest pack's files and the user's.
 *
 * The kills are exact, not timed: a child process wraps node:fs/promises so that its K-th changing
 * call sends SIGKILL to itself, for K = 1 … every call of an uncut write.
 */

let work: { dir: string; remove: () => Promise<void> };
beforeAll(async () => {
  work = await tempDir('pack-crash');
  await ensureBuilt();
}, 180_000);
afterAll(async () => {
  await work?.remove();
});

const BOUNDS = { min: [0, 0, 0] as [number, number, number], max: [1, 1, 1] as [number, number, number] };
const SOURCE = {
  file: 'm.glb',
  byteLength: 1,
  sha256: 'a'.repeat(64),
  strategy: 'nodes' as const,
  reason: 'test',
};

/** A pack's content: part names with their bytes, and additional files. */
interface Version {
  parts: Record<string, string>;
  files: Record<string, string>;
}
const V1: Version = {
  parts: { a: 'a1', b: 'b1', c: 'c1' },
  files: { 'thumbnails/a.png': 'ta1', 'thumbnails/b.png': 'tb1', 'thumbnail.png': 't1' },
};
const V2: Version = {
  parts: { b: 'b2', c: 'c1', d: 'd2' },
  files: { 'thumbnails/b.png': 'tb2', 'thumbnails/d.png': 'td2', 'gallery/js/page.js': 'js2' },
};
const V3: Version = { parts: { a: 'a3', e: 'e3' }, files: { 'thumbnails/e.png': 'te3' } };

const USER_FILES: Record<string, string> = {
  'LICENSE.txt': 'CC-BY 4.0',
  'parts/NOTES.md': 'my notes',
  'previews/a.png': 'my preview',
  'thumbnails/mine.png': 'my own thumbnail',
};

function encoded(version: Version): EncodedPart[] {
  return Object.entries(version.parts).map(([name, text], index) => ({
    id: `n${name}`,
    name,
    sourceName: name,
    parent: null,
    pivot: 'original',
    placements: [{ node: name, nodeIndex: index, matrix: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] }],
    bytes: new TextEncoder().encode(text),
    vertices: 0,
    triangles: 0,
    materials: 0,
    textures: 0,
    bounds: BOUNDS,
  }));
}

function files(version: Version) {
  return Object.entries(version.files).map(([path, text]) => ({
    path,
    bytes: new TextEncoder().encode(text),
  }));
}

/** Every file under `dir`, relative, with its text. */
function contents(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (at: string, prefix: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(join(at, entry.name), rel);
      else found[rel] = readFileSync(join(at, entry.name), 'utf8');
    }
  };
  walk(dir, '');
  return found;
}

/** What a folder holding `version` and the user's files looks like (manifest aside). */
function expected(version: Version): Record<string, string> {
  return {
    ...USER_FILES,
    ...Object.fromEntries(Object.entries(version.parts).map(([name, text]) => [`parts/${name}.glb`, text])),
    ...version.files,
  };
}

const CHILD = `
import fs from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
const killAt = Number(process.env.KILL_AT);
let calls = 0;
for (const name of ['mkdir', 'open', 'rename', 'unlink', 'rmdir', 'rm', 'writeFile']) {
  const original = fs[name];
  fs[name] = async (...args) => {
    calls += 1;
    if (calls === killAt) process.kill(process.pid, 'SIGKILL');
    return original(...args);
  };
}
syncBuiltinESMExports();
const { writePack } = await import(process.env.PACK_ENTRY);
const input = JSON.parse(process.env.INPUT);
const bytes = (text) => new TextEncoder().encode(text);
await writePack(process.env.DIR, input.parts.map((part) => ({ ...part, bytes: bytes(part.bytes) })), {
  ...input.options,
  files: input.files.map((file) => ({ path: file.path, bytes: bytes(file.bytes) })),
});
console.log(JSON.stringify({ calls }));
`;

/** Writes V2 into `dir` in a child process that kills itself at its `killAt`-th change (0: never). */
async function childWrite(dir: string, killAt: number) {
  const input = {
    parts: encoded(V2).map((part) => ({ ...part, bytes: new TextDecoder().decode(part.bytes) })),
    files: files(V2).map((file) => ({ path: file.path, bytes: new TextDecoder().decode(file.bytes) })),
    options: { source: SOURCE, bounds: BOUNDS, durable: false },
  };
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
    env: {
      PATH: process.env.PATH,
      KILL_AT: String(killAt),
      DIR: dir,
      INPUT: JSON.stringify(input),
      PACK_ENTRY: pathToFileURL(join(ROOT, 'packages/split/dist/pack.js')).href,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child, 60_000);
}

async function setUp(dir: string): Promise<void> {
  await writePack(dir, encoded(V1), { source: SOURCE, bounds: BOUNDS, files: files(V1) });
  for (const [path, text] of Object.entries(USER_FILES)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

describe('a pack write killed with SIGKILL before each of its file-system changes', () => {
  it('never loses a user file, never shows a mix as complete, and is finished by the next write', async () => {
    const probe = join(work.dir, 'probe');
    await setUp(probe);
    const uncut = await childWrite(probe, 0);
    expect(uncut.code, uncut.stderr).toBe(0);
    const { calls } = JSON.parse(uncut.stdout) as { calls: number };
    expect(contents(probe)).toMatchObject(expected(V2));
    expect(calls).toBeGreaterThan(20);

    const outcomes: string[] = [];
    // Two children at a time (the machine is shared).
    let next = 1;
    const worker = async (): Promise<void> => {
      for (let killAt = next++; killAt <= calls; killAt = next++) await killedAt(killAt);
    };
    const killedAt = async (killAt: number) => {
      const dir = join(work.dir, `kill-${killAt}`);
      await setUp(dir);
      const result = await childWrite(dir, killAt);
      expect(result.signal, `kill ${killAt}: ${result.stderr}`).toBe('SIGKILL');
      const after = contents(dir);
      for (const [path, text] of Object.entries(USER_FILES))
        expect(after[path], `kill ${killAt}: ${path}`).toBe(text);
      const check = await verifyPack(dir);
      if (check.complete) {
        const state = JSON.stringify(check.manifest!.parts.map((part) => part.name));
        const v1 = JSON.stringify(Object.keys(V1.parts));
        const v2 = JSON.stringify(Object.keys(V2.parts));
        expect([v1, v2], `kill ${killAt}`).toContain(state);
        // A staging folder the killed write left is not part of the pack (the next write handles it).
        const rest = Object.fromEntries(
          Object.entries(after).filter(
            ([path]) => path !== 'manifest.json' && !path.startsWith('.meshparts.tmp-'),
          ),
        );
        expect(rest, `kill ${killAt}`).toEqual(expected(state === v1 ? V1 : V2));
        outcomes.push(state === v1 ? 'old' : 'new');
      } else {
        expect(after['manifest.json'], `kill ${killAt}`).toBeUndefined();
        outcomes.push('cut');
      }
      // The next write finishes or discards what the killed one left.
      await writePack(dir, encoded(V3), { source: SOURCE, bounds: BOUNDS, files: files(V3) });
      const { 'manifest.json': manifest, ...final } = contents(dir);
      expect(final, `kill ${killAt}`).toEqual(expected(V3));
      expect(manifest).toBeDefined();
      expect((await verifyPack(dir)).complete).toBe(true);
    };
    await Promise.all([worker(), worker()]);
    // The kills landed before, inside and after the commit.
    expect(new Set(outcomes)).toEqual(new Set(['old', 'cut', 'new']));
  }, 600_000);
});
