import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document } from '@gltf-transform/core';
import { expect } from 'vitest';
import { sha256Hex } from '../../src/hash.js';
import { type Manifest, reassemble } from '../../src/index.js';
import { isDeviceName } from '../../src/pack/naming/index.js';
import { compareSoups, packTriangles, validateGLB, worldTriangles } from './gltf-checks.js';
import { manifestSchemaErrors } from './schema.js';

/**
 * Every check a written pack must pass: schema, files present with the recorded size and hash,
 * zero validator errors, safe unique names, and the source's world-space triangles rebuilt both by
 * placing the part files and by `reassemble`.
 */
export async function expectValidPack(dir: string, manifest: Manifest, source: Document): Promise<void> {
  expect(manifestSchemaErrors(manifest)).toBeNull();
  const onDisk = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  expect(onDisk).toEqual(manifest);
  const seen = new Set<string>();
  for (const part of manifest.parts) {
    const key = part.name.normalize('NFC').toLowerCase();
    expect(seen.has(key), `duplicate name ${part.name}`).toBe(false);
    seen.add(key);
    expect(part.name).toBe(part.name.normalize('NFC'));
    expect(part.name).not.toMatch(/[<>:"/\\|?*]|^\.|[. ]$/);
    expect([...part.name].some((char) => char.charCodeAt(0) < 0x20)).toBe(false);
    expect(isDeviceName(part.name)).toBe(false);
    expect(part.file).toBe(`parts/${part.name}.glb`);
    const bytes = new Uint8Array(await readFile(join(dir, part.file)));
    expect(bytes.byteLength).toBe(part.byteLength);
    expect(sha256Hex(bytes)).toBe(part.sha256);
    const report = await validateGLB(bytes);
    expect(report.errorMessages, `${part.file}`).toEqual([]);
  }
  const expected = worldTriangles(source);
  expect(compareSoups(await packTriangles(dir, manifest), expected)).toBeNull();
  expect(compareSoups(worldTriangles(await reassemble(dir)), expected)).toBeNull();
}
