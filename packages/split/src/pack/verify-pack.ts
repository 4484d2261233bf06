import { readdir, readFile } from 'node:fs/promises';
import { sha256Hex } from '../hash.js';
import { MANIFEST_FILE, type Manifest } from './manifest.js';
import { manifestProblems } from './manifest-check.js';
import { packPath, pathState } from './pack-paths.js';
import { isStagingName } from './staging.js';

/** The result of {@link verifyPack}. */
export interface PackCheck {
  /** True when the manifest reads and every file it lists matches its entry. */
  complete: boolean;
  /** The manifest, when it could be read. */
  manifest?: Manifest;
  /** What is wrong, one line each (empty when complete). */
  problems: string[];
}

/**
 * Checks that a pack folder holds a readable version-1 manifest and every file it lists (the part
 * files and `files[]`), with the recorded size and sha256, each a regular file inside the pack (never
 * through a link). For callers that resume work (`meshparts run` skips models whose pack is complete)
 * and for users who copy packs around. A pack whose replacement was cut short has no manifest (the
 * writer removes it first and puts the new one last), so it is never taken for complete. Never throws
 * for a missing or broken pack.
 */
export async function verifyPack(dir: string): Promise<PackCheck> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(packPath(dir, MANIFEST_FILE), 'utf8')) as Manifest;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return { complete: false, problems: [`unreadable ${MANIFEST_FILE}`] };
    const interrupted = (await readdir(dir).catch(() => [] as string[])).some(isStagingName);
    return {
      complete: false,
      problems: [
        interrupted
          ? `no ${MANIFEST_FILE}: a write into this pack was cut short (the next write finishes it)`
          : `no ${MANIFEST_FILE}`,
      ],
    };
  }
  const structure = manifestProblems(manifest);
  if (structure.length > 0) {
    return {
      complete: false,
      problems: structure[0]!.startsWith(MANIFEST_FILE)
        ? [`${MANIFEST_FILE} is not a version 1 manifest`]
        : structure,
    };
  }
  const problems: string[] = [];
  const entries = [
    ...manifest.parts.map((part) => ({ path: part.file, ...part })),
    ...(manifest.files ?? []),
  ];
  for (const entry of entries) {
    if ((await pathState(dir, entry.path)).kind !== 'file') {
      problems.push(`${entry.path} is missing`);
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(packPath(dir, entry.path)));
    } catch {
      problems.push(`${entry.path} is unreadable`);
      continue;
    }
    if (bytes.byteLength !== entry.byteLength)
      problems.push(`${entry.path} has ${bytes.byteLength} bytes, not ${entry.byteLength}`);
    else if (sha256Hex(bytes) !== entry.sha256) problems.push(`${entry.path} does not match its sha256`);
  }
  return { complete: problems.length === 0, manifest, problems };
}
