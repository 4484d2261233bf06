import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { NodeIO } from '@gltf-transform/core';
import { PackWriteError } from '../errors.js';
import type { Bounds } from '../geometry.js';
import { sha256Hex } from '../hash.js';
import type { SplitPart } from '../parts/general-part.js';
import type { PackPart } from '../parts/split-parts.js';
import { codecNeedsOf, createIO } from '../read/read-model.js';
import { DEFAULT_GENERATOR } from '../version.js';
import { syncDir, writeNewFile } from './durable-files.js';
import {
  MANIFEST_FILE,
  MANIFEST_VERSION,
  type Manifest,
  type ManifestPart,
  type ManifestSource,
  PARTS_DIR,
} from './manifest.js';

/** Part files written concurrently while the next part is encoded. */
const MAX_WRITES_IN_FLIGHT = 8;

/** What {@link writePack} records about the source; `segmenter` defaults to `none`, `taskId` to null. */
export type PackSource = Omit<ManifestSource, 'segmenter' | 'taskId'> &
  Partial<Pick<ManifestSource, 'segmenter' | 'taskId'>>;

export interface WritePackOptions {
  source: PackSource;
  /** Bounds of the whole source scene, world space. */
  bounds: Bounds;
  /** Default `meshparts@<version of @meshparts/split>`. */
  generator?: string;
  /** IO used to write the part GLBs. Default: ALL_EXTENSIONS plus the encoders the parts need. */
  io?: NodeIO;
  /**
   * fsync every file and folder, so that the pack also survives a power cut or a kernel crash right
   * after it is renamed into place. A pack is always written atomically: a killed or crashed process
   * leaves the old pack or the new one, never half of one. Only a power cut can do more, by losing
   * file contents the kernel had not yet written. Default: true when an existing pack is replaced
   * (its removal must not outlive the new pack's data: a power cut would otherwise leave neither),
   * false for a new folder, where the worst a power cut can leave is a pack of empty files, which
   * `verifyPack` (applied by `meshparts run` before it trusts a pack) reports and a rerun makes again.
   * The cost was not measurable on this machine's disk (BENCHMARKS.md, target 1); on slow disks it is
   * one flush per part file.
   */
  durable?: boolean;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * An existing target is replaced only when it is a previous pack (it has a manifest.json) or an empty
 * folder: `-o ~/Documents` by mistake must never delete a user's files.
 */
async function assertReplaceable(dir: string): Promise<void> {
  const info = await stat(dir);
  if (!info.isDirectory()) throw new PackWriteError(`cannot write the pack to ${dir}: it is a file`);
  const entries = await readdir(dir);
  if (entries.length > 0 && !entries.includes(MANIFEST_FILE)) {
    throw new PackWriteError(
      `refusing to replace ${dir}: it is not empty and not a meshparts pack (no ${MANIFEST_FILE}); choose another folder`,
    );
  }
}

/** A part name must stay a single file name inside parts/ (names come from untrusted models). */
function assertSafeName(name: string): void {
  if (!name || name === '.' || name === '..' || name !== basename(name) || /[\\/\0]/.test(name)) {
    throw new PackWriteError(`unsafe part file name ${JSON.stringify(name)}`);
  }
}

/**
 * Writes a pack: `parts/<name>.glb` for every part and `manifest.json`, first into a temporary folder
 * beside `dir` (same file system, so the final rename is atomic; every file fsynced with `durable`). An existing
 * pack at `dir` is renamed aside, the new one renamed in, and only then the old one removed: a crash
 * at any point leaves either the old pack or the new one, never half of one. Returns the manifest.
 *
 * `parts` may be a lazy (async) iterable, such as {@link iterateSplitParts}: each part is encoded and
 * handed to the disk before the next is made, so a big model never holds all its parts in memory.
 * A part is either a Document (encoded here with `io`) or already encoded GLB bytes (`bytes`, from
 * the direct encoder of iteratePackParts), which are written as they are.
 */
export async function writePack(
  dir: string,
  parts: Iterable<PackPart> | AsyncIterable<PackPart>,
  options: WritePackOptions,
): Promise<Manifest> {
  const target = resolve(dir);
  const parent = dirname(target);
  const replacing = await exists(target);
  if (replacing) await assertReplaceable(target);
  const seen = new Set<string>();
  await mkdir(parent, { recursive: true });
  let io = options.io;
  const durable = options.durable ?? replacing;
  const encodeDocument = async (part: SplitPart): Promise<Uint8Array> => {
    // Parts carry the source's compression extensions: the first one tells which encoders to load.
    io ??= await createIO({ ...codecNeedsOf(part.document), encode: true });
    try {
      return await io.writeBinary(part.document);
    } catch (error) {
      throw new PackWriteError(
        `cannot write part ${JSON.stringify(part.name)}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  };
  const temp = await mkdtemp(join(parent, `.${basename(target)}.tmp-`));
  // Encoding is CPU work; writing (and fsyncing) is I/O that runs in libuv's pool: a few file writes
  // stay in flight while the next part is encoded, so hundreds of files are not written one by one.
  const inFlight = new Set<Promise<void>>();
  try {
    await mkdir(join(temp, PARTS_DIR));
    const manifest: Manifest = {
      manifestVersion: MANIFEST_VERSION,
      generator: options.generator ?? DEFAULT_GENERATOR,
      source: {
        file: options.source.file,
        byteLength: options.source.byteLength,
        sha256: options.source.sha256,
        segmenter: options.source.segmenter ?? 'none',
        taskId: options.source.taskId ?? null,
        strategy: options.source.strategy,
        reason: options.source.reason,
        ...(options.source.sceneNote ? { sceneNote: options.source.sceneNote } : {}),
      },
      bounds: options.bounds,
      parts: [],
    };
    for await (const part of parts) {
      assertSafeName(part.name);
      const key = part.name.normalize('NFC').toLowerCase();
      if (seen.has(key)) {
        throw new PackWriteError(`two parts are named ${JSON.stringify(part.name)} (names must be unique)`);
      }
      seen.add(key);
      const bytes = 'bytes' in part ? part.bytes : await encodeDocument(part);
      const entry: ManifestPart = {
        id: part.id,
        name: part.name,
        sourceName: part.sourceName,
        ...(part.sourceNames ? { sourceNames: part.sourceNames } : {}),
        file: `${PARTS_DIR}/${part.name}.glb`,
        byteLength: bytes.byteLength,
        // Hashed here, synchronously: WebCrypto's digest would run in libuv's pool, but it copies its
        // input on this thread first, which costs more than hashing (measured: 0.07 vs 0.06 ms for
        // 100 KB, 1.3 vs 0.56 ms for 1 MB), plus a promise per part.
        sha256: sha256Hex(bytes),
        vertices: part.vertices,
        triangles: part.triangles,
        materials: part.materials,
        textures: part.textures,
        bounds: part.bounds,
        pivot: part.pivot,
        placements: part.placements,
        parent: part.parent,
      };
      manifest.parts.push(entry);
      const job = writeNewFile(join(temp, PARTS_DIR, `${part.name}.glb`), bytes, durable);
      inFlight.add(job);
      job.then(
        () => inFlight.delete(job),
        () => undefined,
      );
      if (inFlight.size >= MAX_WRITES_IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    await writeNewFile(
      join(temp, MANIFEST_FILE),
      new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
      durable,
    );
    if (durable) {
      await syncDir(join(temp, PARTS_DIR));
      await syncDir(temp);
    }
    await swapInto(temp, target);
    if (durable) await syncDir(parent);
    return manifest;
  } catch (error) {
    await Promise.allSettled(inFlight);
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Renames `temp` to `target`, moving an existing target aside first and removing it only afterwards. */
async function swapInto(temp: string, target: string): Promise<void> {
  if (!(await exists(target))) {
    await rename(temp, target);
    return;
  }
  const old = `${target}.old-${randomBytes(4).toString('hex')}`;
  await rename(target, old);
  try {
    await rename(temp, target);
  } catch (error) {
    await rename(old, target);
    throw error;
  }
  await rm(old, { recursive: true, force: true });
}
