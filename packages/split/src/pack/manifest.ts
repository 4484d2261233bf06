import type { Bounds } from '../geometry.js';
import type { PartStrategy, PivotMode } from '../options.js';
import type { Placement } from '../parts/general-part.js';

/** The manifest version this package writes and reads. */
export const MANIFEST_VERSION = 1;
/** File name of the manifest inside a pack. */
export const MANIFEST_FILE = 'manifest.json';
/** Folder of the part files inside a pack. */
export const PARTS_DIR = 'parts';
/** What a manifest's `parts[].file` must look like (the schema's pattern): one file inside parts/. */
export const PART_FILE = /^parts\/[^/\\]+\.glb$/;

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
  /** Bounds of the file's scene in its own space. */
  bounds: Bounds;
  pivot: PivotMode;
  /** Where the source puts this part: one entry per source node (several for a shared mesh). */
  placements: Placement[];
  /** Id of the enclosing part in the source hierarchy, or null. */
  parent: string | null;
}

/** manifest.json, version 1. The JSON Schema is `@meshparts/split/manifest.schema.json`. */
export interface Manifest {
  manifestVersion: 1;
  /** `meshparts@<version>` (or what the caller names). */
  generator: string;
  source: ManifestSource;
  /** Bounds of the whole split scene in world space. */
  bounds: Bounds;
  parts: ManifestPart[];
}
