import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { segmentShape } from '../src/detect/shape/index.js';
import { randError } from './helpers/shape-fixtures.js';

/**
 * A few Princeton Segmentation Benchmark meshes, read from `../shared/psb-dev` beside the
 * repository (never copied into it); skipped when the folder is absent. The full scoring is
 * bench/shape-psb.mjs; this checks a looser bound on three small meshes so that it stays fast.
 */
const PSB = join(import.meta.dirname, '../../../../shared/psb-dev');

function readOff(file: string): { positions: Float32Array; indices: Uint32Array } {
  const rows = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
  const [vertices, faces] = rows[1]!.split(/\s+/).map(Number) as [number, number];
  const positions = new Float32Array(vertices * 3);
  for (let v = 0; v < vertices; v++) positions.set(rows[2 + v]!.split(/\s+/).map(Number), 3 * v);
  const indices = new Uint32Array(faces * 3);
  for (let f = 0; f < faces; f++)
    indices.set(rows[2 + vertices + f]!.split(/\s+/).slice(1, 4).map(Number), 3 * f);
  return { positions, indices };
}

describe.skipIf(!existsSync(PSB))('segmentShape on PSB meshes (../shared/psb-dev)', () => {
  // Bearing, Plier, Glasses: human-level 0.02–0.15, one part 0.66–0.76. The bound 0.2 is the
  // issue's acceptance level on unseen meshes; the dev-set scores are 0.03–0.14.
  it.each(['343', '203', '43'])('mesh %s scores 1 − RI below 0.2 against every human', (id) => {
    const { positions, indices } = readOff(join(PSB, id, `${id}.off`));
    const result = segmentShape(positions, indices);
    expect(result.labels).toHaveLength(indices.length / 3);
    const humans = readdirSync(join(PSB, id)).filter((name) => name.endsWith('.seg'));
    expect(humans.length).toBeGreaterThan(0);
    const errors = humans.map((name) => {
      const human = readFileSync(join(PSB, id, name), 'utf8')
        .trim()
        .split(/\s+/)
        .map(Number);
      return randError(result.labels, human);
    });
    const mean = errors.reduce((sum, error) => sum + error, 0) / errors.length;
    expect(mean).toBeLessThan(0.2);
  });
});
