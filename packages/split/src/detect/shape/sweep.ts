import type { Piece } from './fields.js';

/** The best level-set cut of one field over a piece. */
export interface SweepCut {
  /** Cut score: concavity-weighted cut length / √(smaller side's area). Lower is a better cut. */
  score: number;
  /** Local nodes on the low side of the cut. */
  side: Uint8Array;
}

/**
 * Sweep the level sets of `field` over `piece`: nodes enter the low side in field order, the cut
 * weight is updated from each entering node's edges (O(edges + n log n) in all), and the level
 * with the lowest score whose two sides both have at least `minSide` area wins. The score is a
 * Cheeger-style ratio with the square root of the area so that it has no unit: the same shape at
 * any scale or tessellation gets the same score. Returns null when no level qualifies.
 */
export function sweepCut(piece: Piece, field: Float64Array, minSide: number): SweepCut | null {
  const { n, offsets, targets, costs, mass } = piece;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => field[a]! - field[b]! || a - b);
  let total = 0;
  for (let i = 0; i < n; i++) total += mass[i]!;
  const inside = new Uint8Array(n);
  let cut = 0;
  let low = 0;
  let best = Infinity;
  let bestAt = -1;
  for (let k = 0; k < n - 1; k++) {
    const u = order[k]!;
    inside[u] = 1;
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
      cut += inside[targets[e]!] ? -costs[e]! : costs[e]!;
    }
    low += mass[u]!;
    const small = Math.min(low, total - low);
    if (small < minSide) continue;
    const score = Math.max(cut, 0) / Math.sqrt(small);
    if (score < best) {
      best = score;
      bestAt = k;
    }
  }
  if (bestAt < 0) return null;
  const side = new Uint8Array(n);
  for (let k = 0; k <= bestAt; k++) side[order[k]!] = 1;
  return { score: best, side };
}
