import { MANIFEST_FILE, MANIFEST_VERSION, type Manifest, PART_FILE } from './manifest.js';
import { isSafeFileName } from './naming/safe-file-name.js';

/**
 * What makes a `manifest.json` a meshparts manifest, checked by hand on what the pack writer and
 * verifyPack rely on (version, generator, the file entries and their hashes). Not the JSON Schema
 * through ajv, on purpose: loading ajv and compiling the schema took 215 ms + 415 ms on this machine,
 * paid by every `split` and every `run` that looks at an existing pack; the tests check every
 * manifest meshparts writes against the shipped schema with ajv instead (write-pack.test.ts), and
 * that this check accepts them.
 */

/** A sha256 as the manifest records it: 64 lowercase hex digits. */
export const SHA256 = /^[0-9a-f]{64}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Whether `path` may name a file of a pack: relative, `/`-separated, every segment a URL-safe file
 * name (see `isSafeFileName`: no `..`, no leading `.` or `-`, no `#`, `%`, `?`, spaces, ...), at most
 * 8 segments, and not `manifest.json` itself.
 */
export function isPackFilePath(path: unknown): path is string {
  if (typeof path !== 'string' || path === MANIFEST_FILE) return false;
  const segments = path.split('/');
  return segments.length <= 8 && segments.every((segment) => isSafeFileName(segment));
}

/**
 * What is wrong with `value` as a version-1 meshparts manifest, one line each; empty when nothing is.
 * Checks the version, the generator, `source.sha256`, and every part and file entry (a path inside
 * the pack, a size and a sha256): what decides which files the pack owns and whether it is whole.
 */
export function manifestProblems(value: unknown): string[] {
  if (!isObject(value)) return [`${MANIFEST_FILE} is not a JSON object`];
  if (value.manifestVersion !== MANIFEST_VERSION) {
    return [`${MANIFEST_FILE} has no "manifestVersion": ${MANIFEST_VERSION}`];
  }
  const problems: string[] = [];
  if (typeof value.generator !== 'string' || value.generator === '') problems.push('no "generator"');
  if (
    !isObject(value.source) ||
    typeof value.source.sha256 !== 'string' ||
    !SHA256.test(value.source.sha256)
  ) {
    problems.push('no "source" with a sha256');
  }
  if (!Array.isArray(value.parts)) return [...problems, 'no "parts" list'];
  for (const [index, part] of value.parts.entries()) {
    if (!isObject(part) || typeof part.name !== 'string' || typeof part.id !== 'string') {
      problems.push(`parts[${index}] has no name or id`);
      continue;
    }
    if (typeof part.file !== 'string' || !PART_FILE.test(part.file) || !isPackFilePath(part.file)) {
      problems.push(`bad file entry ${JSON.stringify(part.file)}`);
    } else if (!isCount(part.byteLength) || typeof part.sha256 !== 'string' || !SHA256.test(part.sha256)) {
      problems.push(`${part.file} has no byteLength or sha256`);
    }
    if (part.thumbnail !== undefined && !isPackFilePath(part.thumbnail)) {
      problems.push(`bad thumbnail entry ${JSON.stringify(part.thumbnail)}`);
    }
  }
  if (value.files !== undefined) {
    if (!Array.isArray(value.files)) return [...problems, '"files" is not a list'];
    for (const file of value.files) {
      if (!isObject(file) || !isPackFilePath(file.path)) {
        problems.push(`bad file entry ${JSON.stringify(isObject(file) ? file.path : file)}`);
      } else if (!isCount(file.byteLength) || typeof file.sha256 !== 'string' || !SHA256.test(file.sha256)) {
        problems.push(`${file.path} has no byteLength or sha256`);
      }
    }
  }
  if (value.thumbnail !== undefined && !isPackFilePath(value.thumbnail)) {
    problems.push(`bad thumbnail entry ${JSON.stringify(value.thumbnail)}`);
  }
  return problems;
}

/** Whether `generator` names meshparts (`meshparts@<version>`), or the caller's own generator. */
export function isOwnGenerator(generator: string, own?: string): boolean {
  return generator.startsWith('meshparts@') || (own !== undefined && generator === own);
}

/** `value` as a Manifest when {@link manifestProblems} finds nothing, else undefined. */
export function asManifest(value: unknown): Manifest | undefined {
  return manifestProblems(value).length === 0 ? (value as Manifest) : undefined;
}
