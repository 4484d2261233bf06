import { PackWriteError } from '../errors.js';
import type { Manifest } from './manifest.js';
import { isPackFilePath } from './manifest-check.js';
import { collisionKey } from './naming/dedupe.js';

/** A file for {@link writePack} to write into the pack besides the parts (a preview, a page, a texture). */
export interface PackFile {
  /** Relative to the pack folder, `/`-separated, every segment URL-safe: `thumbnails/wheel.png`. */
  path: string;
  bytes: Uint8Array;
}

/** Additional files, eager or lazy. */
export type PackFiles = Iterable<PackFile> | AsyncIterable<PackFile>;

/** What a `files` callback of writePack gets: the parts are written, the manifest lists them. */
export interface PackFilesContext {
  /** The manifest so far: `parts` complete, no `files` yet. Read-only. */
  manifest: Readonly<Manifest>;
  /** The staged pack folder: `parts/*.glb` are there to be read (write nothing into it yourself). */
  dir: string;
}

/** `files` of WritePackOptions: files, or a callback that makes them once the parts exist. */
export type PackFilesOption = PackFiles | ((context: PackFilesContext) => PackFiles | Promise<PackFiles>);

/**
 * Keeps the set of paths a pack write owns free of clashes between its own files: two paths equal on a
 * case-insensitive file system, or a file where another path needs a folder (`a` and `a/b`).
 */
export class PackPathSet {
  private readonly files = new Set<string>();
  private readonly folders = new Set<string>();

  /** @throws PackWriteError for an unsafe path or a clash with a path added before. */
  add(path: string): void {
    if (!isPackFilePath(path)) {
      throw new PackWriteError(
        `unsafe pack file path ${JSON.stringify(path)} (relative, /-separated, URL-safe segments, not manifest.json)`,
      );
    }
    const key = collisionKey(path);
    const segments = key.split('/');
    const prefixes = segments.slice(0, -1).map((_, end) => segments.slice(0, end + 1).join('/'));
    if (this.files.has(key) || this.folders.has(key) || prefixes.some((prefix) => this.files.has(prefix))) {
      throw new PackWriteError(
        `two files of the pack would be ${JSON.stringify(path)} (paths must be unique)`,
      );
    }
    this.files.add(key);
    for (const prefix of prefixes) this.folders.add(prefix);
  }

  has(path: string): boolean {
    return this.files.has(collisionKey(path));
  }
}
