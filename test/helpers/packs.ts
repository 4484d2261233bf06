import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import validator from 'gltf-validator';
import { expect } from 'vitest';
import { readModel } from '../../packages/split/src/index.js';
import { manifestSchemaErrors } from '../../packages/split/test/helpers/schema.js';

interface ManifestPart {
  name: string;
  file: string;
  byteLength: number;
  triangles: number;
}

export interface PackManifest {
  manifestVersion: number;
  generator: string;
  source: { file: string; sha256: string; segmenter: string; taskId: string | null; strategy: string };
  parts: ManifestPart[];
}

/**
 * Checks a pack the way a user's engine would meet it: the manifest parses and matches the shipped
 * JSON Schema, every part file exists
 * with the recorded size, passes the Khronos validator with zero errors, and reads back with
 * glTF-Transform (through @meshparts/split's reader) holding at least one mesh. Returns the manifest.
 */
export async function expectValidPack(packDir: string): Promise<PackManifest> {
  const manifest = JSON.parse(await readFile(join(packDir, 'manifest.json'), 'utf8')) as PackManifest;
  expect(manifest.manifestVersion).toBe(1);
  expect(manifestSchemaErrors(manifest)).toBeNull(); // the JSON Schema @meshparts/split ships
  expect(manifest.parts.length).toBeGreaterThan(0);
  for (const part of manifest.parts) {
    const bytes = await readFile(join(packDir, part.file));
    expect(bytes.byteLength).toBe(part.byteLength);
    const report = await validator.validateBytes(new Uint8Array(bytes), { maxIssues: 100 });
    expect(
      report.issues.numErrors,
      `${part.file}: ${JSON.stringify(report.issues.messages.slice(0, 3))}`,
    ).toBe(0);
    const { document } = await readModel(new Uint8Array(bytes), { name: part.file });
    expect(document.getRoot().listMeshes().length).toBeGreaterThan(0);
  }
  return manifest;
}
