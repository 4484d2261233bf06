import { lstat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What is at a pack-relative path inside a pack folder, looked at without following links: the pack
 * writer never writes or deletes through a link or into something that is not a real folder of the
 * pack (a user's `parts` link to another disk stays untouched).
 */
export type PathState =
  | { kind: 'absent' }
  | { kind: 'file' }
  /** Something else is there: a folder, a link, a device; or a parent is not a real folder. */
  | { kind: 'other'; at: string };

/** `root` joined with a `/`-separated relative path. */
export function packPath(root: string, relative: string): string {
  return join(root, ...relative.split('/'));
}

/** What an lstat found: 'file', 'dir', 'other', or 'absent'. */
export type Found = 'file' | 'dir' | 'other' | 'absent';

/**
 * lstat results by pack-relative path, shared by the checks of one write so that a folder of 500
 * parts is looked at once, not 500 times. Only for checks made before anything moves.
 */
export type PathCache = Map<string, Promise<Found>>;

/** What is at `at` (pack-relative), links not followed. */
export async function found(root: string, at: string, cache?: PathCache): Promise<Found> {
  const cached = cache?.get(at);
  if (cached) return cached;
  const result = lstat(packPath(root, at)).then(
    (info) => (info.isFile() ? 'file' : info.isDirectory() ? 'dir' : 'other') as Found,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return 'absent' as Found;
      throw error;
    },
  );
  cache?.set(at, result);
  return result;
}

/** What is at `relative` inside `root` (see {@link PathState}). */
export async function pathState(root: string, relative: string, cache?: PathCache): Promise<PathState> {
  const segments = relative.split('/');
  for (let end = 1; end <= segments.length; end++) {
    const at = segments.slice(0, end).join('/');
    const info = await found(root, at, cache);
    if (info === 'absent') return { kind: 'absent' };
    const last = end === segments.length;
    if (last) return info === 'file' ? { kind: 'file' } : { kind: 'other', at };
    if (info !== 'dir') return { kind: 'other', at };
  }
  return { kind: 'absent' };
}

/**
 * Whether `folder` (pack-relative, `''` for the pack itself) is a chain of real folders, up to where it
 * does not exist yet (mkdir makes the rest): never a link or a file on the way. Returns the first
 * segment path that is in the way, or undefined when the chain holds.
 */
export async function folderInTheWay(
  root: string,
  folder: string,
  cache?: PathCache,
): Promise<string | undefined> {
  if (folder === '') return undefined;
  const segments = folder.split('/');
  for (let end = 1; end <= segments.length; end++) {
    const at = segments.slice(0, end).join('/');
    const kind = await found(root, at, cache);
    if (kind === 'absent') return undefined;
    if (kind !== 'dir') return at;
  }
  return undefined;
}
