import type { Primitive } from '@gltf-transform/core';
import { disjointSets, findRoot } from '../../disjoint-sets.js';
import { type ColorPalette, colorVertexEntries, createColorPalette } from './color-labels.js';
import { triangleListIndices } from './triangles.js';

/**
 * Part colours and blends. Segmenters colour faces; when the vertices are merged afterwards (trimesh
 * writes face colours that way), each vertex carries the AVERAGE of its faces' colours, so every
 * part boundary is lined with blends of two or three part colours: a model of 7 part colours shows
 * dozens of distinct values, a model of 34 shows hundreds. This file tells the two apart and votes
 * each face back to its part:
 *
 * 1. A palette entry is a part colour when some vertex of it is *interior*: every face around it is
 *    flat (its three corners in one entry). A vertex whose faces differ sits on a boundary.
 * 2. An entry with no interior vertex that lies on the segment between two part colours found around
 *    it (at most two faces away), within {@link BLEND_TOLERANCE}, is a blend of those two; failing
 *    that, inside the triangle of three (a junction of three parts, beside a blend of two of them).
 *    Anything else is a part colour too: entries left over that share faces are one part (a sliver
 *    one or two faces wide, whose own colour appears on no vertex: every vertex of it is a blend of
 *    it and its neighbours), named after its most frequent entry.
 * 3. Each face takes the part colour that weighs most over its three corners: a part colour weighs 1
 *    for itself, a blend its mixing weights for its parts. This is the majority of the corners when
 *    two agree, the face's own colour when it is flat, and for a boundary face (A, A/B, A/B') it is
 *    A, whose colour every corner carries. Ties go to the first corner.
 */

/** Most a blend may miss its mixture by, per 8-bit channel: rounding, truncation and clustering noise. */
export const BLEND_TOLERANCE = 6;

/** The colour corners of a triangle list: a palette entry per vertex, and the indices. */
export interface ColorCorners {
  entries: Uint32Array;
  indices: ArrayLike<number>;
}

/** A blend: which part colours it mixes, and how much of each. */
export interface ColorBlend {
  entry: number;
  parts: number[];
  weights: number[];
}

/** What {@link analyseColors} found. */
export interface ColorAnalysis {
  /** Part colours (palette entries), ascending. */
  parts: number[];
  blends: ColorBlend[];
  /** Per palette entry, the part colours it carries with their weights (empty for an unused entry). */
  weights: Array<{ parts: number[]; weights: number[] }>;
  /**
   * The part colours that are slivers (groups of left-over entries): parts, but no evidence that
   * the colours are a segmentation (a gradient is all slivers), so their faces do not count as clean.
   */
  slivers: Set<number>;
}

/**
 * Finds the part colours and the blends over some triangle lists that share `palette`. Returns null
 * when more than `maxParts` part colours are found: the colours are painted or baked, not a
 * segmentation (and blends are not looked for, which would cost more than it could tell).
 */
export function analyseColors(
  corners: readonly ColorCorners[],
  palette: ColorPalette,
  maxParts: number,
): ColorAnalysis | null {
  const size = palette.size;
  // Bit 1: the entry has a vertex used by a flat face; bit 2: by a face that is not flat. An entry
  // has an interior vertex when some vertex has bit 1 alone.
  const interior = new Uint8Array(size);
  const used = new Uint8Array(size);
  for (const { entries, indices } of corners) {
    const flags = new Uint8Array(entries.length);
    for (let i = 0; i < indices.length; i += 3) {
      const a = indices[i]!;
      const b = indices[i + 1]!;
      const c = indices[i + 2]!;
      const flat = entries[a] === entries[b] && entries[a] === entries[c] ? 1 : 2;
      flags[a]! |= flat;
      flags[b]! |= flat;
      flags[c]! |= flat;
    }
    for (let v = 0; v < flags.length; v++) {
      if (flags[v] === 0) continue;
      used[entries[v]!] = 1;
      if (flags[v] === 1) interior[entries[v]!] = 1;
    }
  }
  const isPart = Uint8Array.from(interior);
  let partCount = isPart.reduce((sum, flag) => sum + flag, 0);
  if (partCount > maxParts) return null;
  const candidates: number[] = [];
  for (let e = 0; e < size; e++) if (used[e] && !isPart[e]) candidates.push(e);
  const blends = findBlends(candidates, corners, isPart, palette);
  const blended = new Set(blends.map((blend) => blend.entry));
  const leftOver = candidates.filter((entry) => !blended.has(entry));
  const slivers = groupSlivers(leftOver, corners, size);
  for (const entry of new Set(slivers.values())) {
    isPart[entry] = 1;
    partCount++;
  }
  if (partCount > maxParts) return null;
  const weights: ColorAnalysis['weights'] = Array.from({ length: size }, () => ({ parts: [], weights: [] }));
  const parts: number[] = [];
  for (let e = 0; e < size; e++) {
    if (!isPart[e]) continue;
    parts.push(e);
    weights[e] = { parts: [e], weights: [1] };
  }
  for (const blend of blends) weights[blend.entry] = { parts: blend.parts, weights: blend.weights };
  for (const [entry, part] of slivers) weights[entry] = { parts: [part], weights: [1] };
  return { parts, blends, weights, slivers: new Set(slivers.values()) };
}

/**
 * Left-over entries (no interior vertex, no blend) grouped by the faces they share: each group is
 * one part, represented by its entry with the most vertices. Returns entry → representative.
 */
function groupSlivers(
  leftOver: readonly number[],
  corners: readonly ColorCorners[],
  size: number,
): Map<number, number> {
  const groups = new Map<number, number>();
  if (leftOver.length === 0) return groups;
  const isLeft = new Uint8Array(size);
  for (const entry of leftOver) isLeft[entry] = 1;
  const root = disjointSets(size);
  const find = (x: number): number => findRoot(root, x);
  const vertices = new Uint32Array(size);
  for (const { entries, indices } of corners) {
    for (const entry of entries) if (isLeft[entry]) vertices[entry]! += 1;
    for (let i = 0; i < indices.length; i += 3) {
      const a = entries[indices[i]!]!;
      const b = entries[indices[i + 1]!]!;
      const c = entries[indices[i + 2]!]!;
      if (isLeft[a] && isLeft[b]) root[find(b)] = find(a);
      if (isLeft[a] && isLeft[c]) root[find(c)] = find(a);
      if (isLeft[b] && isLeft[c]) root[find(c)] = find(b);
    }
  }
  const best = new Map<number, number>();
  for (const entry of leftOver) {
    const group = find(entry);
    const current = best.get(group);
    if (
      current === undefined ||
      vertices[entry]! > vertices[current]! ||
      (vertices[entry] === vertices[current] && entry < current)
    )
      best.set(group, entry);
  }
  for (const entry of leftOver) groups.set(entry, best.get(find(entry))!);
  return groups;
}

/** The blends among `candidates` (entries without an interior vertex). */
function findBlends(
  candidates: readonly number[],
  corners: readonly ColorCorners[],
  isPart: Uint8Array,
  palette: ColorPalette,
): ColorBlend[] {
  if (candidates.length === 0) return [];
  // Entries that share a face with each candidate.
  const isCandidate = new Set(candidates);
  const around = new Map<number, Set<number>>(candidates.map((entry) => [entry, new Set<number>()]));
  for (const { entries, indices } of corners) {
    for (let i = 0; i < indices.length; i += 3) {
      const a = entries[indices[i]!]!;
      const b = entries[indices[i + 1]!]!;
      const c = entries[indices[i + 2]!]!;
      if (a === b && a === c) continue;
      for (const [x, y] of [
        [a, b],
        [b, c],
        [c, a],
      ] as const) {
        if (x === y) continue;
        if (isCandidate.has(x)) around.get(x)!.add(y);
        if (isCandidate.has(y)) around.get(y)!.add(x);
      }
    }
  }
  // Part colours within two faces of each candidate (a junction vertex's neighbours are blends).
  const nearParts = (entry: number): number[] => {
    const found = new Set<number>();
    for (const near of around.get(entry)!) {
      if (isPart[near]) found.add(near);
      else for (const far of around.get(near) ?? []) if (isPart[far]) found.add(far);
    }
    return [...found].sort((a, b) => a - b);
  };
  const rgb = (entry: number) => palette.rgbOf(entry);
  const blends: ColorBlend[] = [];
  const pairBlends = new Map<number, ColorBlend>();
  const rest: Array<[number, number[]]> = [];
  for (const entry of candidates) {
    const parts = nearParts(entry);
    const blend = bestPair(entry, rgb(entry), parts, rgb);
    if (blend) {
      blends.push(blend);
      pairBlends.set(entry, blend);
    } else rest.push([entry, parts]);
  }
  for (const [entry, parts] of rest) {
    // A junction of three parts lies beside the boundaries of two of them.
    const pairsAround = [...around.get(entry)!].flatMap((near) => {
      const pair = pairBlends.get(near);
      return pair ? [pair.parts] : [];
    });
    const blend = bestTriple(entry, rgb(entry), parts.slice(0, 12), rgb, (triple) =>
      pairsAround.some((pair) => pair.every((part) => triple.includes(part))),
    );
    if (blend) blends.push(blend);
  }
  return blends;
}

type Rgb = [number, number, number];

/** The pair of part colours that `colour` lies between (weights both in [0.02, 0.98]), best fit first. */
function bestPair(
  entry: number,
  colour: Rgb,
  parts: readonly number[],
  rgb: (entry: number) => Rgb,
): ColorBlend | null {
  let best: ColorBlend | null = null;
  let bestError = BLEND_TOLERANCE;
  for (let i = 0; i < parts.length; i++) {
    for (let j = i + 1; j < parts.length; j++) {
      const a = rgb(parts[i]!);
      const b = rgb(parts[j]!);
      const ab = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
      const length = ab[0]! ** 2 + ab[1]! ** 2 + ab[2]! ** 2;
      if (length === 0) continue;
      const t =
        ((colour[0] - b[0]) * ab[0]! + (colour[1] - b[1]) * ab[1]! + (colour[2] - b[2]) * ab[2]!) / length;
      if (t < 0.02 || t > 0.98) continue;
      const error = Math.max(
        Math.abs(colour[0] - (b[0] + t * ab[0]!)),
        Math.abs(colour[1] - (b[1] + t * ab[1]!)),
        Math.abs(colour[2] - (b[2] + t * ab[2]!)),
      );
      if (error <= bestError) {
        bestError = error;
        best = { entry, parts: [parts[i]!, parts[j]!], weights: [t, 1 - t] };
      }
    }
  }
  return best;
}

/** The triple of part colours whose triangle holds `colour` (weights ≥ 0.02), if `accept` takes it. */
function bestTriple(
  entry: number,
  colour: Rgb,
  parts: readonly number[],
  rgb: (entry: number) => Rgb,
  accept: (triple: number[]) => boolean,
): ColorBlend | null {
  let best: ColorBlend | null = null;
  let bestError = BLEND_TOLERANCE;
  for (let i = 0; i < parts.length; i++) {
    for (let j = i + 1; j < parts.length; j++) {
      for (let k = j + 1; k < parts.length; k++) {
        const triple = [parts[i]!, parts[j]!, parts[k]!];
        const [a, b, c] = triple.map(rgb) as [Rgb, Rgb, Rgb];
        // colour − c = α (a − c) + β (b − c), least squares over the three channels.
        const u = [a[0] - c[0], a[1] - c[1], a[2] - c[2]];
        const v = [b[0] - c[0], b[1] - c[1], b[2] - c[2]];
        const w = [colour[0] - c[0], colour[1] - c[1], colour[2] - c[2]];
        const uu = dot(u, u);
        const uv = dot(u, v);
        const vv = dot(v, v);
        const det = uu * vv - uv * uv;
        if (Math.abs(det) < 1e-9) continue;
        const alpha = (dot(w, u) * vv - dot(w, v) * uv) / det;
        const beta = (dot(w, v) * uu - dot(w, u) * uv) / det;
        const gamma = 1 - alpha - beta;
        if (alpha < 0.02 || beta < 0.02 || gamma < 0.02) continue;
        let error = 0;
        for (let axis = 0; axis < 3; axis++)
          error = Math.max(error, Math.abs(w[axis]! - alpha * u[axis]! - beta * v[axis]!));
        if (error <= bestError && accept(triple)) {
          bestError = error;
          best = { entry, parts: triple, weights: [alpha, beta, gamma] };
        }
      }
    }
  }
  return best;
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
}

/** Per-triangle part colours, and how many triangles are clean (see {@link voteTriangleColors}). */
export interface ColorVote {
  /** The part colour (palette entry) of each triangle. */
  labels: Float64Array;
  /**
   * Triangles whose three corners all carry the colour they were given (as themselves or in a
   * blend): every triangle of a colour-coded model, blended or not; few of a painted one.
   */
  clean: number;
}

/**
 * Each triangle's part colour: the one that weighs most over its three corners (see the top of this
 * file). Two corners of one part colour decide at once; the weighing is for boundary faces.
 */
export function voteTriangleColors({ entries, indices }: ColorCorners, analysis: ColorAnalysis): ColorVote {
  const { weights, slivers } = analysis;
  const isPart = new Uint8Array(weights.length);
  for (const part of analysis.parts) isPart[part] = 1;
  for (const sliver of slivers) isPart[sliver] = 2;
  const labels = new Float64Array(indices.length / 3);
  const score = new Map<number, number>();
  let clean = 0;
  for (let t = 0; t < labels.length; t++) {
    const a = entries[indices[3 * t]!]!;
    const b = entries[indices[3 * t + 1]!]!;
    const c = entries[indices[3 * t + 2]!]!;
    if ((a === b || a === c) && isPart[a] === 1) {
      labels[t] = a;
      if ((a === b && a === c) || carries(weights, b === a ? c : b, a)) clean++;
      continue;
    }
    if (b === c && isPart[b] === 1) {
      labels[t] = b;
      if (carries(weights, a, b)) clean++;
      continue;
    }
    // (A sliver's entries map to their group's part through `weights`, like blends.)
    score.clear();
    let best = weights[a]!.parts[0] ?? a;
    let bestScore = -1;
    for (const corner of [a, b, c]) {
      const { parts, weights: w } = weights[corner]!;
      for (let i = 0; i < parts.length; i++) {
        const value = (score.get(parts[i]!) ?? 0) + w[i]!;
        score.set(parts[i]!, value);
      }
    }
    // The first corner's parts first, so that a tie goes to the first corner.
    for (const corner of [a, b, c]) {
      for (const part of weights[corner]!.parts) {
        const value = score.get(part)!;
        if (value > bestScore + 1e-9) {
          best = part;
          bestScore = value;
        }
      }
    }
    labels[t] = best;
    if (
      isPart[best] === 1 &&
      carries(weights, a, best) &&
      carries(weights, b, best) &&
      carries(weights, c, best)
    )
      clean++;
  }
  return { labels, clean };
}

/** Whether entry `entry` carries part colour `part` (is it, or blends it). */
function carries(weights: ColorAnalysis['weights'], entry: number, part: number): boolean {
  return weights[entry]!.parts.includes(part);
}

/** Every face's part colour over some primitives, with what was found (see {@link voteColors}). */
export interface ColorVotes {
  /** Per primitive with COLOR_0, the part colour (palette entry) of each triangle. */
  labels: Map<Primitive, Float64Array>;
  /** `color_rrggbb` of a palette entry. */
  name: (entry: number) => string;
  analysis: ColorAnalysis;
  /** Triangles whose corners all carry their colour (see {@link ColorVote}), and all triangles. */
  clean: number;
  triangles: number;
}

/**
 * Part colours voted per face over `primitives` (one palette for all): the whole of the `colors`
 * strategy's reading, shared by `auto`'s decision (findLabelSource) and the split itself, which
 * takes these votes as they are instead of reading the colours twice. Null when no primitive has
 * COLOR_0 or the colours are not a segmentation (more than `maxParts` part colours).
 */
export function voteColors(
  primitives: readonly Primitive[],
  tolerance: number,
  maxParts: number,
): ColorVotes | null {
  const palette = createColorPalette(tolerance);
  const corners = new Map<Primitive, ColorCorners>();
  for (const primitive of primitives) {
    const entries = colorVertexEntries(primitive, palette);
    if (entries) corners.set(primitive, { entries, indices: triangleListIndices(primitive) });
  }
  if (corners.size === 0) return null;
  const analysis = analyseColors([...corners.values()], palette, maxParts);
  if (!analysis) return null;
  const labels = new Map<Primitive, Float64Array>();
  let clean = 0;
  let triangles = 0;
  for (const [primitive, corner] of corners) {
    const vote = voteTriangleColors(corner, analysis);
    labels.set(primitive, vote.labels);
    clean += vote.clean;
    triangles += vote.labels.length;
  }
  return { labels, name: (entry) => palette.nameOf(entry), analysis, clean, triangles };
}
