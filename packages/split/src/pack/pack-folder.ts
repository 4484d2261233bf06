import { readdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PackWriteError } from '../errors.js';
import { DEFAULT_GENERATOR } from '../version.js';
import { MANIFEST_FILE, type Manifest } from './manifest.js';
import { isOwnGenerator, manifestProblems } from './manifest-check.js';
import { commitStaging, type FoundStaging, isStagingName, readStaging } from './staging.js';

/**
 * Whose a pack folder is. A folder is meshparts' only when its `manifest.json` is a meshparts
 * manifest (version 1, a `meshparts@` generator or the caller's own, valid file entries), or when it
 * holds nothing but a write of meshparts that was cut short. Anything else is refused with
 * PackWriteError (exit 2 in the CLI) before anything is touched: a web app's `manifest.json`, a
 * project folder, `-o ~/Documents` by mistake.
 */
export interface PackFolder {
  dir: string;
  /** False when the folder does not exist yet. */
  exists: boolean;
  /** The meshparts manifest in the folder, and its bytes (kept in the staging folder while replacing). */
  manifest?: { value: Manifest; bytes: Uint8Array };
}

/**
 * Reads the state of `dir` for a write; finishes (or discards) a write into it that a crash cut
 * short, so that the folder is either new, empty, or a whole pack of meshparts'.
 * @throws PackWriteError when the folder is not meshparts' (nothing is touched then).
 */
export async function openPackFolder(dir: string, generator: string, durable: boolean): Promise<PackFolder> {
  let entries: string[];
  try {
    if (!(await stat(dir)).isDirectory()) {
      throw new PackWriteError(`cannot write the pack to ${dir}: it is a file`);
    }
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { dir, exists: false };
    throw error;
  }
  const manifest = entries.includes(MANIFEST_FILE) ? await readOwnManifest(dir, generator) : undefined;
  const stagings: FoundStaging[] = [];
  for (const name of entries.filter(isStagingName)) {
    const found = await readStaging(join(dir, name));
    if (found?.livePid !== undefined) {
      throw new PackWriteError(
        `another meshparts process (pid ${found.livePid}) is writing the pack in ${dir}; nothing was changed (if that process is gone, delete ${found.dir})`,
      );
    }
    if (found) stagings.push(found);
    else await rmdir(join(dir, name)).catch(() => undefined);
  }
  // A commit cut short: the pack's manifest is gone and a ready staging folder holds the new one.
  const pending = manifest ? undefined : stagings.find((staging) => staging.manifest);
  const others = entries.filter((name) => !isStagingName(name));
  if (!manifest && !pending && others.length > 0) {
    throw new PackWriteError(
      `refusing to write into ${dir}: it is not empty and not a meshparts pack (no ${MANIFEST_FILE}); choose another folder`,
    );
  }
  if (pending?.manifest) {
    await commitStaging(dir, { ...pending, manifest: pending.manifest }, durable);
  }
  // Staging folders that never got ready (or lost to a finished commit) hold only new files.
  for (const staging of stagings) {
    if (staging !== pending) await rm(staging.dir, { recursive: true, force: true });
  }
  if (pending) return openPackFolder(dir, generator, durable);
  return { dir, exists: true, ...(manifest ? { manifest } : {}) };
}

async function readOwnManifest(dir: string, generator: string): Promise<PackFolder['manifest']> {
  const path = join(dir, MANIFEST_FILE);
  const bytes = new Uint8Array(await readFile(path));
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw notOurs(dir, 'it is not JSON');
  }
  const problems = manifestProblems(value);
  if (problems.length > 0) throw notOurs(dir, problems[0]!);
  const manifest = value as Manifest;
  if (!isOwnGenerator(manifest.generator, generator)) {
    throw notOurs(dir, `its generator is ${JSON.stringify(manifest.generator)}`);
  }
  return { value: manifest, bytes };
}

function notOurs(dir: string, why: string): PackWriteError {
  return new PackWriteError(
    `refusing to write into ${dir}: its ${MANIFEST_FILE} is not a meshparts manifest (${why}); nothing was changed, choose another folder`,
  );
}

/** Who a folder belongs to, as {@link readPackOwner} sees it (read-only: nothing is changed). */
export type PackOwner =
  /** Nothing there, or an empty folder: free for a new pack. */
  | { kind: 'free' }
  /** A meshparts pack (or one whose replacement was cut short): its manifest, as written. */
  | { kind: 'pack'; manifest: Manifest }
  /** Anything else: a file, a folder with other things in it, a foreign manifest.json. */
  | { kind: 'foreign'; why: string };

/**
 * Whose `dir` is, by the rules {@link writePack} applies, without changing anything: for callers that
 * choose where packs go (`meshparts run` gives each model a folder) and must never pick a folder
 * that is not meshparts'. `generator` is accepted besides `meshparts@…` (see WritePackOptions).
 */
export async function readPackOwner(dir: string, generator?: string): Promise<PackOwner> {
  let entries: string[];
  try {
    if (!(await stat(dir)).isDirectory()) return { kind: 'foreign', why: 'it is a file' };
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'free' };
    return { kind: 'foreign', why: `it cannot be read (${(error as NodeJS.ErrnoException).code})` };
  }
  try {
    if (entries.includes(MANIFEST_FILE)) {
      const manifest = await readOwnManifest(dir, generator ?? DEFAULT_GENERATOR);
      return { kind: 'pack', manifest: manifest!.value };
    }
    for (const name of entries.filter(isStagingName)) {
      const staged = await readStaging(join(dir, name));
      if (staged?.manifest) return { kind: 'pack', manifest: staged.manifest };
    }
  } catch (error) {
    return { kind: 'foreign', why: (error as Error).message };
  }
  const others = entries.filter((name) => !isStagingName(name));
  return others.length === 0
    ? { kind: 'free' }
    : { kind: 'foreign', why: `it is not empty and not a meshparts pack (no ${MANIFEST_FILE})` };
}
