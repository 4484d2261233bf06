import { spawn } from 'node:child_process';
import { chmod, chown, cp, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../packages/client/src/testing/index.js';
import { cleanEnv, collect, ensureBuilt, runCli } from './helpers/cli.js';
import { cliEnvFor, FAST_FLAGS, startTestEmulator } from './helpers/emulator.js';
import { BIN, FIXTURES } from './helpers/paths.js';
import { useWorkspace } from './helpers/workspace.js';

/**
 * Issue 11, D4 and D11: a run never pays to segment its own output, however the output folder is
 * reached (a symlink, another spelling), and one unreadable model file or sub-folder fails alone while
 * the rest of the run goes on.
 */

let emulator: Emulator | undefined;
const ws = useWorkspace('inputs-hostile', ['TwoCubes.glb', 'BoxAnimated.glb']);

beforeAll(ensureBuilt, 180_000);
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('the output folder is never an input (D4)', () => {
  it('inside the input behind a symlink: every rerun pays nothing and finds the same models', async () => {
    emulator = await startTestEmulator();
    const env = cliEnvFor(emulator);
    const link = join(ws.dir, 'link');
    await symlink(ws.inputs, link);
    const out = join(ws.inputs, 'out');
    for (let run = 0; run < 3; run++) {
      const result = await runCli(['run', link, '-o', out, '--json', ...FAST_FLAGS], { env });
      expect(result.code, result.stderr).toBe(0);
      const json = JSON.parse(result.stdout) as { spentCredits: number; results: unknown[] };
      expect(json.results).toHaveLength(2);
      expect(json.spentCredits).toBe(run === 0 ? 160 : 0);
    }
    // And the other way round: the real folder as input, the output through a symlink.
    await symlink(out, join(ws.dir, 'outlink'));
    const other = await runCli(['run', ws.inputs, '-o', join(ws.dir, 'outlink'), '--json', ...FAST_FLAGS], {
      env,
    });
    expect(JSON.parse(other.stdout).results).toHaveLength(2);
    expect(emulator.stats().submissions).toBe(2);
  });
});

/**
 * Runs the CLI as an unprivileged user (nobody), so file permissions apply: as root (CI) they would
 * not. Outside root, the test's own user is already unprivileged.
 */
function runAsNobody(args: readonly string[]) {
  const root = process.getuid?.() === 0;
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ws.dir,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(root ? { uid: 65534, gid: 65534 } : {}),
  });
  return collect(child, 60_000);
}

describe('an unreadable model file or sub-folder fails alone (D11)', () => {
  it('the others are packed, each unreadable one is a clear input error, exit 1', async () => {
    await chmod(ws.dir, 0o755);
    await chmod(ws.inputs, 0o755);
    await cp(join(FIXTURES, 'SimpleInstancing.glb'), join(ws.inputs, 'unreadable.glb'));
    await chmod(join(ws.inputs, 'unreadable.glb'), 0o000);
    await mkdir(join(ws.inputs, 'locked'));
    await cp(join(FIXTURES, 'TwoCubes.glb'), join(ws.inputs, 'locked', 'hidden.glb'));
    await chmod(join(ws.inputs, 'locked'), 0o000);
    await mkdir(ws.out);
    if (process.getuid?.() === 0) await chown(ws.out, 65534, 65534);

    const result = await runAsNobody(['run', ws.inputs, '-o', ws.out, '--json', '--segmenter', 'local']);
    expect(result.code, result.stderr).toBe(1);
    const json = JSON.parse(result.stdout) as {
      results: { file: string; outcome: string; error: { code: string; message: string } | null }[];
    };
    const byName = Object.fromEntries(
      json.results.map((r) => [
        r.file.slice(ws.inputs.length + 1),
        r.error ? `${r.error.code}: ${r.error.message}` : r.outcome,
      ]),
    );
    expect(byName).toEqual({
      'BoxAnimated.glb': 'packed',
      'TwoCubes.glb': 'packed',
      'unreadable.glb': expect.stringMatching(/^input: cannot read .*unreadable\.glb: EACCES/),
      locked: expect.stringMatching(/^input: cannot read the folder .*locked: EACCES/),
    });
    expect(result.stderr).not.toMatch(/^meshparts: EACCES/m);
  });

  it('nothing readable at all: exit 2 (nothing was done), with the reason', async () => {
    await chmod(ws.dir, 0o755);
    const only = join(ws.dir, 'only.glb');
    await cp(join(FIXTURES, 'TwoCubes.glb'), only);
    await chmod(only, 0o000);
    const out = join(ws.dir, 'out2');
    await mkdir(out);
    if (process.getuid?.() === 0) await chown(out, 65534, 65534);
    const result = await runAsNobody(['run', only, '-o', out, '--segmenter', 'local']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^meshparts: cannot read .*only\.glb: EACCES/);
  });
});
