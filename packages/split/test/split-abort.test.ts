import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ILogger } from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import { splitModel } from '../src/split-model.js';
import { FIXTURES } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

/**
 * `splitModel({ signal })` (what `meshparts split` does on Ctrl-C; writePack's own checks are in
 * write-pack.test.ts): an aborted split throws the
 * signal's reason and leaves the pack folder as it was: a new folder is not created, an existing
 * pack keeps every byte, and no staging folder is left behind. The abort is raised from the logger,
 * at a known point of the split (a part made), so each case is deterministic.
 */

const tmp = useTempDir('split-abort');
const MODEL = join(FIXTURES, 'TwoCubes.glb');

/** A logger that aborts `controller` on the `at`-th part the byte-level split makes; counts them. */
function abortingLogger(controller: AbortController, at: number): ILogger & { parts: number } {
  const logger = {
    parts: 0,
    debug(text: string) {
      if (!text.startsWith('byte-level split:')) return;
      logger.parts++;
      if (logger.parts === at) controller.abort(new Error('stopped by the test'));
    },
    info() {},
    warn() {},
    error() {},
  };
  return logger;
}

async function listing(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.set(path, (await readFile(path)).toString('base64'));
  }
  return out;
}

describe('splitModel with an AbortSignal', () => {
  it('an aborted signal: nothing is read or written', async () => {
    const dir = join(tmp, 'never');
    const controller = new AbortController();
    controller.abort(new Error('stopped before'));
    await expect(splitModel(MODEL, dir, { signal: controller.signal })).rejects.toThrow('stopped before');
    expect(existsSync(dir)).toBe(false);
  });

  it('stopped after the first part: the next part is not made, and a new folder is not left', async () => {
    const dir = join(tmp, 'new');
    const controller = new AbortController();
    const logger = abortingLogger(controller, 1);
    await expect(splitModel(MODEL, dir, { signal: controller.signal, logger })).rejects.toThrow(
      'stopped by the test',
    );
    expect(logger.parts).toBe(1);
    expect(existsSync(dir)).toBe(false);
  });

  it('stopped after the last part: an existing pack keeps every byte, and no staging is left', async () => {
    const dir = join(tmp, 'pack');
    await splitModel(join(FIXTURES, 'trimesh_pins.glb'), dir, { thumbnails: null });
    const before = await listing(dir);
    const controller = new AbortController();
    const logger = abortingLogger(controller, 2);
    await expect(splitModel(MODEL, dir, { signal: controller.signal, logger })).rejects.toThrow(
      'stopped by the test',
    );
    expect(logger.parts).toBe(2);
    expect(await listing(dir)).toEqual(before);
    expect((await readdir(dir)).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('a signal never aborted changes nothing', async () => {
    const dir = join(tmp, 'whole');
    const { manifest } = await splitModel(MODEL, dir, { signal: new AbortController().signal });
    expect(manifest.parts).toHaveLength(2);
  });

  it('a signal that is not an AbortSignal is refused by name', async () => {
    await expect(
      splitModel(MODEL, join(tmp, 'bad'), { signal: 'stop' as unknown as AbortSignal }),
    ).rejects.toThrow(/signal must be an AbortSignal, got "stop"/);
  });
});
