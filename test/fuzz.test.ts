import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FuzzOutcome, runFuzzCase } from './helpers/fuzz-case.js';
import { MUTATIONS } from './helpers/glb-mutations.js';
import { FIXTURES, tempDir } from './helpers/paths.js';
import { mulberry32 } from './helpers/prng.js';

/**
 * Deterministic fuzzing of @meshparts/split with hostile GLBs (GitHub issue 6, "Hostile input"):
 * real fixture models, each damaged by one of the mutations of helpers/glb-mutations.ts chosen by a
 * seeded PRNG, then read and split in process. Every case must end by itself, quickly, with either a
 * sound pack or a clean one-line refusal (see helpers/fuzz-case.ts), and the heap must not grow out
 * of bounds. A failure message lists each bad case with its seed index and what was mutated, so it
 * can be replayed exactly.
 */

const SEED = 0x6d657368; // "mesh"
const CASES_PER_MUTATION = 24;
/** A case must end within seconds, on a loaded 2-core CI machine too. */
const TIME_BOUND_MS = 10_000;
/** Growth of the process's peak RSS over the whole fuzz run: a hostile length must never be allocated. */
const MAX_RSS_GROWTH_BYTES = 512 * 1024 * 1024;

const BASES = [
  'TwoCubes.glb',
  'BoxAnimated.glb',
  'SimpleInstancing.glb',
  'Box_Draco.glb',
  'BoxMeshopt.glb',
  'trimesh_nested.glb',
  'generated/shared-mesh.glb',
  'generated/nested-mirrored.glb',
  'generated/primitives.glb',
  'labels/feature-id.glb',
  'labels/skinned-morph-part-id.glb',
].map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(FIXTURES, name))) }));

const work = await tempDir('fuzz');
afterAll(() => work.remove());
const rssAtStart = process.resourceUsage().maxRSS * 1024;

// an unsound pack (validator errors in parts) or are never refused.
describe('split on hostile GLBs (seeded fuzz)', () => {
  const mutationNames = Object.keys(MUTATIONS);
  for (const [m, mutationName] of mutationNames.entries()) {
    it(`${mutationName}: every case ends with a sound pack or one clear refusal`, async () => {
      const rng = mulberry32(SEED + m);
      const failures: string[] = [];
      const outcomes: FuzzOutcome[] = [];
      for (let i = 0; i < CASES_PER_MUTATION; i++) {
        const base = BASES[(i + m) % BASES.length]!;
        const mutated = MUTATIONS[mutationName]!(base.bytes, rng);
        const outcome = await runFuzzCase(
          mutated.bytes,
          join(work.dir, `${mutationName}-${i}`),
          TIME_BOUND_MS,
        );
        outcomes.push(outcome);
        if (outcome.problems.length > 0) {
          failures.push(`#${i} ${base.name}, ${mutated.label}: ${outcome.problems.join('; ')}`);
        }
      }
      expect(failures, failures.join('\n')).toEqual([]);
      // The mutations must actually bite: a fuzz run where nothing is ever refused tests nothing.
      if (mutationName !== 'flipBin' && mutationName !== 'prototypePollution') {
        expect(outcomes.some((o) => o.kind === 'refused')).toBe(true);
      }
    }, 240_000);
  }

  it('never lets a hostile declared size drive memory: peak RSS stays bounded over the whole run', () => {
    const growth = process.resourceUsage().maxRSS * 1024 - rssAtStart;
    expect(growth).toBeLessThan(MAX_RSS_GROWTH_BYTES);
  });
});
