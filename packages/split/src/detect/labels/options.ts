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

/** {@link LabelOptions} with every default filled in. */
export type ResolvedLabelOptions = Required<Omit<LabelOptions, 'attribute'>> &
  Pick<LabelOptions, 'attribute'>;

/**
 * Fill defaults and check ranges once, at the boundary: these often come from command-line
 * strings, where a typo becomes NaN and would otherwise silently change every comparison.
 * @throws RangeError naming the option.
 */
export function resolveLabelOptions(options: LabelOptions = {}): ResolvedLabelOptions {
  const resolved: ResolvedLabelOptions = { ...LABEL_DEFAULTS };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) Object.assign(resolved, { [key]: value });
  }
  const check = (name: keyof typeof LABEL_DEFAULTS, ok: (value: number) => boolean, rule: string) => {
    const value = resolved[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
      throw new RangeError(`label option ${name} must be ${rule}, got ${String(value)}`);
    }
  };
  check('maxColors', (v) => Number.isInteger(v) && v >= 2, 'an integer of at least 2');
  check('colorTolerance', (v) => v >= 0 && v <= 1, 'between 0 and 1');
  check('weldTolerance', (v) => v >= 0 && v <= 1, 'between 0 and 1');
  check('minComponentRatio', (v) => v >= 0 && v <= 1, 'between 0 and 1');
  check('minComponentTriangles', (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer');
  if (
    resolved.attribute !== undefined &&
    (typeof resolved.attribute !== 'string' || resolved.attribute === '')
  ) {
    throw new RangeError('label option attribute must be a non-empty attribute name');
  }
  return resolved;
}
