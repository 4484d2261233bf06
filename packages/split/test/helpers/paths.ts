import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run on the sources, two folders below it). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** Third-party sample models shared beside the repository; absent on some machines. */
export const SHARED_MODELS = join(REPO_ROOT, '..', 'shared', 'models');
export const FIXTURES = join(REPO_ROOT, 'fixtures');

/** Every .glb/.gltf in a folder and its direct subfolders (a .gltf with its resources lives in one). */
export function listModels(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isFile() && /\.(glb|gltf)$/i.test(entry.name)) out.push(path);
    if (entry.isDirectory() && !entry.name.startsWith('.')) {
      for (const inner of readdirSync(path)) if (/\.(glb|gltf)$/i.test(inner)) out.push(join(path, inner));
    }
  }
  return out.sort();
}
