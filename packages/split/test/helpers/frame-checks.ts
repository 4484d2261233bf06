import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document, mat4, Node } from '@gltf-transform/core';
import { expect } from 'vitest';
import { createWorldMatrices } from '../../src/geometry.js';
import { type Manifest, type PivotMode, readModel } from '../../src/index.js';
import { IDENTITY, translation } from '../../src/math.js';
import {
  compareSoups,
  nodeTriangles,
  soupBounds,
  soupScale,
  transformSoup,
  worldTriangles,
} from './gltf-checks.js';

/**
 * Part files stand on their own: opened alone, a part shows as the source scene shows it (upright, at
 * its scale, mirrored where the source mirrors it). Each part file's own scene, read back with
 * glTF-Transform, draws its first placement node's world-space triangles: exactly with `original`,
 * moved so that the pivot point of their bounds is at the origin otherwise (`bottom`: the bottom
 * centre, `center`: the centre). The first placement is then a pure translation (the identity with
 * `original`), and every other placement rebuilds its own node from the same file.
 */

/** The part file's own scene as world-space triangles (no placement applied). */
export async function partFileTriangles(dir: string, file: string): Promise<Float64Array> {
  const { document } = await readModel(new Uint8Array(await readFile(join(dir, file))));
  return worldTriangles(document);
}

/** What one placement's source node draws: its mesh, or the one primitive a `primitives` part is. */
function sourceTriangles(
  source: Document,
  worldOf: (node: Node) => mat4,
  id: string,
  nodeIndex: number,
): Float64Array {
  const node = source.getRoot().listNodes()[nodeIndex]!;
  const primitive = /\.prim(\d+)$/.exec(id);
  const primitives = node.getMesh()!.listPrimitives();
  return nodeTriangles(node, worldOf, primitive ? [primitives[Number(primitive[1])]!] : primitives);
}

const PURE_TRANSLATION = (m: readonly number[]) => [0, 1, 2, 4, 5, 6, 8, 9, 10].map((i) => m[i]);

/**
 * glTF-Transform's writer leaves out a translation within 1e-5 of zero, so a pivot translation that
 * small is dropped and the part stays up to 1e-5 from the pivot point (the placements say so).
 */
const WRITER_ROUNDING = 1e-5;

/** Extensions whose encoding loses precision when a part is written (Draco quantizes positions). */
const LOSSY = ['KHR_draco_mesh_compression', 'EXT_meshopt_compression', 'KHR_meshopt_compression'];

/** Every frame promise, part by part (see the module comment). */
export async function expectStandalone(source: Document, dir: string, manifest: Manifest, pivot: PivotMode) {
  const worldOf = createWorldMatrices();
  for (const part of manifest.parts) {
    const { document } = await readModel(new Uint8Array(await readFile(join(dir, part.file))));
    const own = worldTriangles(document);
    const [first, ...others] = part.placements;
    const expected = sourceTriangles(source, worldOf, part.id, first!.nodeIndex);
    const label = `${part.name} (${part.id}, pivot ${pivot})`;
    // The first placement is a pure translation: exactly the identity's linear part.
    expect(PURE_TRANSLATION(first!.matrix), label).toEqual(PURE_TRANSLATION(IDENTITY));
    if (pivot === 'original') expect(first!.matrix, label).toEqual([...IDENTITY]);
    if (expected.length === 0) {
      expect(own.length, label).toBe(0); // points and lines: no triangles to compare
      continue;
    }
    const scale = soupScale(expected);
    // Draco re-encoding quantizes positions (~1e-4 of the size, as the sweep allows); else the file
    // must agree with the source to float32 precision.
    const lossy = document
      .getRoot()
      .listExtensionsUsed()
      .some((extension) => LOSSY.includes(extension.extensionName));
    const relative = lossy ? 1e-4 : 1e-6;
    if (pivot === 'original') {
      expect(compareSoups(own, expected, relative), label).toBeNull();
    } else {
      const { min, max } = soupBounds(expected);
      const mid = (axis: number) => (min[axis]! + max[axis]!) / 2;
      const point = [mid(0), pivot === 'bottom' ? min[1]! : mid(1), mid(2)] as const;
      const moved = transformSoup(expected, translation([-point[0], -point[1], -point[2]]));
      expect(compareSoups(own, moved, relative), label).toBeNull();
      // T⁻¹: the pivot point, to the precision the soups agree to (float32 source transforms).
      for (let axis = 0; axis < 3; axis++) {
        const error = Math.abs(first!.matrix[12 + axis]! - point[axis]!);
        expect(error, label).toBeLessThanOrEqual(1e-6 * scale + WRITER_ROUNDING);
      }
      // The pivot point is the file's origin: y = 0 is the lowest point (`bottom`) or the middle
      // (`center`), to float rounding; with `bottom` the manifest's bounds say min y = 0 exactly. A
      // skinned vertex is a weighted sum, and float32 weights sum to 1 only within ~1e-7, which
      // scales the pivot translation by as much.
      const skinned = source.getRoot().listNodes()[first!.nodeIndex]!.getSkin() !== null;
      const rounding = lossy ? relative : skinned ? 1e-7 : 1e-9;
      const file = soupBounds(own);
      const { bounds } = part;
      if (pivot === 'bottom') {
        expect(Math.abs(file.min[1]!), label).toBeLessThanOrEqual(rounding * scale);
        expect(bounds.min[1], label).toBe(0);
      } else {
        const y = (file.min[1]! + file.max[1]!) / 2;
        expect(Math.abs(y), label).toBeLessThanOrEqual(rounding * scale + WRITER_ROUNDING);
        expect(Math.abs(bounds.min[1] + bounds.max[1]) / 2, label).toBeLessThanOrEqual(
          1e-12 * scale + WRITER_ROUNDING,
        );
      }
    }
    // A shared mesh's other placements put its one file where each of their nodes draws it.
    for (const placement of others) {
      const placed = transformSoup(own, placement.matrix as unknown as mat4);
      const at = sourceTriangles(source, worldOf, part.id, placement.nodeIndex);
      expect(compareSoups(placed, at, relative), `${label} at ${placement.node}`).toBeNull();
    }
  }
}
