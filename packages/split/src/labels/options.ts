/** How per-triangle labels are found. */
export type LabelStrategy = 'attribute' | 'colors' | 'components';

export const LABEL_STRATEGIES: readonly LabelStrategy[] = ['attribute', 'colors', 'components'];

export interface LabelOptions {
  /**
   * Vertex attribute holding the label (`attribute` strategy). Default: the first present of
   * `_PART_ID`, `_SEGMENT`, then `_FEATURE_ID_0`, `_FEATURE_ID_1`, … (EXT_mesh_features).
   */
  attribute?: string;
  /** `colors`: at most this many distinct face colours count as a segmentation. Default 64. */
  maxColors?: number;
  /**
   * `colors`: colours within this distance of a palette colour on every channel (0–1 scale) are
   * that colour, so that 8-bit rounding or lossy re-encoding does not split a part.
   * Default 0.02 (5/255).
   */
  colorTolerance?: number;
  /**
   * `components`: vertices closer than this fraction of the mesh's bounding-box diagonal are
   * welded before finding connected pieces (UV and normal seams duplicate positions). Default 1e-4.
   */
  weldTolerance?: number;
  /**
   * `components`: a piece with fewer triangles than this fraction of the mesh's triangles is
   * merged into the nearest larger piece. Default 0.005 (0.5 %).
   */
  minComponentRatio?: number;
  /** `components`: a piece with fewer triangles than this is merged too. Default 16. */
  minComponentTriangles?: number;
}

/** Defaults of {@link LabelOptions}. */
export const LABEL_DEFAULTS: Required<Omit<LabelOptions, 'attribute'>> = Object.freeze({
  maxColors: 64,
  colorTolerance: 0.02,
  weldTolerance: 1e-4,
  minComponentRatio: 0.005,
  minComponentTriangles: 16,
});

/** What {@link findLabelSource} found, for `auto` and for telling the user why. */
export interface LabelSource {
  strategy: LabelStrategy;
  /** The label attribute, for `attribute`. */
  attribute?: string;
  /** Distinct labels over the document's meshes. */
  labelCount: number;
  /** One human sentence: what was found. */
  reason: string;
}
