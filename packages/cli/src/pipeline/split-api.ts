import { createHash } from 'node:crypto';
import {
  type CaseStyle,
  createIO,
  parseRenameMap,
  type RenameMap,
  readModel,
  safeFileName,
  segmentLocally,
  splitModel,
} from '@meshparts/split';

/**
 * The one place that knows @meshparts/split's API: local segmentation, splitting a segmented GLB into
 * a pack, and the names helper. A change in the split package touches this file alone.
 */

/** Split options the pipeline passes through to @meshparts/split (the `meshparts split` flags). */
export interface SplitSettings {
  /** Part detection strategy; `auto` (default) picks `nodes` for a segmented GLB. */
  strategy?: 'auto' | 'nodes' | 'primitives' | 'attribute' | 'colors' | 'components';
  /** Label attribute for the `attribute` strategy. */
  attribute?: string;
  pivot?: 'original' | 'center' | 'bottom';
  /** A mesh used by several nodes: one file with several placements (`shared`), or one per node. */
  instances?: 'shared' | 'separate';
  nameTemplate?: string;
  rename?: RenameMap;
  case?: CaseStyle;
}

export type { CaseStyle, RenameMap };
export { parseRenameMap, safeFileName };

/** A stable fingerprint of split settings: a pack made with other settings is re-split (for free). */
export function splitKey(settings: SplitSettings): string {
  const plain = {
    strategy: settings.strategy ?? 'auto',
    attribute: settings.attribute ?? null,
    pivot: settings.pivot ?? 'original',
    instances: settings.instances ?? 'shared',
    nameTemplate: settings.nameTemplate ?? null,
    case: settings.case ?? null,
    rename: settings.rename?.map((rule) => [String(rule.match), rule.name]) ?? null,
  };
  return createHash('sha256').update(JSON.stringify(plain)).digest('hex').slice(0, 16);
}

export interface LocalSegmentation {
  /** A Tripo-layout GLB: one named node per part. */
  bytes: Uint8Array;
  parts: number;
  strategy: string;
  reason: string;
}

/** Segments a model file offline (geometry only) into a Tripo-layout GLB. */
export async function segmentFileLocally(input: string | Uint8Array): Promise<LocalSegmentation> {
  const model = await readModel(input);
  const result = await segmentLocally(model.document);
  const io = await createIO({ ...model.codecs, encode: true });
  const bytes = await io.writeBinary(result.document);
  return { bytes, parts: result.parts, strategy: result.strategy, reason: result.reason };
}

/** The emulator's `segment` hook: GLB bytes in, segmented GLB bytes out (what `meshparts emulate` serves). */
export async function segmentBytesLocally(input: Uint8Array): Promise<Uint8Array> {
  return (await segmentFileLocally(input)).bytes;
}

export interface PackSource {
  /** The original model's file name (not the cached segmented GLB's). */
  file: string;
  sha256: string;
  byteLength: number;
  segmenter: 'tripo' | 'local';
  taskId: string | null;
}

/** Splits a segmented GLB into a pack at `packDir` (written atomically by writePack). */
export async function packSegmented(args: {
  segmentedPath: string;
  packDir: string;
  modelName: string;
  source: PackSource;
  settings: SplitSettings;
}): Promise<{ parts: number; manifestPath: string }> {
  const result = await splitModel(args.segmentedPath, args.packDir, {
    ...args.settings,
    model: args.modelName,
    source: args.source,
  });
  return { parts: result.manifest.parts.length, manifestPath: result.manifestPath };
}
