import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutputLockedError } from '../src/pipeline/errors.js';
import { acquireLock, lockPath } from '../src/pipeline/lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshparts-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited (so it is certainly not alive now). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('acquireLock', () => {
  it('writes pid and host, refuses a second holder, and releases', async () => {
    const lock = await acquireLock(dir);
    const info = JSON.parse(await readFile(lockPath(dir), 'utf8'));
    expect(info).toMatchObject({ pid: process.pid, hostname: hostname() });
    const second = acquireLock(dir);
    await expect(second).rejects.toBeInstanceOf(OutputLockedError);
    await expect(acquireLock(dir)).rejects.toThrow(/another meshparts run \(pid \d+/);
    await lock.release();
    await expect(stat(lockPath(dir))).rejects.toThrow(/ENOENT/);
    const again = await acquireLock(dir);
    await again.release();
  });

  it('takes over a stale lock whose process is dead', async () => {
    await acquireLock(dir); // creates the folder
    const pid = deadPid();
    await writeFile(lockPath(dir), JSON.stringify({ pid, hostname: hostname(), startedAt: 'then' }));
    const lock = await acquireLock(dir);
    expect(JSON.parse(await readFile(lockPath(dir), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a stale lock even when a killed run left its takeover file behind', async () => {
    await acquireLock(dir); // creates the folder
    const dead = { hostname: hostname(), startedAt: 'then' };
    await writeFile(lockPath(dir), JSON.stringify({ ...dead, pid: deadPid() }));
    // A run killed (kill -9) in the middle of its own takeover of that lock: a fresh takeover file.
    await writeFile(`${lockPath(dir)}.takeover`, JSON.stringify({ ...dead, pid: deadPid() }));
    const lock = await acquireLock(dir);
    expect(JSON.parse(await readFile(lockPath(dir), 'utf8')).pid).toBe(process.pid);
    await expect(stat(`${lockPath(dir)}.takeover`)).rejects.toThrow(/ENOENT/);
    await lock.release();
  });

  it('leaves a live takeover alone and refuses clearly', async () => {
    await acquireLock(dir); // creates the folder
    const dead = { hostname: hostname(), startedAt: 'then' };
    await writeFile(lockPath(dir), JSON.stringify({ ...dead, pid: deadPid() }));
    // Another live process (the test runner's parent stands in for it) is taking the lock over now.
    await writeFile(`${lockPath(dir)}.takeover`, JSON.stringify({ ...dead, pid: process.ppid }));
    await expect(acquireLock(dir)).rejects.toBeInstanceOf(OutputLockedError);
    expect(await readFile(`${lockPath(dir)}.takeover`, 'utf8')).toContain(String(process.ppid));
  });

  it('never takes over a lock from another host', async () => {
    await mkdir(join(dir, '.meshparts'));
    await writeFile(
      lockPath(dir),
      JSON.stringify({ pid: deadPid(), hostname: 'elsewhere', startedAt: 'then' }),
    );
    await expect(acquireLock(dir)).rejects.toThrow(/on elsewhere/);
  });

  it('creates the folders it needs and takes back, on release, those still empty', async () => {
    const out = join(dir, 'a', 'b');
    const lock = await acquireLock(out);
    expect(await readdir(join(out, '.meshparts'))).toEqual(['lock']);
    await lock.release();
    // Nothing was written: the output folder and its new parent are gone too.
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps, on release, the folders that received files, and the folders it did not create', async () => {
    const out = join(dir, 'out');
    const lock = await acquireLock(out);
    await writeFile(join(out, 'catalog.json'), '{}');
    await lock.release();
    expect(await readdir(out)).toEqual(['catalog.json']);

    await mkdir(join(dir, 'earlier', '.meshparts'), { recursive: true });
    const again = await acquireLock(join(dir, 'earlier'));
    await again.release();
    expect(await readdir(join(dir, 'earlier', '.meshparts'))).toEqual([]);
  });

  it('takes back the folders it created when it cannot take the lock', async () => {
    const holder = await acquireLock(dir);
    await expect(acquireLock(dir)).rejects.toBeInstanceOf(OutputLockedError);
    expect(await readdir(join(dir, '.meshparts'))).toEqual(['lock']);
    await holder.release();
    expect(await readdir(dir)).toEqual([]);
  });
});
