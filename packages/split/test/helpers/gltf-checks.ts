/// <reference path="./gltf-validator.d.ts" />
/**
 * Test helpers shared by the split tests (and the labels tests): the Khronos validator on GLB bytes,
 * world-space triangle soups of a document or of a pack placed by its manifest, and a comparison of
 * two soups that does not depend on triangle or vertex order.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document, mat4, Node, Primitive } from '@gltf-transform/core';
import validator from 'gltf-validator';
import { createWorldMatrices, placedPositions, triangleIndices } from '../../src/geometry.js';
import { listMeshNodes, type Manifest, readModel, selectScene } from '../../src/index.js';
import { transformPointInto } from '../../src/math.js';

export interface ValidationSummary {
  errors: number;
  warnings: number;
  /** `CODE pointer: message` of every error, for readable assertion failures. */
  errorMessages: string[];
  /** The same for every warning. */
  warningMessages: string[];
}

/** Runs gltf-validator on GLB bytes. */
export async function validateGLB(bytes: Uint8Array): Promise<ValidationSummary> {
  const report = await validator.validateBytes(new Uint8Array(bytes), { maxIssues: 100 });
  const messages = (report.issues.messages ?? []) as Array<{
    code: string;
    severity: number;
    pointer?: string;
    message: string;
  }>;
  return {
    errors: report.issues.numErrors,
    warnings: report.issues.numWarnings,
    errorMessages: messages
      .filter((m) => m.severity === 0)
      .map((m) => `${m.code} ${m.pointer ?? ''}: ${m.message}`),
    warningMessages: messages
      .filter((m) => m.severity === 1)
      .map((m) => `${m.code} ${m.pointer ?? ''}: ${m.message}`),
  };
}

/** Flat world-space triangles (9 numbers each) of everything a document's split scene draws. */
export function worldTriangles(document: Document): Float64Array {
  const worldOf = createWorldMatrices();
  return concat(listMeshNodes(selectScene(document).scene).map((node) => nodeTriangles(node, worldOf)));
}

/**
 * World-space triangles one node draws: its mesh's primitives (or only `primitives`), every GPU
 * instance, a skinned mesh posed by its joints.
 */
export function nodeTriangles(
  node: Node,
  worldOf: (node: Node) => mat4 = createWorldMatrices(),
  primitives: readonly Primitive[] = node.getMesh()?.listPrimitives() ?? [],
): Float64Array {
  const chunks: Float64Array[] = [];
  for (const primitive of primitives) {
    const triangles = triangleIndices(primitive);
    if (triangles.length === 0) continue;
    for (const points of placedPositions(primitive, node, worldOf)) {
      const out = new Float64Array(triangles.length * 3);
      for (let i = 0; i < triangles.length; i++) {
        const v = triangles[i]!;
        out[i * 3] = points[v * 3]!;
        out[i * 3 + 1] = points[v * 3 + 1]!;
        out[i * 3 + 2] = points[v * 3 + 2]!;
      }
      chunks.push(out);
    }
  }
  return concat(chunks);
}

/** A triangle soup moved by a matrix (a new array). */
export function transformSoup(soup: Float64Array, m: mat4): Float64Array {
  const out = new Float64Array(soup.length);
  for (let i = 0; i < soup.length; i += 3)
    transformPointInto(m, soup[i]!, soup[i + 1]!, soup[i + 2]!, out, i);
  return out;
}

/** Axis-aligned bounds of a triangle soup. */
export function soupBounds(soup: Float64Array): { min: number[]; max: number[] } {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < soup.length; i++) {
    const axis = i % 3;
    min[axis] = Math.min(min[axis]!, soup[i]!);
    max[axis] = Math.max(max[axis]!, soup[i]!);
  }
  return { min, max };
}

function concat(chunks: Float64Array[]): Float64Array {
  const out = new Float64Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * The world-space triangles a pack rebuilds: each part file read back, its scene's triangles mapped
 * by each placement matrix. Independent of `reassemble`.
 */
export async function packTriangles(dir: string, manifest: Manifest): Promise<Float64Array> {
  const chunks: Float64Array[] = [];
  for (const part of manifest.parts) {
    const { document } = await readModel(new Uint8Array(await readFile(join(dir, part.file))));
    const local = worldTriangles(document);
    for (const placement of part.placements)
      chunks.push(transformSoup(local, placement.matrix as unknown as mat4));
  }
  return concat(chunks);
}

/** Size of a soup's bounds diagonal: the scale tolerances are relative to. */
export function soupScale(soup: Float64Array): number {
  const { min, max } = soupBounds(soup);
  return Math.hypot(max[0]! - min[0]!, max[1]! - min[1]!, max[2]! - min[2]!) || 1;
}

/**
 * Compares two triangle soups regardless of order: same triangle count, and the sorted lists of
 * triangle centroids (per axis), of doubled areas, and of every vertex coordinate agree within
 * `relative × scale`. Returns null when equal, else a description of the first difference.
 */
export function compareSoups(actual: Float64Array, expected: Float64Array, relative = 1e-4): string | null {
  if (actual.length !== expected.length)
    return `triangle count ${actual.length / 9} != ${expected.length / 9}`;
  const scale = soupScale(expected);
  const tolerance = relative * scale;
  const features = (soup: Float64Array): Float64Array[] => {
    const n = soup.length / 9;
    const cx = new Float64Array(n);
    const cy = new Float64Array(n);
    const cz = new Float64Array(n);
    const area = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      const o = t * 9;
      cx[t] = (soup[o]! + soup[o + 3]! + soup[o + 6]!) / 3;
      cy[t] = (soup[o + 1]! + soup[o + 4]! + soup[o + 7]!) / 3;
      cz[t] = (soup[o + 2]! + soup[o + 5]! + soup[o + 8]!) / 3;
      const ux = soup[o + 3]! - soup[o]!;
      const uy = soup[o + 4]! - soup[o + 1]!;
      const uz = soup[o + 5]! - soup[o + 2]!;
      const vx = soup[o + 6]! - soup[o]!;
      const vy = soup[o + 7]! - soup[o + 1]!;
      const vz = soup[o + 8]! - soup[o + 2]!;
      area[t] = Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx) / scale;
    }
    return [cx, cy, cz, area, Float64Array.from(soup)].map((list) => list.sort());
  };
  const a = features(actual);
  const e = features(expected);
  const labels = ['centroid x', 'centroid y', 'centroid z', 'area', 'coordinate'];
  for (let f = 0; f < a.length; f++) {
    for (let i = 0; i < a[f]!.length; i++) {
      if (Math.abs(a[f]![i]! - e[f]![i]!) > tolerance) {
        return `${labels[f]} #${i}: ${a[f]![i]} != ${e[f]![i]} (tolerance ${tolerance})`;
      }
    }
  }
  return null;
}
