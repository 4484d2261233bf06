import { join } from 'node:path';
import { verifyPack } from './split-api.js';

/**
 * Decides whether a pack on disk is complete for a given input, without trusting it blindly:
 * @meshparts/split's `verifyPack` checks that the version-1 manifest reads and that every part file
 * it lists is there with its recorded size and sha256; on top of that, the manifest's
 * `source.sha256` and `source.segmenter` must match this input and this run's segmenter. writePack
 * renames a finished pack into place, so a pack that passes is whole, and one edited or damaged by
 * hand is made again.
 */

export interface CompletePack {
  manifestPath: string;
  parts: number;
  taskId: string | null;
}

export async function readCompletePack(
  packDir: string,
  sha256: string,
  segmenter: 'tripo' | 'local',
): Promise<CompletePack | undefined> {
  const check = await verifyPack(packDir);
  const manifest = check.manifest;
  if (!check.complete || !manifest) return undefined;
  if (manifest.source?.sha256 !== sha256 || manifest.source.segmenter !== segmenter) return undefined;
  return {
    manifestPath: join(packDir, 'manifest.json'),
    parts: manifest.parts.length,
    taskId: typeof manifest.source.taskId === 'string' ? manifest.source.taskId : null,
  };
}
