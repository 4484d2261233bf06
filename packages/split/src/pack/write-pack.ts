import { mkdir, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { NodeIO } from '@gltf-transform/core';
import { PackWriteError } from '../errors.js';
import type { Bounds } from '../geometry.js';
import { sha256Hex } from '../hash.js';
import type { SplitPart } from '../parts/general-part.js';
import type { PackPart } from '../parts/split-parts.js';
import { DEFAULT_GENERATOR } from '../version.js';
import { syncDir, writeNewFile } from './durable-files.js';
import {
  MANIFEST_VERSION,
  type Manifest,
  type ManifestFile,
  type ManifestPart,
  type ManifestSource,
  ownedPathsOf,
  PARTS_DIR,
  THUMBNAIL_FILE,
  thumbnailPathOf,
} from './manifest.js';
import { isSafeFileName } from './naming/safe-file-name.js';
import { type PackFile, type PackFilesOption, PackPathSet } from './pack-files.js';
import { openPackFolder } from './pack-folder.js';
import { type PathCache, packPath, pathState } from './pack-paths.js';
import { assertCommitPossible, commitStaging, createStaging, type Staging, sealStaging } from './staging.js';

/** Part files written concurrently while the next part is encoded. */
const MAX_WRITES_IN_FLIGHT = 8;

/** What {@link writePack} records about the source; `segmenter` defaults to `none`, `taskId` to null. */
export type PackSource = Omit<ManifestSource, 'segmenter' | 'taskId'> &
  Partial<Pick<ManifestSource, 'segmenter' | 'taskId'>>;

export interface WritePackOptions {
  /** What the manifest says of the source (a promise: awaited once the parts are written). */
  source: PackSource | Promise<PackSource>;
  /** Bounds of the whole source scene, world space. */
  bounds: Bounds;
  /** Default `meshparts@<version of @meshparts/split>`. */
  generator?: string;
  /** IO used to write the part GLBs. Default: ALL_EXTENSIONS plus the encoders the parts need. */
  io?: NodeIO;
  /**
   * Files to write besides the parts (previews, a gallery, shared textures), or a callback that makes
   * them once the part files exist (it can read them in `context.dir`). Each `path` is relative,
   * `/`-separated, URL-safe in every segment. They are listed in `manifest.files` (size, sha256), so
   * verifyPack checks them and the next write knows them as meshparts' own. `thumbnail.png` and
   * `thumbnails/<part name>.png` are also linked from `manifest.thumbnail` and `parts[].thumbnail`.
   */
  files?: PackFilesOption;
  /**
   * fsync every file and folder, so that the pack also survives a power cut or a kernel crash right
   * after it is committed. A pack is always written so that a killed or crashed process leaves the
   * old pack or the new one (a commit cut short is finished by the next write), and a reader never
   * takes a half-written pack for a whole one. Only a power cut can do more, by losing file contents
   * the kernel had not yet written. Default: true when an existing pack is replaced, false for a new
   * folder, where the worst a power cut can leave is a pack of empty files, which `verifyPack`
   * (applied by `meshparts run` before it trusts a pack) reports and a rerun makes again. The cost was
   * not measurable on this machine's disk (BENCHMARKS.md, target 1); on slow disks it is one flush per
   * file.
   */
  durable?: boolean;
  /**
   * Stops the write: checked before each part and each additional file, while the files are made,
   * and last before the commit. An aborted write throws the signal's reason and leaves `dir` as it
   * was (the staging folder is removed). Once the commit has begun it is finished: it takes
   * milliseconds, and a commit cut short leaves a pack a reader must not trust until the next write.
   */
  signal?: AbortSignal;
}

/** `promise`, or the signal's reason as soon as it aborts (what `promise` does then is not awaited). */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  promise.catch(() => {});
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A part name must be one URL-safe file name inside parts/ (names come from untrusted models). */
function assertSafeName(name: string): void {
  if (!isSafeFileName(name)) throw new PackWriteError(`unsafe part file name ${JSON.stringify(name)}`);
}

/**
 * Writes a pack into `dir`: `parts/<name>.glb` for every part, the additional `files`, and
 * `manifest.json`, which lists every file meshparts wrote. Returns the manifest.
 *
 * The pack folder belongs to the user too. `dir` may be new, empty, or a meshparts pack (its
 * manifest says so); anything else is refused with PackWriteError and left untouched. In a pack, only
 * the files its manifest lists are replaced or removed; a user's `LICENSE.txt` or `previews/` stay,
 * and a new file that would land on a user's file is a PackWriteError with nothing changed. The
 * top-level, per-part and per-file `extras` (and a `$schema`) of the old manifest are kept.
 *
 * Everything is first written into a staging folder inside `dir`, then committed (see staging.ts):
 * a crash at any point leaves the old pack or the new one, never a mix that a reader would take for
 * whole, and the next write finishes a commit that was cut short. Folders and files follow the umask.
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
  options.signal?.throwIfAborted();
  const target = resolve(dir);
  const generator = options.generator ?? DEFAULT_GENERATOR;
  const folder = await openPackFolder(target, generator, options.durable ?? true);
  const previous = folder.manifest?.value;
  const durable = options.durable ?? previous !== undefined;
  const signal = options.signal;
  const created = folder.exists ? undefined : await mkdir(target, { recursive: true });
  let io = options.io;
  const encodeDocument = async (part: SplitPart): Promise<Uint8Array> => {
    // Parts carry the source's compression extensions: the first one tells which encoders to load.
    // The codecs (and glTF-Transform's extensions) load only for a pack with Document parts.
    const { codecNeedsOf, createIO } = await import('../read/codecs.js');
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
  let staging: Staging | undefined;
  // Encoding is CPU work; writing (and fsyncing) is I/O that runs in libuv's pool: a few file writes
  // stay in flight while the next part is encoded, so hundreds of files are not written one by one.
  const inFlight = new Set<Promise<void>>();
  const stagedFolders = new Map<string, Promise<unknown>>();
  const stageFile = async (path: string, bytes: Uint8Array, wait = false) => {
    const job = (async () => {
      const to = packPath(staging!.filesDir, path);
      // One mkdir per folder, not per file (500 parts share parts/).
      const folder = dirname(to);
      if (!stagedFolders.has(folder)) stagedFolders.set(folder, mkdir(folder, { recursive: true }));
      await stagedFolders.get(folder);
      await writeNewFile(to, bytes, durable);
    })();
    inFlight.add(job);
    job.then(
      () => inFlight.delete(job),
      () => undefined,
    );
    if (wait) await job;
    else if (inFlight.size >= MAX_WRITES_IN_FLIGHT) await Promise.race(inFlight);
  };
  let manifest: Manifest;
  try {
    staging = await createStaging(target, generator, folder.manifest?.bytes, durable);
    stagedFolders.set(packPath(staging.filesDir, PARTS_DIR), mkdir(packPath(staging.filesDir, PARTS_DIR)));
    const paths = new PackPathSet();
    const partEntries: ManifestPart[] = [];
    for await (const part of parts) {
      signal?.throwIfAborted();
      assertSafeName(part.name);
      const file = `${PARTS_DIR}/${part.name}.glb`;
      try {
        paths.add(file);
      } catch {
        throw new PackWriteError(`two parts are named ${JSON.stringify(part.name)} (names must be unique)`);
      }
      const bytes = 'bytes' in part ? part.bytes : await encodeDocument(part);
      partEntries.push({
        id: part.id,
        name: part.name,
        sourceName: part.sourceName,
        ...(part.sourceNames ? { sourceNames: part.sourceNames } : {}),
        file,
        byteLength: bytes.byteLength,
        // Hashed here, synchronously: WebCrypto's digest would run in libuv's pool, but it copies its
        // input on this thread first, which costs more than hashing (measured: 0.07 vs 0.06 ms for
        // 100 KB, 1.3 vs 0.56 ms for 1 MB), plus a promise per part.
        sha256: sha256Hex(bytes),
        vertices: part.vertices,
        triangles: part.triangles,
        materials: part.materials,
        textures: part.textures,
        ...(part.images?.length ? { images: part.images } : {}),
        bounds: part.bounds,
        pivot: part.pivot,
        placements: part.placements,
        parent: part.parent,
      });
      // Borrowed bytes are the encoder's again once the next part is asked for: written first.
      await stageFile(file, bytes, 'borrowed' in part && part.borrowed === true);
    }
    await Promise.all(inFlight);
    const source = await options.source;
    const draft: Manifest = {
      manifestVersion: MANIFEST_VERSION,
      generator,
      source: {
        file: source.file,
        byteLength: source.byteLength,
        sha256: source.sha256,
        segmenter: source.segmenter ?? 'none',
        taskId: source.taskId ?? null,
        strategy: source.strategy,
        reason: source.reason,
        ...(source.sceneNote ? { sceneNote: source.sceneNote } : {}),
        ...(source.license ? { license: source.license } : {}),
        ...(source.attribution ? { attribution: source.attribution } : {}),
      },
      bounds: options.bounds,
      parts: partEntries,
    };
    const files: ManifestFile[] = [];
    for await (const file of await unlessAborted(filesOf(options.files, draft, staging.filesDir), signal)) {
      signal?.throwIfAborted();
      paths.add(file.path);
      files.push({ path: file.path, byteLength: file.bytes.byteLength, sha256: sha256Hex(file.bytes) });
      await stageFile(file.path, file.bytes);
    }
    await Promise.all(inFlight);
    manifest = finishManifest(draft, files, paths, previous);
    const owned = new Set(previous ? ownedPathsOf(previous) : []);
    const cache: PathCache = new Map();
    await assertNoClash(target, ownedPathsOf(manifest), owned, cache);
    await assertCommitPossible(target, [...ownedPathsOf(manifest), ...owned], cache);
    if (durable)
      for (const folderPath of [PARTS_DIR, '']) await syncDir(packPath(staging.filesDir, folderPath));
    await sealStaging(staging, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`), durable);
    // The last point where stopping leaves `dir` as it was.
    signal?.throwIfAborted();
  } catch (error) {
    await Promise.allSettled(inFlight);
    if (staging) await rm(staging.dir, { recursive: true, force: true });
    if (created) await rm(created, { recursive: true, force: true });
    throw error;
  }
  try {
    await commitStaging(target, { dir: staging.dir, manifest, ...(previous ? { previous } : {}) }, durable);
  } catch (error) {
    throw new PackWriteError(
      `the pack in ${target} is half replaced (${(error as Error).message}); it is not complete, and the next write into it finishes the replacement`,
      { cause: error },
    );
  }
  if (created && durable) await syncDir(dirname(created));
  return manifest;
}

/** The additional files, from the option's list or callback. */
async function filesOf(
  option: WritePackOptions['files'],
  manifest: Manifest,
  dir: string,
): Promise<Iterable<PackFile> | AsyncIterable<PackFile>> {
  if (option === undefined) return [];
  return typeof option === 'function' ? await option({ manifest, dir }) : option;
}

/**
 * The manifest as written: thumbnails linked, `files` listed, and what the user added to the previous
 * manifest kept (`$schema`, top-level `extras`; a part's `extras` by the part's `id`, else its name; a
 * file's by its path). Keys in a stable, readable order.
 */
function finishManifest(
  draft: Manifest,
  files: ManifestFile[],
  paths: PackPathSet,
  previous: Manifest | undefined,
): Manifest {
  const partExtras = (part: ManifestPart) =>
    previous?.parts.find((old) => old.id === part.id && old.extras)?.extras ??
    previous?.parts.find((old) => old.name === part.name && old.extras)?.extras;
  const parts = draft.parts.map((part) => {
    const { byteLength, ...rest } = part;
    const thumbnail = thumbnailPathOf(part.name);
    const extras = partExtras(part);
    return {
      ...pick(rest, ['id', 'name', 'sourceName', 'file']),
      ...(paths.has(thumbnail) ? { thumbnail } : {}),
      byteLength,
      ...rest,
      ...(extras ? { extras } : {}),
    } as ManifestPart;
  });
  const fileEntries = files.map((file) => {
    const extras = previous?.files?.find((old) => old.path === file.path)?.extras;
    return extras ? { ...file, extras } : file;
  });
  return {
    ...(previous?.$schema !== undefined ? { $schema: previous.$schema } : {}),
    manifestVersion: draft.manifestVersion,
    generator: draft.generator,
    source: draft.source,
    ...(paths.has(THUMBNAIL_FILE) ? { thumbnail: THUMBNAIL_FILE } : {}),
    bounds: draft.bounds,
    parts,
    ...(fileEntries.length > 0 ? { files: fileEntries } : {}),
    ...(previous?.extras !== undefined ? { extras: previous.extras } : {}),
  };
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, value[key]])) as Pick<T, K>;
}

/**
 * A new file may land only where nothing is, or on a file the previous manifest lists. Anything else
 * (a user's file, a folder, a link, or a parent that is not a real folder) is a clash: PackWriteError,
 * nothing changed.
 */
async function assertNoClash(
  target: string,
  paths: readonly string[],
  owned: ReadonlySet<string>,
  cache: PathCache,
): Promise<void> {
  const clashes: string[] = [];
  for (const path of paths) {
    // A path the old manifest lists is meshparts' (the commit checks its folders again, and a rename
    // never writes through a link nor over a folder): only new paths need a look.
    if (owned.has(path)) continue;
    const state = await pathState(target, path, cache);
    if (state.kind === 'absent') continue;
    clashes.push(state.kind === 'file' ? path : state.at);
  }
  if (clashes.length === 0) return;
  const shown =
    clashes.slice(0, 5).join(', ') + (clashes.length > 5 ? `, and ${clashes.length - 5} more` : '');
  throw new PackWriteError(
    `cannot write the pack in ${target}: it would overwrite what meshparts did not write (${shown}); nothing was changed: move them or choose another folder`,
  );
}
