import { lowFields } from './fields.js';
import type { SurfaceGraph } from './graph.js';
import { pieceOf, sideComponents } from './pieces.js';
import { type SweepCut, sweepCut } from './sweep.js';

/** Settings of {@link cutPieces}. */
export interface CutSettings {
  /** Cut while the best cut scores below this (ignored when `targetParts` is set). */
  cutThreshold: number;
  /** Cut best first until this many pieces exist. */
  targetParts: number | undefined;
  /** Neither side of a cut may have less area than this. */
  minSide: number;
  fields: number;
  maxParts: number;
  seed: number;
}

/** Pieces found by {@link cutPieces}. */
export interface CutPieces {
  /** Per graph node, its piece. */
  pieceOf: Int32Array;
  count: number;
  /** Connected pieces (shells) the graph started with. */
  shells: number;
  /** Scores of the cuts made, in order. */
  cuts: number[];
  /** Score of the best cut not made (null when no cut was possible). */
  nextCutScore: number | null;
}

interface Candidate {
  nodes: Int32Array;
  area: number;
  cut: SweepCut | null;
}

/**
 * Lanczos steps per piece. On the PSB development set with the other defaults: 60 steps 0.1075,
 * 100 and 150 both 0.1028 (the same parts on 18 of 19 meshes); 80 steps at the first settings
 * tried left the modes too rough. Cost O(steps² × patches) per piece.
 */
const LANCZOS_STEPS = 100;

/**
 * Recursive spectral cutting. Every connected piece of the graph starts as a piece; each piece's
 * best cut is the best level-set sweep over its lowest `fields` vibration modes; the piece whose
 * best cut scores lowest is cut, its sides split into connected components (fragments below
 * `minSide` rejoin the neighbour they share the most boundary with), and the new pieces get
 * their own modes. Stops when the best cut scores `cutThreshold` or more, or, with
 * `targetParts`, when that many pieces exist.
 */
export function cutPieces(
  graph: SurfaceGraph,
  weights: Float64Array,
  costs: Float64Array,
  settings: CutSettings,
): CutPieces {
  const local = new Int32Array(graph.n).fill(-1);
  const whole = new Int32Array(graph.n);
  for (let i = 0; i < graph.n; i++) whole[i] = i;
  const all = pieceOf(graph, weights, costs, whole, local);
  const shells = sideComponents(all, new Uint8Array(graph.n));
  const candidates: Candidate[] = groups(whole, shells.component, shells.count).map((nodes) =>
    candidateOf(nodes),
  );
  const cuts: number[] = [];
  const wanted = settings.targetParts ?? Infinity;
  for (;;) {
    // Specks (separate shells below minSide) will be merged away: they do not count as parts.
    const parts = candidates.filter((candidate) => candidate.area >= settings.minSide).length;
    if (parts >= Math.min(wanted, settings.maxParts)) break;
    let best = -1;
    for (let c = 0; c < candidates.length; c++) {
      const cut = candidates[c]!.cut;
      if (cut && (best < 0 || cut.score < candidates[best]!.cut!.score)) best = c;
    }
    if (best < 0) break;
    const chosen = candidates[best]!;
    if (settings.targetParts === undefined && chosen.cut!.score >= settings.cutThreshold) break;
    const sides = splitCandidate(chosen);
    if (sides.length < 2) {
      // Every side was a fragment that rejoined the rest: this cut makes no part.
      chosen.cut = null;
      continue;
    }
    cuts.push(chosen.cut!.score);
    candidates.splice(best, 1, ...sides.map(candidateOf));
  }
  let nextCutScore: number | null = null;
  for (const candidate of candidates) {
    const score = candidate.cut?.score;
    if (score !== undefined && (nextCutScore === null || score < nextCutScore)) nextCutScore = score;
  }
  const pieceOfNode = new Int32Array(graph.n);
  candidates.forEach((candidate, c) => {
    for (const u of candidate.nodes) pieceOfNode[u] = c;
  });
  return { pieceOf: pieceOfNode, count: candidates.length, shells: shells.count, cuts, nextCutScore };

  function candidateOf(nodes: Int32Array): Candidate {
    let area = 0;
    for (const u of nodes) area += graph.area[u]!;
    if (area < 2 * settings.minSide || nodes.length < 3) return { nodes, area, cut: null };
    const piece = pieceOf(graph, weights, costs, nodes, local);
    let best: SweepCut | null = null;
    for (const field of lowFields(piece, settings.fields, LANCZOS_STEPS, settings.seed)) {
      const cut = sweepCut(piece, field, settings.minSide);
      if (cut && (!best || cut.score < best.score)) best = cut;
    }
    return { nodes, area, cut: best };
  }

  function splitCandidate(candidate: Candidate): Int32Array[] {
    const piece = pieceOf(graph, weights, costs, candidate.nodes, local);
    const { component, count } = sideComponents(piece, candidate.cut!.side);
    // Fragments too small to be parts rejoin the component they share the most boundary with.
    const area = new Float64Array(count);
    for (let i = 0; i < piece.n; i++) area[component[i]!]! += piece.mass[i]!;
    const target = new Int32Array(count);
    for (let c = 0; c < count; c++) target[c] = c;
    const order = Array.from({ length: count }, (_, c) => c).sort((a, b) => area[a]! - area[b]! || a - b);
    for (const c of order) {
      if (area[c]! >= settings.minSide) continue;
      const shared = new Map<number, number>();
      for (let i = 0; i < piece.n; i++) {
        if (component[i] !== c) continue;
        for (let e = piece.offsets[i]!; e < piece.offsets[i + 1]!; e++) {
          const d = resolve(target, component[piece.targets[e]!]!);
          if (d !== c) shared.set(d, (shared.get(d) ?? 0) + piece.weights[e]! + 1e-300);
        }
      }
      let into = -1;
      for (const [d, length] of shared) if (into < 0 || length > shared.get(into)!) into = d;
      if (into >= 0) {
        target[c] = into;
        area[into]! += area[c]!;
      }
    }
    const labels = new Int32Array(piece.n);
    for (let i = 0; i < piece.n; i++) labels[i] = resolve(target, component[i]!);
    return groups(candidate.nodes, labels, count).filter((nodes) => nodes.length > 0);
  }
}

function resolve(target: Int32Array, c: number): number {
  let at = c;
  while (target[at] !== at) at = target[at]!;
  return at;
}

/** `nodes` grouped by `labels` (0…count-1, one per node, in the same order). */
function groups(nodes: Int32Array, labels: Int32Array, count: number): Int32Array[] {
  const sizes = new Int32Array(count);
  for (let i = 0; i < nodes.length; i++) sizes[labels[i]!]!++;
  const out = Array.from(sizes, (size) => new Int32Array(size));
  const fill = new Int32Array(count);
  for (let i = 0; i < nodes.length; i++) {
    const c = labels[i]!;
    out[c]![fill[c]!++] = nodes[i]!;
  }
  return out;
}
