import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collect, ensureBuilt, runCli, spawnCli } from './helpers/cli.js';
import { glbWithNodeNames } from './helpers/hostile-gltf.js';
import { useWorkspace } from './helpers/workspace.js';

/**
 * The newcomer's trial: Ctrl-C during `meshparts split` used to kill the process with no word, leave
 * a hidden staging folder of up to 42 MB, and, when it landed during the commit, a pack without its
 * manifest. Now the first Ctrl-C stops the split where the pack folder is as it was: one line, exit 1,
 * no staging left, an existing pack unchanged to the byte. The signal is sent once the split has made
 * its first part (`--debug` says so), on a generated model of 500 parts.
 */

const ws = useWorkspace('split-interrupt', ['TwoCubes.glb']);

beforeAll(ensureBuilt, 180_000);

async function bigModel(dir: string): Promise<string> {
  const path = join(dir, 'triangles-500.glb');
  await writeFile(path, glbWithNodeNames(Array.from({ length: 500 }, (_, i) => `part_${i}`)));
  return path;
}

async function listing(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      out[path] = (await readFile(path)).toString('base64');
    }
  }
  return out;
}

/** `meshparts split model -o out --debug`, interrupted by `signal` once its first part is made. */
async function splitInterrupted(model: string, out: string, signal: NodeJS.Signals) {
  const child = spawnCli(['split', model, '-o', out, '--debug']);
  const done = collect(child, 60_000);
  let stderr = '';
  let sent = false;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (!sent && stderr.includes('byte-level split:')) {
      sent = true;
      child.kill(signal);
    }
  });
  const result = await done;
  expect(sent, result.stderr).toBe(true);
  return result;
}

describe.each(['SIGINT', 'SIGTERM'] as const)('%s during meshparts split', (signal) => {
  it('into a new folder: one line, exit 1, the folder is not left behind', async () => {
    const model = await bigModel(ws.dir);
    const out = join(ws.dir, 'new-pack');
    const result = await splitInterrupted(model, out, signal);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`meshparts: ${signal}: stopping .*new-pack stays as it was`));
    expect(result.stderr).toMatch(
      new RegExp(
        `split stopped \\(interrupted by ${signal}\\): nothing was written, .*new-pack is as it was`,
      ),
    );
    expect(existsSync(out)).toBe(false);
  }, 90_000);

  it('over an existing pack: every byte stays, no staging folder is left, and the rerun completes', async () => {
    const model = await bigModel(ws.dir);
    const out = join(ws.dir, 'pack');
    const first = await runCli(['split', join(ws.inputs, 'TwoCubes.glb'), '-o', out]);
    expect(first.code, first.stderr).toBe(0);
    const before = await listing(out);
    const result = await splitInterrupted(model, out, signal);
    expect(result.code, result.stderr).toBe(1);
    expect(await listing(out)).toEqual(before);
    expect((await readdir(out)).filter((name) => name.startsWith('.'))).toEqual([]);
    const rerun = await runCli(['split', model, '-o', out, '--thumbnails', 'none', '--json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout).manifest.parts).toHaveLength(500);
  }, 90_000);
});
