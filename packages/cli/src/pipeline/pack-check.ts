import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';

/**
 * Decides whether a pack on disk is complete for a given input, without trusting it blindly:
 * `manifest.json` parses, its `source.sha256` and `source.segmenter` match the input and the segmenter
 * of this run, and every part file it lists exists (inside the pack) with the recorded byte length.
 * writePack renames a finished pack into place, so a pack that passes this check is whole.
 */

export interface CompletePack {
  manifestPath: string;
  parts: number;
  taskId: string | null;
}

interface ManifestShape {
  source?: { sha256?: unknown; segmenter?: unknown; taskId?: unknown };
  parts?: unknown;
}

export async function readCompletePack(
  packDir: string,
  sha256: string,
  segmenter: 'tripo' | 'local',
): Promise<CompletePack | undefined> {
  const manifestPath = join(packDir, 'manifest.json');
  let manifest: ManifestShape;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as ManifestShape;
  } catch {
    return undefined;
  }
  if (manifest.source?.sha256 !== sha256 || manifest.source.segmenter !== segmenter) return undefined;
  if (!Array.isArray(manifest.parts)) return undefined;
  for (const part of manifest.parts as unknown[]) {
    const { file, byteLength } = (part ?? {}) as { file?: unknown; byteLength?: unknown };
    if (typeof file !== 'string' || isAbsolute(file) || normalize(file).startsWith('..')) return undefined;
    try {
      const info = await stat(join(packDir, file));
      if (!info.isFile() || (typeof byteLength === 'number' && info.size !== byteLength)) return undefined;
    } catch {
      return undefined;
    }
  }
  const taskId = typeof manifest.source.taskId === 'string' ? manifest.source.taskId : null;
  return { manifestPath, parts: manifest.parts.length, taskId };
}
