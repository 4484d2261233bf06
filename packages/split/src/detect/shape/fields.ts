import { createRandom } from './random.js';

/** A piece of the patch graph with local node numbers (compressed rows, both directions). */
export interface Piece {
  n: number;
  offsets: Int32Array;
  targets: Int32Array;
  weights: Float64Array;
  /** Cost of cutting each edge (what a sweep adds up). */
  costs: Float64Array;
  /** Area of each node: the mass of the generalized eigenproblem. */
  mass: Float64Array;
}

/**
 * The `count` lowest non-constant vibration modes of a piece of surface: approximate solutions of
 * the generalized eigenproblem L x = λ M x, with L the graph Laplacian of the affinities and M the
 * node areas (a discrete Laplace–Beltrami operator whose edges are weakened across concave folds).
 * Their level sets are the candidate cuts: low modes change fastest across narrow necks and
 * concave creases, and hardly at all inside a part.
 *
 * Lanczos with full reorthogonalisation on M^(-1/2) L M^(-1/2), deflated of the constant mode,
 * for at most `steps` steps; the Ritz vectors are accurate enough for level sets (a sweep only
 * needs their order). Cost O(steps² × n); written here because no maintained npm package offers
 * a sparse symmetric eigensolver for smallest eigenvalues (ml-matrix is dense, O(n³)).
 */
export function lowFields(piece: Piece, count: number, steps: number, seed: number): Float64Array[] {
  const { n, offsets, targets, weights, mass } = piece;
  if (n < 3) return [];
  const root = new Float64Array(n);
  let totalMass = 0;
  for (let i = 0; i < n; i++) totalMass += mass[i]!;
  const floor = (totalMass / n) * 1e-6 + 1e-300;
  for (let i = 0; i < n; i++) root[i] = Math.sqrt(Math.max(mass[i]!, floor));
  const apply = (x: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) {
      const xi = x[i]! / root[i]!;
      let sum = 0;
      for (let e = offsets[i]!; e < offsets[i + 1]!; e++)
        sum += weights[e]! * (xi - x[targets[e]!]! / root[targets[e]!]!);
      out[i] = sum / root[i]!;
    }
  };
  const trivial = Float64Array.from(root);
  normalize(trivial);
  const m = Math.min(steps, n - 1);
  const basis: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  const random = createRandom(seed);
  let q = new Float64Array(n);
  for (let i = 0; i < n; i++) q[i] = random() - 0.5;
  orthogonalize(q, [trivial]);
  if (normalize(q) === 0) return [];
  const w = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    basis.push(q);
    apply(q, w);
    alpha.push(dot(q, w));
    // Full reorthogonalisation against the whole basis (one pass: a second changed no PSB score
    // and doubled this loop's cost), which keeps the basis orthogonal in floating point.
    orthogonalize(w, basis);
    orthogonalize(w, [trivial]);
    const b = normalize(w);
    if (j === m - 1 || !(b > 1e-10 * (Math.abs(alpha[j]!) + 1e-300))) break;
    beta.push(b);
    q = Float64Array.from(w);
  }
  const k = basis.length;
  const diagonal = alpha.slice(0, k);
  const offDiagonal = beta.slice(0, k - 1);
  const values = tridiagonalEigenvalues(diagonal, offDiagonal).sort((a, b) => a - b);
  const fields: Float64Array[] = [];
  for (const value of values.slice(0, Math.min(count, k))) {
    const coefficients = tridiagonalEigenvector(diagonal, offDiagonal, value, random);
    const field = new Float64Array(n);
    for (let j = 0; j < k; j++) {
      const c = coefficients[j]!;
      if (c === 0) continue;
      const v = basis[j]!;
      for (let i = 0; i < n; i++) field[i]! += c * v[i]!;
    }
    for (let i = 0; i < n; i++) field[i] = field[i]! / root[i]!;
    fields.push(field);
  }
  return fields;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function normalize(a: Float64Array): number {
  const length = Math.sqrt(dot(a, a));
  if (length > 0) for (let i = 0; i < a.length; i++) a[i] = a[i]! / length;
  return length;
}

function orthogonalize(a: Float64Array, against: readonly Float64Array[]): void {
  for (const b of against) {
    const c = dot(a, b);
    for (let i = 0; i < a.length; i++) a[i] = a[i]! - c * b[i]!;
  }
}

/**
 * Eigenvalues of a symmetric tridiagonal matrix (diagonal `d`, off-diagonal `e`) by the implicit
 * QL method with Wilkinson shifts, without accumulating eigenvectors: O(k²) instead of O(k³). The
 * few eigenvectors needed are then found by {@link tridiagonalEigenvector}. (Profiling a 50k-face
 * mesh showed the full k × k eigenvector accumulation as the largest cost of the segmenter.)
 */
export function tridiagonalEigenvalues(d: readonly number[], e: readonly number[]): number[] {
  const n = d.length;
  const values = d.slice();
  const off = [...e, 0];
  for (let l = 0; l < n; l++) {
    let iterations = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(values[m]!) + Math.abs(values[m + 1]!);
        if (Math.abs(off[m]!) <= Number.EPSILON * dd) break;
      }
      if (m === l || iterations++ > 60) break;
      let g = (values[l + 1]! - values[l]!) / (2 * off[l]!);
      let r = Math.hypot(g, 1);
      g = values[m]! - values[l]! + off[l]! / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        const f = s * off[i]!;
        const b = c * off[i]!;
        r = Math.hypot(f, g);
        off[i + 1] = r;
        if (r === 0) {
          values[i + 1]! -= p;
          off[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = values[i + 1]! - p;
        r = (values[i]! - g) * s + 2 * c * b;
        p = s * r;
        values[i + 1] = g + p;
        g = c * r - b;
      }
      if (r === 0 && i >= l) continue;
      values[l]! -= p;
      off[l] = g;
      off[m] = 0;
    }
  }
  return values;
}

/**
 * The unit eigenvector of a symmetric tridiagonal matrix for a known eigenvalue, by inverse
 * iteration: three solves of (T − (λ + δ)I) x = b with the Thomas algorithm (O(k) each), δ a
 * tiny shift that keeps the system solvable.
 */
export function tridiagonalEigenvector(
  d: readonly number[],
  e: readonly number[],
  value: number,
  random: () => number,
): Float64Array {
  const n = d.length;
  let scale = 0;
  for (let i = 0; i < n; i++)
    scale = Math.max(scale, Math.abs(d[i]!) + Math.abs(e[i] ?? 0) + Math.abs(e[i - 1] ?? 0));
  const shift = value + (scale || 1) * 1e-10;
  let x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = random() - 0.5;
  const c = new Float64Array(n);
  const y = new Float64Array(n);
  for (let iteration = 0; iteration < 3; iteration++) {
    // Forward sweep, then back substitution (no pivoting: the shift keeps pivots away from 0
    // except in pathological cases, which the floor below absorbs).
    let pivot = d[0]! - shift;
    if (Math.abs(pivot) < 1e-300) pivot = 1e-300;
    c[0] = (e[0] ?? 0) / pivot;
    y[0] = x[0]! / pivot;
    for (let i = 1; i < n; i++) {
      pivot = d[i]! - shift - e[i - 1]! * c[i - 1]!;
      if (Math.abs(pivot) < 1e-300) pivot = 1e-300;
      c[i] = (e[i] ?? 0) / pivot;
      y[i] = (x[i]! - e[i - 1]! * y[i - 1]!) / pivot;
    }
    const next = new Float64Array(n);
    next[n - 1] = y[n - 1]!;
    for (let i = n - 2; i >= 0; i--) next[i] = y[i]! - c[i]! * next[i + 1]!;
    let length = 0;
    for (let i = 0; i < n; i++) length += next[i]! * next[i]!;
    length = Math.sqrt(length);
    if (!(length > 0) || !Number.isFinite(length)) break;
    for (let i = 0; i < n; i++) next[i] = next[i]! / length;
    x = next;
  }
  return x;
}
