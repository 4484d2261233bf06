/** Options of {@link segmentShape}: how a fused mesh is cut into parts from its geometry alone. */
export interface ShapeOptions {
  /**
   * Exact number of parts wanted. When set, cuts are made best first (lowest cut score) until
   * this many parts exist, whatever `cutThreshold` says, and the smallest parts are merged when
   * there are more (a mesh made of several shells). Fewer parts come back only when no further
   * cut is possible. Default: unset (the shape chooses, see `cutThreshold`).
   */
  targetParts?: number;
  /**
   * Share of the total surface area (0–1) below which a part merges into the neighbour it shares
   * the longest boundary with (the nearest part when it touches none). Default 0.01 (1 %).
   */
  minPartArea?: number;
  /**
   * A cut is made when its score is below this. The score of a cut is its concavity-weighted
   * length divided by the square root of the smaller side's area: dimensionless, independent of
   * scale and tessellation, low for a short or concave boundary around a large region (a limb's
   * root, a handle's ends). Convex folds cost in full: people cut at concave creases. Default 1.2
   * (chosen on the PSB development set, where 1.15–1.3 score alike; see README.md).
   */
  cutThreshold?: number;
  /**
   * Vertices closer than this fraction of the bounding-box diagonal are welded before anything
   * else (UV and normal seams duplicate positions). Default 1e-4, as the components strategy.
   */
  weldTolerance?: number;
  /**
   * Scale of the concavity penalty: an edge whose two faces (or patches) bend inwards by an
   * angle θ keeps exp(−(1 − cos θ) / concavityScale) of its weight. Smaller is stricter.
   * Default 0.04 (a 30° concave fold keeps 3 %, a 10° one 68 %); on the PSB set 0.03 and 0.06
   * score 0.115 and 0.108 against 0.103.
   */
  concavityScale?: number;
  /** The same penalty for convex folds is scaled by this factor (0: convex folds cost nothing). Default 0.1. */
  convexFactor?: number;
  /**
   * The face graph is coarsened into about this many patches before the cuts are searched;
   * patch boundaries follow the faces' creases. Bounds the cost on big meshes, and sets the
   * scale at which broad creases are seen. Default 800.
   */
  patches?: number;
  /** Low-frequency fields per piece whose level sets are tried as cuts. Default 6. */
  fields?: number;
  /** Never more parts than this (a safety bound on very busy shapes). Default 64. */
  maxParts?: number;
  /** Seed of the (deterministic) pseudo-random choices. Default 1. */
  seed?: number;
}

/** {@link ShapeOptions} with every default filled in (`targetParts` stays optional). */
export type ResolvedShapeOptions = Required<Omit<ShapeOptions, 'targetParts'>> &
  Pick<ShapeOptions, 'targetParts'>;

/** Defaults of {@link ShapeOptions}. */
export const SHAPE_DEFAULTS: Readonly<Required<Omit<ShapeOptions, 'targetParts'>>> = Object.freeze({
  minPartArea: 0.01,
  cutThreshold: 1.2,
  weldTolerance: 1e-4,
  concavityScale: 0.04,
  convexFactor: 0.1,
  patches: 800,
  fields: 6,
  maxParts: 64,
  seed: 1,
});

/**
 * Fill defaults and check ranges once, at the boundary (values often come from command-line
 * strings, where a typo becomes NaN).
 * @throws RangeError naming the option.
 */
export function resolveShapeOptions(options: ShapeOptions = {}): ResolvedShapeOptions {
  const resolved: ResolvedShapeOptions = { ...SHAPE_DEFAULTS };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) Object.assign(resolved, { [key]: value });
  }
  const check = (name: keyof ResolvedShapeOptions, ok: (value: number) => boolean, rule: string) => {
    const value = resolved[name];
    if (value === undefined && name === 'targetParts') return;
    if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
      throw new RangeError(`shape option ${name} must be ${rule}, got ${String(value)}`);
    }
  };
  const integer = (min: number) => (v: number) => Number.isInteger(v) && v >= min;
  check('targetParts', integer(1), 'an integer of at least 1');
  check('minPartArea', (v) => v >= 0 && v < 1, 'at least 0 and below 1');
  check('cutThreshold', (v) => v >= 0, 'at least 0');
  check('weldTolerance', (v) => v >= 0 && v <= 1, 'between 0 and 1');
  check('concavityScale', (v) => v > 0, 'above 0');
  check('convexFactor', (v) => v >= 0, 'at least 0');
  check('patches', integer(16), 'an integer of at least 16');
  check('fields', integer(1), 'an integer of at least 1');
  check('maxParts', integer(1), 'an integer of at least 1');
  check('seed', Number.isInteger, 'an integer');
  return resolved;
}
