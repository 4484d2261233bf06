import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../hash.js';
import { MANIFEST_FILE, MANIFEST_VERSION, type Manifest, PART_FILE } from './manifest.js';

/** The result of {@link verifyPack}. */
export interface PackCheck {
  /** True when the manifest reads and every part file matches its entry. */
  complete: boolean;
  /** The manifest, when it could be read. */
  manifest?: Manifest;
  /** What is wrong, one line each (empty when complete). */
  problems: string[];
}

/**
 * Checks that a pack folder holds a readable version-1 manifest and every part file it lists, with the
 * recorded size and sha256. For callers that resume work (`meshparts run` skips models whose pack is
 * complete) and for users who copy packs around. Never throws for a missing or broken pack.
 */
export async function verifyPack(dir: string): Promise<PackCheck> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      complete: false,
      problems: [code === 'ENOENT' ? `no ${MANIFEST_FILE}` : `unreadable ${MANIFEST_FILE}`],
    };
  }
  if (manifest?.manifestVersion !== MANIFEST_VERSION || !Array.isArray(manifest.parts)) {
    return { complete: false, problems: [`${MANIFEST_FILE} is not a version ${MANIFEST_VERSION} manifest`] };
  }
  const problems: string[] = [];
  for (const part of manifest.parts) {
    if (typeof part.file !== 'string' || !PART_FILE.test(part.file)) {
      problems.push(`bad file entry ${JSON.stringify(part.file)}`);
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(join(dir, ...part.file.split('/'))));
    } catch {
      problems.push(`${part.file} is missing`);
      continue;
    }
    if (bytes.byteLength !== part.byteLength)
      problems.push(`${part.file} has ${bytes.byteLength} bytes, not ${part.byteLength}`);
    else if (sha256Hex(bytes) !== part.sha256) problems.push(`${part.file} does not match its sha256`);
  }
  return { complete: problems.length === 0, manifest, problems };
}
