import type { mat4, vec3, vec4 } from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import { asWritten, composeChain, composeTRS, decomposeAffine, multiply } from '../src/math.js';

/** A small deterministic PRNG (mulberry32), so a failure names a reproducible case. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomRotation(next: () => number): vec4 {
  const q = [next() - 0.5, next() - 0.5, next() - 0.5, next() - 0.5];
  const length = Math.hypot(...q);
  return q.map((v) => v / length) as vec4;
}

function randomTRS(next: () => number, scale: vec3) {
  return {
    translation: [next() * 10 - 5, next() * 10 - 5, next() * 10 - 5] as vec3,
    rotation: randomRotation(next),
    scale,
  };
}

function maxDifference(a: mat4, b: mat4): number {
  return Math.max(...a.map((value, i) => Math.abs(value - b[i]!)));
}

function isUnit(q: readonly number[]): boolean {
  return Math.abs(Math.hypot(...q) - 1) < 1e-12;
}

describe('decomposeAffine', () => {
  it('writes a rotation × scale (mirrored or not) as one TRS', () => {
    const next = random(1);
    for (let i = 0; i < 200; i++) {
      const s = 0.1 + next() * 5;
      const scale: vec3 = [s * (i % 2 ? -1 : 1), 0.1 + next() * 5, 0.1 + next() * 5];
      const m = composeTRS(randomTRS(next, scale));
      const chain = decomposeAffine(m)!;
      expect(chain).toHaveLength(1);
      expect(isUnit(chain[0]!.rotation)).toBe(true);
      expect(maxDifference(composeChain(chain), m)).toBeLessThan(1e-12 * 10);
    }
  });

  it('writes a sheared matrix (a non-uniform scale above a rotation) exactly as two TRS', () => {
    const next = random(2);
    for (let i = 0; i < 200; i++) {
      const parent = composeTRS(
        randomTRS(next, [0.2 + next() * 4, 0.2 + next() * 4, (i % 3 ? 1 : -1) * 0.5]),
      );
      const child = composeTRS(randomTRS(next, [1, 1, 1]));
      const m = multiply(parent, child);
      const chain = decomposeAffine(m)!;
      expect(chain).toHaveLength(2);
      // The second transform is a pure rotation; both rotations are unit quaternions.
      expect(chain[1]!.translation).toEqual([0, 0, 0]);
      expect(chain[1]!.scale).toEqual([1, 1, 1]);
      expect(chain.every((trs) => isUnit(trs.rotation))).toBe(true);
      expect(maxDifference(composeChain(chain), m)).toBeLessThan(1e-11);
    }
  });

  it('decomposes a singular matrix (a zero scale) and refuses non-finite values', () => {
    const flat = composeTRS({
      translation: [1, 2, 3],
      rotation: randomRotation(random(3)),
      scale: [0, 2, 1],
    });
    const sheared = multiply(
      flat,
      composeTRS({ translation: [0, 0, 0], rotation: [0, 0.6, 0, 0.8], scale: [1, 1, 1] }),
    );
    for (const m of [flat, sheared])
      expect(maxDifference(composeChain(decomposeAffine(m)!), m)).toBeLessThan(1e-12);
    const broken = [...flat] as unknown as mat4;
    broken[5] = Number.NaN;
    expect(decomposeAffine(broken)).toBeNull();
  });

  it("rounds transforms as glTF-Transform's writer writes them (defaults within 1e-5)", () => {
    const written = asWritten({
      translation: [4e-6, 0, -3e-6],
      rotation: [0, 2e-6, 0, 1],
      scale: [1, 1.00002, 1],
    });
    expect(written).toEqual({ translation: [0, 0, 0], rotation: [0, 0, 0, 1], scale: [1, 1.00002, 1] });
  });
});
