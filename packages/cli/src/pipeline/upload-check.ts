import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { ModelError, messageOf } from './errors.js';
import { type UploadSource, uploadFormat } from './segmenters.js';
import { type ModelLimits, readForUpload } from './split-api.js';

/**
 * Nothing is paid for that a free local check would refuse (DESIGN.md, Money). Every model planned
 * for a paid submission is checked when the run is planned, so the plan, `--dry-run`, `--max-credits`
 * and the balance check count only what can really be submitted:
 * - the file is not empty and not over the API's upload limit (150 MB);
 * - its format is one the API takes (GLB, glTF, FBX, OBJ, STL, by content and name);
 * - a .glb, .gltf, .obj or .stl reads and passes the split package's preflight (the same checks as
 *   `meshparts split`, within `--max-file-mb` / `--max-vertices`), and its scene has at least one
 *   mesh (an .obj or .stl is read through the split package's converter; the file itself is
 *   uploaded). FBX cannot be read here, so only the first two apply to it.
 *
 * Right before the upload, {@link uploadSourceOf} reads a .glb or .gltf once more and packs a .gltf
 * (or a GLB with external buffers or images) and its resources into one GLB, because the API takes
 * one file.
 */

/** Why the free check refuses `file` (one line, naming the file), or undefined when it passes. */
export async function refusalBeforePaying(
  file: string,
  limits: Partial<ModelLimits>,
  maxUploadBytes: number,
): Promise<string | undefined> {
  try {
    await uploadSourceOf(file, limits, maxUploadBytes, false);
    return undefined;
  } catch (error) {
    return messageOf(error);
  }
}

/**
 * What to upload for `file`: the file itself, or (with `pack`) the bytes of the one GLB that holds a
 * .gltf and its resources. Throws a ModelError `input` when a free check refuses the file.
 */
export async function uploadSourceOf(
  file: string,
  limits: Partial<ModelLimits>,
  maxUploadBytes: number,
  pack = true,
): Promise<UploadSource> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw new ModelError('input', `cannot read ${file}: ${messageOf(error)}`, undefined, { cause: error });
  }
  if (size === 0) throw new ModelError('input', `${file} is empty: nothing to segment`);
  checkUploadSize(file, size, maxUploadBytes);
  const format = await uploadFormat(file).catch((error: unknown) => {
    throw new ModelError('input', `cannot read ${file}: ${messageOf(error)}`, undefined, { cause: error });
  });
  if (!format.ok) {
    throw new ModelError('input', `${file} ${format.reason}`);
  }
  // FBX cannot be read here: its free checks end with the size and the format.
  if (format.format === 'fbx') return { file };
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readForUpload(file, limits, pack);
  } catch (error) {
    if (error instanceof ModelError) throw error;
    throw new ModelError('input', messageOf(error), undefined, { cause: error });
  }
  if (bytes === undefined) return { file };
  checkUploadSize(`${file} packed into one GLB`, bytes.byteLength, maxUploadBytes);
  return { bytes, filename: `${basename(file, extname(file))}.glb` };
}

function checkUploadSize(what: string, size: number, maxUploadBytes: number): void {
  if (size > maxUploadBytes) {
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    throw new ModelError(
      'input',
      `${what} is ${mb(size)}, over the ${mb(maxUploadBytes)} upload limit of the API`,
    );
  }
}
