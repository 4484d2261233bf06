import potpack, { type PotpackBox } from 'potpack';
import { disjointSets, findRoot } from '../../disjoint-sets.js';
import type { CropGroup } from './crop-groups.js';
import { CLAMP_TO_EDGE, type TextureInput } from './crop-input.js';
import { forEachElement } from './elements.js';
import { readImageInfo } from './image-info.js';

/**
 * One rectangle of a layout, in cells of the reference grid: source cells (sx, sy)..(sx+w, sy+h)
 * are copied to destination cells (dx, dy)... A rectangle may reach outside the image by a cell
 * (its margin); those texels are read the way the sampler would (wrapped or clamped).
 */
export interface CropRect {
  sx: number;
  sy: number;
  w: number;
  h: number;
  dx: number;
  dy: number;
}

/**
 * Where the texels a part uses go: a set of rectangles of the source, packed into a smaller image,
 * shared by every image of a {@link CropGroup} (in UV space: an image half the reference size uses
 * the same rectangles at half the texels).
 */
export interface CropLayout {
  /** The reference grid: the largest image of the group, in texels. */
  refWidth: number;
  refHeight: number;
  /** Cell size in reference texels: a power of two, the alignment of every rectangle. */
  block: number;
  /** Size of the cropped image in reference texels (multiples of `block`). */
  width: number;
  height: number;
  rects: CropRect[];
  /** Which source cells the part's elements reach (with their margin), for masking the others. */
  coverage: { x0: number; y0: number; cols: number; rows: number; covered: Uint8Array };
  /** For each UV set (by key): the rectangle of each vertex, -1 for vertices no element uses. */
  vertexRects: Map<object, Int32Array>;
}

/**
 * What makes a layout's pixels, as a string: the grids, each rectangle's place at source and
 * destination, and (when unreached cells are masked) which of its cells the part reaches. Two parts
 * with the same key get the same crop of an image (a pair of wheels, mirrored copies).
 */
export function layoutKey(layout: CropLayout, maskUnused: boolean): string {
  const { x0, y0, cols, covered } = layout.coverage;
  const out = [`${layout.refWidth}×${layout.refHeight}/${layout.block} ${layout.width}×${layout.height}`];
  for (const rect of layout.rects) {
    let cells = '';
    if (maskUnused)
      for (let y = 0; y < rect.h; y++)
        for (let x = 0; x < rect.w; x++) cells += covered[(rect.sy + y - y0) * cols + rect.sx + x - x0];
    out.push(`${rect.sx},${rect.sy},${rect.w},${rect.h}>${rect.dx},${rect.dy}:${cells}`);
  }
  return out.join(' ');
}

/** Either a layout, or why the group keeps its images whole. */
export type LayoutDecision = { layout: CropLayout; keep?: undefined } | { keep: string; layout?: undefined };

/** Options for {@link planLayout}. */
export interface LayoutOptions {
  /**
   * Keep the images whole when the cropped image would still hold more than this share of the
   * source's texels (default 0.9: cropping must save at least about 10 %).
   */
  maxShare?: number;
}

export const LAYOUT_DEFAULTS: Required<LayoutOptions> = { maxShare: 0.9 };

const MAX_PIXELS = 16384 * 16384;

const isPowerOfTwo = (n: number): boolean => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

/**
 * The margin kept around the texels a part reaches, from the image size: bilinear filtering needs one
 * texel, and each mip level doubles the footprint; 1/256 of the image keeps the levels down to a
 * 256-texel mip exact (2 texels at 512², 8 at 2048², 16 at 4096²).
 */
export function marginTexels(width: number, height: number): number {
  const size = Math.max(width, height);
  return Math.min(16, Math.max(2, 2 ** Math.round(Math.log2(size / 256))));
}

/**
 * The cell size of one image, in its own texels: its margin, at least 4 (two mip levels stay
 * aligned), and a JPEG's MCU (8 or 16) so that a re-encoded crop quantises the very blocks the source
 * quantised.
 */
function cellOf(texture: TextureInput, width: number, height: number): number {
  const info = readImageInfo(texture.image);
  return Math.max(4, marginTexels(width, height), info.blockSize ?? 1);
}

/** The reference grid and cell size of a group, or why its images cannot share one layout. */
function referenceGrid(
  textures: readonly TextureInput[],
): { refWidth: number; refHeight: number; block: number } | string {
  let refWidth = 0;
  let refHeight = 0;
  for (const texture of textures) {
    if (!texture.size) return `the size of ${texture.name} is unknown`;
    refWidth = Math.max(refWidth, texture.size[0]);
    refHeight = Math.max(refHeight, texture.size[1]);
  }
  // What sharp will decode (decodeImage's limit); a header may claim anything, and the layout's grids
  // are allocated from it before any pixel is read.
  if (refWidth * refHeight > MAX_PIXELS) return `images larger than 16384² texels (${refWidth}×${refHeight})`;
  let block = 1;
  for (const texture of textures) {
    const [width, height] = texture.size!;
    const rx = refWidth / width;
    const ry = refHeight / height;
    if (!isPowerOfTwo(rx) || !isPowerOfTwo(ry)) {
      return `images of ${width}×${height} and ${refWidth}×${refHeight} share a UV set: not power-of-two multiples`;
    }
    block = Math.max(block, cellOf(texture, width, height) * Math.max(rx, ry));
  }
  return { refWidth, refHeight, block };
}

/**
 * Plans the layout of a group: which cells its UV sets reach, the rectangles around them, and where
 * each goes in the cropped image; or why the images stay whole (tiling, a texture transform, morphed
 * UVs, too little saved, ...).
 *
 * Method: the elements (triangles, lines, points) of every UV set mark the grid cells their UV
 * bounding box touches; marked cells grow by one cell (the margin); the rectangles are the bounding
 * boxes of connected marked regions, merged while they overlap; potpack packs them. Triangles that
 * share a vertex mark that vertex's cell, so every vertex lies in exactly one rectangle and its UV
 * moves by that rectangle's offset: a seam vertex shared by two islands never needs two places.
 */
export function planLayout(group: CropGroup, options: LayoutOptions = {}): LayoutDecision {
  const { maxShare } = { ...LAYOUT_DEFAULTS, ...options };
  if (group.broken) return { keep: group.broken };
  for (const slot of group.slots) {
    if (slot.transformed) return { keep: `${slot.slot} has a KHR_texture_transform` };
  }
  for (const { set } of group.uvSets) {
    if (set.morphed) return { keep: 'morph targets move the UVs' };
  }
  const grid = referenceGrid(group.textures);
  if (typeof grid === 'string') return { keep: grid };
  const { refWidth, refHeight, block } = grid;

  // UV range of the vertices the elements use.
  let minU = Infinity;
  let minV = Infinity;
  let maxU = -Infinity;
  let maxV = -Infinity;
  let finite = true;
  for (const { set, uses } of group.uvSets) {
    const { uvs } = set;
    const touch = (i: number) => {
      const u = uvs[i * 2]!;
      const v = uvs[i * 2 + 1]!;
      if (!Number.isFinite(u) || !Number.isFinite(v)) finite = false;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    };
    for (const use of uses)
      forEachElement(use.indices, use.vertexCount, use.mode, (a, b, c) => {
        touch(a);
        touch(b);
        touch(c);
      });
  }
  if (!finite || !Number.isFinite(minU + maxU + minV + maxV)) return { keep: 'UVs are not finite numbers' };

  // Tiling: UVs outside [0, 1] (beyond half a texel of float noise) on an axis that repeats.
  const slackU = 0.5 / refWidth;
  const slackV = 0.5 / refHeight;
  const outsideU = minU < -slackU || maxU > 1 + slackU;
  const outsideV = minV < -slackV || maxV > 1 + slackV;
  for (const slot of group.slots) {
    if ((outsideU && slot.wrapS !== CLAMP_TO_EDGE) || (outsideV && slot.wrapT !== CLAMP_TO_EDGE)) {
      return {
        keep: `UVs tile (${fmt(minU)}..${fmt(maxU)} × ${fmt(minV)}..${fmt(maxV)}) and ${slot.slot} repeats`,
      };
    }
  }

  // The cell grid over the used UV range, one cell of margin on each side.
  const cellU = refWidth / block;
  const cellV = refHeight / block;
  const cellX = (u: number) => Math.floor(u * cellU);
  const cellY = (v: number) => Math.floor(v * cellV);
  const x0 = cellX(minU) - 1;
  const y0 = cellY(minV) - 1;
  const cols = cellX(maxU) + 2 - x0;
  const rows = cellY(maxV) + 2 - y0;
  const imageCells = Math.ceil(cellU) * Math.ceil(cellV);
  if (cols * rows > 4 * imageCells) {
    return {
      keep: `UVs reach far outside the image (${fmt(minU)}..${fmt(maxU)} × ${fmt(minV)}..${fmt(maxV)})`,
    };
  }

  // Mark the cells each element's UV bounding box touches.
  const marked = new Uint8Array(cols * rows);
  for (const { set, uses } of group.uvSets) {
    const { uvs } = set;
    for (const use of uses)
      forEachElement(use.indices, use.vertexCount, use.mode, (a, b, c) => {
        const ua = uvs[a * 2]!;
        const ub = uvs[b * 2]!;
        const uc = uvs[c * 2]!;
        const va = uvs[a * 2 + 1]!;
        const vb = uvs[b * 2 + 1]!;
        const vc = uvs[c * 2 + 1]!;
        const xa = cellX(Math.min(ua, ub, uc)) - x0;
        const xb = cellX(Math.max(ua, ub, uc)) - x0;
        const ya = cellY(Math.min(va, vb, vc)) - y0;
        const yb = cellY(Math.max(va, vb, vc)) - y0;
        for (let y = ya; y <= yb; y++) marked.fill(1, y * cols + xa, y * cols + xb + 1);
      });
  }
  const covered = dilate(marked, cols, rows);

  // Connected regions of covered cells, their bounding boxes merged while they overlap.
  const { labels, boxes } = labelRegions(covered, cols, rows);
  const regionRect = mergeOverlaps(boxes, cols, rows);
  const rects: CropRect[] = [];
  const rectIndex = new Map<number, number>();
  for (const [region, box] of boxes.entries()) {
    const root = regionRect[region]!;
    if (!rectIndex.has(root)) {
      const merged = boxes[root]!;
      rectIndex.set(root, rects.length);
      rects.push({ sx: merged.x + x0, sy: merged.y + y0, w: merged.w, h: merged.h, dx: 0, dy: 0 });
    }
    void box;
  }

  // Pack (in cells), then check the saving.
  const packing: Array<PotpackBox & { rect: CropRect }> = rects.map((rect) => ({
    w: rect.w,
    h: rect.h,
    rect,
  }));
  const packed = potpack(packing);
  for (const box of packing) {
    box.rect.dx = box.x!;
    box.rect.dy = box.y!;
  }
  const width = packed.w * block;
  const height = packed.h * block;
  const share = (width * height) / (refWidth * refHeight);
  if (share > maxShare) {
    return { keep: `cropping would keep ${Math.round(share * 100)} % of the texels` };
  }

  // The rectangle of each vertex: the one holding its cell.
  const vertexRects = new Map<object, Int32Array>();
  for (const { set, uses } of group.uvSets) {
    const { uvs } = set;
    const rectOf = new Int32Array(uvs.length / 2).fill(-1);
    const place = (i: number) => {
      if (rectOf[i] !== -1) return;
      const cell = (cellY(uvs[i * 2 + 1]!) - y0) * cols + (cellX(uvs[i * 2]!) - x0);
      rectOf[i] = rectIndex.get(regionRect[labels[cell]!]!)!;
    };
    for (const use of uses)
      forEachElement(use.indices, use.vertexCount, use.mode, (a, b, c) => {
        place(a);
        place(b);
        place(c);
      });
    vertexRects.set(set.key, rectOf);
  }

  return {
    layout: {
      refWidth,
      refHeight,
      block,
      width,
      height,
      rects,
      coverage: { x0, y0, cols, rows, covered },
      vertexRects,
    },
  };
}

function fmt(value: number): string {
  return Number(value.toFixed(3)).toString();
}

/** Marked cells grown by one cell in the 8 directions (the margin). */
function dilate(marked: Uint8Array, cols: number, rows: number): Uint8Array {
  const out = new Uint8Array(marked.length);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      if (!marked[y * cols + x]) continue;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= rows) continue;
        const from = Math.max(0, x - 1);
        const to = Math.min(cols - 1, x + 1);
        out.fill(1, yy * cols + from, yy * cols + to + 1);
      }
    }
  }
  return out;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** 4-connected regions of covered cells: a label per cell (-1 outside) and each region's box. */
function labelRegions(covered: Uint8Array, cols: number, rows: number): { labels: Int32Array; boxes: Box[] } {
  const labels = new Int32Array(covered.length).fill(-1);
  const boxes: Box[] = [];
  const stack: number[] = [];
  for (let start = 0; start < covered.length; start++) {
    if (!covered[start] || labels[start] !== -1) continue;
    const label = boxes.length;
    let minX = cols;
    let minY = rows;
    let maxX = -1;
    let maxY = -1;
    labels[start] = label;
    stack.push(start);
    while (stack.length > 0) {
      const cell = stack.pop()!;
      const x = cell % cols;
      const y = (cell - x) / cols;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      const visit = (next: number) => {
        if (covered[next] && labels[next] === -1) {
          labels[next] = label;
          stack.push(next);
        }
      };
      if (x > 0) visit(cell - 1);
      if (x + 1 < cols) visit(cell + 1);
      if (y > 0) visit(cell - cols);
      if (y + 1 < rows) visit(cell + cols);
    }
    boxes.push({ x: minX, y: minY, w: maxX - minX + 1, h: maxY - minY + 1 });
  }
  return { labels, boxes };
}

/**
 * Merges boxes that overlap (an L-shaped island's box can hold another island) until none do: two
 * rectangles over the same source texels would copy them twice. Returns, for each box, the index of
 * the box it was merged into, whose entry in `boxes` is grown to the union.
 */
function mergeOverlaps(boxes: Box[], cols: number, rows: number): Int32Array {
  const parent = disjointSets(boxes.length);
  const find = (i: number): number => findRoot(parent, i);
  const owner = new Int32Array(cols * rows);
  for (let changed = true; changed; ) {
    changed = false;
    owner.fill(-1);
    for (let i = 0; i < boxes.length; i++) {
      if (find(i) !== i) continue;
      const box = boxes[i]!;
      for (let y = box.y; y < box.y + box.h; y++) {
        for (let x = box.x; x < box.x + box.w; x++) {
          const cell = y * cols + x;
          const other = owner[cell]!;
          if (other === -1 || find(other) === find(i)) {
            owner[cell] = i;
            continue;
          }
          // Overlap: grow the other box to the union and fold this one into it.
          const root = find(other);
          const target = boxes[root]!;
          const ux = Math.min(target.x, box.x);
          const uy = Math.min(target.y, box.y);
          target.w = Math.max(target.x + target.w, box.x + box.w) - ux;
          target.h = Math.max(target.y + target.h, box.y + box.h) - uy;
          target.x = ux;
          target.y = uy;
          parent[find(i)] = root;
          changed = true;
          y = box.y + box.h; // this box is merged: stop painting it
          break;
        }
      }
    }
  }
  const result = new Int32Array(boxes.length);
  for (let i = 0; i < boxes.length; i++) result[i] = find(i);
  return result;
}
