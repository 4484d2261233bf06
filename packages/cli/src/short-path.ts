import { isAbsolute, relative } from 'node:path';

/** A path relative to the working folder when it is inside it: shorter to read and to copy. */
export function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
