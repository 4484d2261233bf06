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

/** What is at `relative` inside `root` (see {@link PathState}). */
export async function pathState(root: string, relative: string): Promise<PathState> {
  const segments = relative.split('/');
  for (let end = 1; end <= segments.length; end++) {
    const at = segments.slice(0, end).join('/');
    let info: Awaited<ReturnType<typeof lstat>>;
    try {
      info = await lstat(packPath(root, at));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
      throw error;
    }
    const last = end === segments.length;
    if (last) return info.isFile() ? { kind: 'file' } : { kind: 'other', at };
    if (!info.isDirectory()) return { kind: 'other', at };
  }
  return { kind: 'absent' };
}
