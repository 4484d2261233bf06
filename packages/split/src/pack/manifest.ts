import type { Bounds } from '../geometry.js';
import type { PartStrategy, PivotMode } from '../options.js';
import type { Placement } from '../parts/general-part.js';
import type { PartImageRecord } from '../parts/textures/part-images.js';

/** The manifest version this package writes and reads. */
export const MANIFEST_VERSION = 1;
/** File name of the manifest inside a pack. */
export const MANIFEST_FILE = 'manifest.json';
/** Folder of the part files inside a pack. */
export const PARTS_DIR = 'parts';
/** What a manifest's `parts[].file` must look like (the schema's pattern): one file inside parts/. */
export const PART_FILE = /^parts\/[^/\\]+\.glb$/;
/** The whole model's preview, when the pack has one (`manifest.thumbnail`). */
export const THUMBNAIL_FILE = 'thumbnail.png';
/** Folder of the per-part previews: `thumbnails/<part name>.png` (`parts[].thumbnail`). */
export const THUMBNAILS_DIR = 'thumbnails';

/** Where a part's preview goes: `thumbnails/<name>.png`. */
export function thumbnailPathOf(partName: string): string {
  return `${THUMBNAILS_DIR}/${partName}.png`;
}

/**
 * What users may add to a manifest, to each part and to each file entry: meshparts keeps them when it
 * rewrites the pack, as glTF tools keep `extras`. (Nowhere else: what meshparts regenerates, such as
 * `source` or `placements`, has no `extras` that could silently vanish.)
 */
export type Extras = Record<string, unknown>;

/** Who produced the segmented model that was split. `none`: the input was split as it came. */
export type Segmenter = 'tripo' | 'local' | 'none';

/** What the pack was made from. */
export interface ManifestSource {
  /** The input's file name (no folders). */
  file: string;
  byteLength: number;
  /** sha256 (hex) of the input file's bytes. */
  sha256: string;
  segmenter: Segmenter;
  /** The segmentation task id when `segmenter` is `tripo`, else null. */
  taskId: string | null;
  /** The strategy that found the parts. */
  strategy: PartStrategy;
  /** Why that strategy (one sentence). */
  reason: string;
  /** Set when the model has several scenes: which one was split. */
  sceneNote?: string;
  /** The source's licence (its `asset.extras.license`, else the root `extras.license`), when it states one. */
  license?: string;
  /** Whom to credit (its `asset.extras.author` with `source`, else `asset.copyright`), when stated. */
  attribution?: string;
}

/** One part file. */
export interface ManifestPart {
  /** Stable id from the part's place in the source (see PlannedPart.id). */
  id: string;
  /** Final name: file name without `.glb`, and the name of the part's node and mesh. */
  name: string;
  /** The name the model gave the part (node, mesh or material name); may be empty. */
  sourceName: string;
  /**
   * Set when the part absorbed smaller parts (granularity): every constituent's name, `sourceName`
   * (the largest constituent's) first, then by decreasing area.
   */
  sourceNames?: string[];
  /** Path relative to the pack folder, `/`-separated: `parts/<name>.glb`. */
  file: string;
  /** The part's preview, when the pack has one: `thumbnails/<name>.png`. */
  thumbnail?: string;
  byteLength: number;
  sha256: string;
  /** Vertices stored in the file (summed over primitives). */
  vertices: number;
  /** Triangles stored in the file (points and lines count 0; instances count once). */
  triangles: number;
  /** Number of materials in the file. */
  materials: number;
  /** Number of textures in the file. */
  textures: number;
  /**
   * The images the file carries (absent when none): name, type, pixel size and bytes as carried —
   * cropped with `--textures crop`; with `shared`, the pack's `textures/` file it refers to.
   */
  images?: PartImageRecord[];
  /** Bounds of the file's scene in its own space. */
  bounds: Bounds;
  pivot: PivotMode;
  /** Where the source puts this part: one entry per source node (several for a shared mesh). */
  placements: Placement[];
  /** Id of the enclosing part in the source hierarchy, or null. */
  parent: string | null;
  /** The user's own data; kept when the pack is rewritten (matched by `id`, else by `name`). */
  extras?: Extras;
}

/**
 * A file of the pack other than the part files and the manifest (previews, a gallery page, shared
 * textures): written and owned by meshparts like the part files, checked by verifyPack, replaced or
 * removed by the next write, and never confused with a user's file.
 */
export interface ManifestFile {
  /** Relative to the pack folder, `/`-separated; every segment URL-safe (see `isPackFilePath`). */
  path: string;
  byteLength: number;
  sha256: string;
  /** The user's own data; kept when the pack is rewritten (matched by `path`). */
  extras?: Extras;
}

/**
 * manifest.json, version 1. The JSON Schema is `@meshparts/split/manifest.schema.json`. Fields may be
 * added within version 1; consumers ignore what they do not know.
 */
export interface Manifest {
  /** A user's pointer to the schema, kept when the pack is rewritten. */
  $schema?: string;
  manifestVersion: 1;
  /** `meshparts@<version>` (or what the caller names). */
  generator: string;
  source: ManifestSource;
  /** The whole model's preview, when the pack has one: `thumbnail.png`. */
  thumbnail?: string;
  /** Bounds of the whole split scene in world space. */
  bounds: Bounds;
  parts: ManifestPart[];
  /** Every other file meshparts wrote into the pack (absent when there is none). */
  files?: ManifestFile[];
  /** The user's own data; kept when the pack is rewritten. */
  extras?: Extras;
}

/**
 * Every file a manifest says meshparts wrote, relative and `/`-separated: `manifest.json`, the part
 * files and `files[]`. These, and only these, are replaced or removed by the next write.
 */
export function ownedPathsOf(manifest: Pick<Manifest, 'parts' | 'files'>): string[] {
  return [
    MANIFEST_FILE,
    ...manifest.parts.map((part) => part.file),
    ...(manifest.files ?? []).map((f) => f.path),
  ];
}
