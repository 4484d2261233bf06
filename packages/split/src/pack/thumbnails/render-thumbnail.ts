import type { DecodedImage } from '../../images/index.js';
import { frameFromPasses, frameThumbnail, type ThumbnailFrame, usedVertices } from './camera.js';
import { ownedMesh, placedMeshes } from './placement.js';
import { PreparedMesh } from './prepared-mesh.js';
import { drawTriangles } from './rasterizer.js';
import { drawShadedQuad, drawsShadedQuad } from './rasterizer-shaded.js';
import type { RenderTarget } from './render-target.js';
import { ThumbnailCache } from './thumbnail-cache.js';
import type { ThumbnailMesh, ThumbnailScene, ThumbnailSceneStream } from './thumbnail-scene.js';

/** Options for {@link renderThumbnail}. */
export interface RenderThumbnailOptions {
  /** Width and height of the image in pixels, 1–4096. Default 256. */
  size?: number;
  /**
   * Anti-aliasing: each pixel has supersample² coverage and depth samples (a supersample × supersample
   * grid) and averages them; a triangle is shaded once per pixel (multisampling). 1 (off) to 4.
   * Default 2.
   */
  supersample?: number;
  /**
   * Texture mip chains and sample buffers shared by successive renders: pass one per model (and
   * thread) so that a texture shared by many parts is reduced once and buffers are not reallocated.
   * Default: a cache for this call only.
   */
  cache?: ThumbnailCache;
}

export const RENDER_THUMBNAIL_DEFAULTS: Readonly<Required<Omit<RenderThumbnailOptions, 'cache'>>> =
  Object.freeze({ size: 256, supersample: 2 });

/** Largest image {@link renderThumbnail} draws. */
export const MAX_THUMBNAIL_SIZE = 2048;

/** Largest size × supersample: the sample buffers hold 8 bytes per sample (128 MB at 4096²). */
export const MAX_THUMBNAIL_SAMPLES = 4096;

/**
 * Renders a scene as a square RGBA image: the fixed three-quarter camera of `THUMBNAIL_CAMERA`
 * framed on the scene, a transparent background, a z-buffer, the light rig of `THUMBNAIL_LIGHTS`,
 * base colour from the factor, vertex colours and a mip-mapped bilinear texture, sRGB output with
 * straight alpha. Opaque and masked triangles first, then blended ones from far to near.
 * Anti-aliased by multisampling: supersample² coverage, depth and colour samples per pixel, a
 * triangle shaded once per pixel. A scene with nothing to draw gives a fully transparent image.
 * Pure: no I/O, no global state.
 */
export function renderThumbnail(scene: ThumbnailScene, options: RenderThumbnailOptions = {}): DecodedImage {
  const size = options.size ?? RENDER_THUMBNAIL_DEFAULTS.size;
  const target = drawThumbnail(scene, options);
  return target ? target.resolve() : { width: size, height: size, data: new Uint8Array(size * size * 4) };
}

/**
 * Draws a scene as {@link renderThumbnail} does into the cache's render target, left unresolved (the
 * next drawing with that cache reuses it: resolve it first), or returns null when there is nothing
 * to draw. Throws RangeError for sizes it cannot draw.
 */
export function drawThumbnail(
  scene: ThumbnailScene,
  options: RenderThumbnailOptions = {},
): RenderTarget | null {
  const { size, supersample, cache } = checkedOptions(options);
  // Meshes with a matrix are placed into the cache's memory (valid until the next drawing with it).
  const meshes = placedMeshes(scene.meshes, cache.placement);
  const used = meshes.map(usedVertices);
  // Framed in samples: vertices are snapped to 1/16 of a sample.
  const frame = frameThumbnail({ meshes }, size * supersample, used);
  if (!frame) return null;

  const target = cache.target(size, supersample);
  const blended: PreparedMesh[] = [];
  meshes.forEach((mesh, m) => {
    drawMesh(target, mesh, frame, used[m]!, cache, blended);
  });
  if (blended.length > 0) drawBlended(target, blended);
  return target;
}

/**
 * {@link drawThumbnail} for a scene read mesh by mesh: it is read three times (framed in two passes,
 * then drawn), each mesh placed into the cache's memory and let go, so that a model of hundreds of
 * meshes is drawn without being held or copied whole (only blended meshes are kept, to be sorted).
 * The same picture as drawThumbnail of the same meshes, bit for bit (tested).
 */
export function drawThumbnailStream(
  stream: ThumbnailSceneStream,
  options: RenderThumbnailOptions = {},
): RenderTarget | null {
  return new StreamedThumbnail(stream, options).finish();
}

/**
 * {@link drawThumbnailStream} a slice at a time: framed when made (two passes over the whole
 * stream), then drawn unit by unit as {@link drawTo} is asked, in order, and {@link finish}ed. Why:
 * the byte-level split draws its whole model between parts on the splitting thread while a worker
 * draws the parts (pack-previews.ts), instead of after them with the worker idle. Its cache (the
 * options', or its own) holds the drawing until finish: draw nothing else with it meanwhile.
 */
export class StreamedThumbnail {
  readonly cache: ThumbnailCache;
  /** The picture's width and height in pixels. */
  readonly size: number;
  /** The stream's units (drawTo's range). */
  readonly units: number;
  readonly #stream: ThumbnailSceneStream;
  readonly #frame: ThumbnailFrame | null;
  readonly #target: RenderTarget | null;
  readonly #blended: PreparedMesh[] = [];
  /**
   * Each mesh's used vertices (usedVertices), in the stream's order, found in the first pass and kept
   * for the other two (a byte per vertex: 0.9 MB for nodes-500, ~0.1 s less than finding them thrice).
   */
  readonly #used: Uint8Array[] = [];
  /** Where each unit's meshes start in {@link #used} (units + 1 entries), from the first pass. */
  readonly #meshStart: Uint32Array;
  /** Units drawn so far. */
  #drawn = 0;

  /** Frames `stream` (reading it twice); throws RangeError for sizes it cannot draw. */
  constructor(stream: ThumbnailSceneStream, options: RenderThumbnailOptions = {}) {
    const { size, supersample, cache } = checkedOptions(options);
    this.cache = cache;
    this.size = size;
    this.units = stream.units;
    this.#stream = stream;
    this.#meshStart = new Uint32Array(stream.units + 1);
    this.#frame = frameFromPasses((visit) => this.#pass(visit, 0, stream.units), size * supersample);
    this.#target = this.#frame ? cache.target(size, supersample) : null;
  }

  /** Draws the units up to `units` (exclusive, at most the stream's) that are not drawn yet. */
  drawTo(units: number): void {
    const to = Math.min(units, this.#stream.units);
    if (to <= this.#drawn) return;
    const from = this.#drawn;
    this.#drawn = to;
    const target = this.#target;
    const frame = this.#frame;
    if (!target || !frame) return;
    // A blended mesh is kept to be sorted with the others: copied out of the stream's memory.
    const draw = (mesh: ThumbnailMesh, used: Uint8Array) =>
      drawMesh(
        target,
        mesh.alphaMode === 'BLEND' ? ownedMesh(mesh) : mesh,
        frame,
        used,
        this.cache,
        this.#blended,
      );
    this.#pass(draw, from, to);
  }

  /** Draws what is left and the blended meshes: the target to resolve, or null when nothing can be drawn. */
  finish(): RenderTarget | null {
    this.drawTo(this.#stream.units);
    if (this.#target && this.#blended.length > 0) drawBlended(this.#target, this.#blended.splice(0));
    return this.#target;
  }

  /**
   * Units `from` … `to` − 1 of the stream, unit by unit, each mesh placed into the cache's memory,
   * with its used vertices (found on the first pass, when {@link #used} is still short of them).
   */
  #pass(visit: (mesh: ThumbnailMesh, used: Uint8Array) => void, from: number, to: number): void {
    const used = this.#used;
    const starts = this.#meshStart;
    for (let unit = from; unit < to; unit++) {
      const first = used.length <= starts[unit]!;
      let at = starts[unit]!;
      this.#stream.forEachMesh(
        (mesh) => {
          const placed = placedMeshes([mesh], this.cache.placement)[0]!;
          if (first) used.push(usedVertices(placed));
          visit(placed, used[at++]!);
        },
        unit,
        unit + 1,
      );
      if (first) starts[unit + 1] = at;
    }
  }
}

/** The size, samples and cache of a drawing; throws RangeError for sizes it cannot draw. */
function checkedOptions(options: RenderThumbnailOptions): {
  size: number;
  supersample: number;
  cache: ThumbnailCache;
} {
  const size = options.size ?? RENDER_THUMBNAIL_DEFAULTS.size;
  const supersample = options.supersample ?? RENDER_THUMBNAIL_DEFAULTS.supersample;
  if (!Number.isInteger(size) || size < 1 || size > MAX_THUMBNAIL_SIZE)
    throw new RangeError(`thumbnail size must be an integer from 1 to ${MAX_THUMBNAIL_SIZE}, got ${size}`);
  if (!Number.isInteger(supersample) || supersample < 1 || supersample > 4)
    throw new RangeError(`thumbnail supersample must be an integer from 1 to 4, got ${supersample}`);
  if (size * supersample > MAX_THUMBNAIL_SAMPLES)
    throw new RangeError(
      `thumbnail size × supersample must be at most ${MAX_THUMBNAIL_SAMPLES}, got ${size * supersample}`,
    );
  return { size, supersample, cache: options.cache ?? new ThumbnailCache() };
}

/**
 * Draws one placed, opaque or masked mesh now, or keeps a blended one in `blended` (drawn after every
 * opaque mesh: its arrays must last until then).
 */
function drawMesh(
  target: RenderTarget,
  mesh: ThumbnailMesh,
  frame: ThumbnailFrame,
  used: Uint8Array,
  cache: ThumbnailCache,
  blended: PreparedMesh[],
): void {
  if (mesh.indices.length < 3) return;
  if (mesh.alphaMode === 'BLEND') {
    blended.push(new PreparedMesh(mesh, frame, used, cache.mipmaps));
    return;
  }
  const prepared = new PreparedMesh(mesh, frame, used, cache.mipmaps, cache.vertices, cache.shades);
  const count = Math.floor(mesh.indices.length / 3);
  if (drawsShadedQuad(target, prepared)) drawShadedQuad(target, prepared, 0, count);
  else drawTriangles(target, prepared, null, 0, count);
}

/** Blended triangles of every mesh, sorted far to near by their centroid's inverse depth, composited. */
function drawBlended(target: RenderTarget, meshes: PreparedMesh[]): void {
  let total = 0;
  for (const mesh of meshes) total += Math.floor(mesh.mesh.indices.length / 3);
  // Sort keys and (mesh, triangle) pairs in typed arrays: no object per triangle.
  const keys = new Float64Array(total);
  const meshOf = new Uint32Array(total);
  const triangleOf = new Uint32Array(total);
  let i = 0;
  meshes.forEach((mesh, m) => {
    const { indices } = mesh.mesh;
    const inverseDepth = mesh.inverseDepth;
    for (let t = 0; t < Math.floor(indices.length / 3); t++, i++) {
      const depth =
        (inverseDepth[indices[t * 3]!] ?? 0) +
        (inverseDepth[indices[t * 3 + 1]!] ?? 0) +
        (inverseDepth[indices[t * 3 + 2]!] ?? 0);
      keys[i] = Number.isNaN(depth) ? -Infinity : depth;
      meshOf[i] = m;
      triangleOf[i] = t;
    }
  });
  // Smaller inverse depth = farther: draw those first (invalid triangles, skipped when drawn, first).
  // Ties keep the meshes' and triangles' order (a stable sort).
  const order = new Uint32Array(total);
  for (let k = 0; k < total; k++) order[k] = k;
  order.sort((x, y) => keys[x]! - keys[y]! || x - y);
  // Runs of one mesh's triangles, in that order.
  const sorted = new Uint32Array(total);
  for (let k = 0; k < total; k++) sorted[k] = triangleOf[order[k]!]!;
  for (let start = 0; start < total; ) {
    const m = meshOf[order[start]!]!;
    let end = start + 1;
    while (end < total && meshOf[order[end]!] === m) end++;
    drawTriangles(target, meshes[m]!, sorted, start, end);
    start = end;
  }
}
