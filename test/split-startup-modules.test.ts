import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './helpers/cli.js';
import { BIN, FIXTURES, tempDir } from './helpers/paths.js';

/**
 * What `meshparts split` of a GLB of the common layout loads: not the library's full `pack` entry nor
 * glTF-Transform's functions (~100 ms of imports on this machine, 98 → 149 modules, when a light
 * helper once imported the journal through it). The modules are listed by a loader hook in the
 * child process; the list is what Node loads, not a guess.
 */

const run = promisify(execFile);
const HOOK =
  'data:text/javascript,export async function load(url, context, next) { process.stderr.write("LOADED " + url + "\\n"); return next(url, context); }';

beforeAll(ensureBuilt, 180_000);

describe('meshparts split start-up', () => {
  it('loads neither @meshparts/split/pack nor @gltf-transform/functions for the byte-level split', async () => {
    const work = await tempDir('split-startup');
    try {
      const { stderr } = await run(
        process.execPath,
        [
          '--no-warnings',
          '--experimental-loader',
          HOOK,
          BIN,
          'split',
          join(FIXTURES, 'TwoCubes.glb'),
          '-o',
          join(work.dir, 'pack'),
        ],
        { maxBuffer: 16 * 1024 * 1024 },
      );
      const loaded = stderr.split('\n').filter((line) => line.startsWith('LOADED '));
      expect(loaded.length).toBeGreaterThan(50);
      expect(loaded.filter((line) => /packages\/split\/dist\/pack\.js$/.test(line))).toEqual([]);
      expect(loaded.filter((line) => line.includes('@gltf-transform/functions'))).toEqual([]);
    } finally {
      await work.remove();
    }
  }, 60_000);
});
