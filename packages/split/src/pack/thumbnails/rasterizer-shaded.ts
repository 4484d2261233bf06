import { type PreparedMesh, SUBPIXEL } from './prepared-mesh.js';
import type { RenderTarget } from './render-target.js';
import { SHADE_STEPS } from './shade-table.js';

/** Bounding boxes up to this many pixels are scanned whole, without per-row span divisions. */
const SMALL_BOX = 64;

/**
 * Where a pixel is shaded, by its mask of samples won: slot s < 4 is sample s (the first won), slot
 * 4 the pixel centre (all won).
 */
const SHADE_SLOT = Uint8Array.from({ length: 16 }, (_, mask) =>
  mask === 15 ? 4 : mask === 0 ? 0 : 31 - Math.clz32(mask & -mask),
);

/**
 * Whether {@link drawShadedQuad} can draw `mesh` into `target`: 2 × 2 samples, and an opaque mesh
 * coloured by its factor alone (a light table: `mesh.shades`). That is most parts of most models.
 */
export function drawsShadedQuad(target: RenderTarget, mesh: PreparedMesh): boolean {
  return target.samples === 4 && mesh.shades.length > 0;
}

/**
 * `drawTriangles` (rasterizer.ts) for the common case alone (see {@link drawsShadedQuad}): the same
 * samples, the same depths and the same words, bit for bit (tested), in a function of its own. Why
 * a second copy: with no texture, vertex colour, blending, cut-out or other sample pattern to
 * handle, V8 keeps the loop's values in registers and the loop is about twice as fast on a part's
 * small triangles (bench/thumbnails.mjs). What it leaves out of the general path:
 * - the per-sample offset loop: the 2 × 2 pattern's edge, depth and light offsets in closed form;
 * - the inner (fully covered) spans of large boxes, which the 2 × 2 path never read;
 * - the per-sample branches of the write when the triangle wins all four samples (most pixels).
 * Triangles `from` … `to` − 1, in index order (opaque: no sorting).
 */
export function drawShadedQuad(target: RenderTarget, mesh: PreparedMesh, from: number, to: number): void {
  const indices = mesh.mesh.indices;
  const valid = mesh.valid;
  const fixed = mesh.fixed;
  const inverseDepth = mesh.inverseDepth;
  const unlit = mesh.unlit;
  const doubleSided = mesh.doubleSided;
  const shades = mesh.shades;
  const lastShade = shades.length - 1;

  const size = target.size;
  const sampleSize = size * 2;
  // One block of 8 words per pixel: 4 depths, then 4 colour words (see RenderTarget).
  const depth = target.depth;
  const color = target.color;
  const half = SUBPIXEL / 2;
  // Fixed-point units from a pixel's first sample to its centre, along x and along y.
  const centre = SUBPIXEL / 2;
  const rowFirst = target.rowFirst;
  const rowLast = target.rowLast;
  // Light-table offsets from a pixel's first sample to where it is shaded (SHADE_SLOT), per triangle.
  const shadeAt = target.shadeAt;
  shadeAt[0] = 0;

  for (let t = from; t < to; t++) {
    let a = indices[t * 3]!;
    let b = indices[t * 3 + 1]!;
    const c = indices[t * 3 + 2]!;
    // Out-of-range indices read undefined: not 1, so not drawn; so are non-finite vertices.
    if (valid[a] !== 1 || valid[b] !== 1 || valid[c] !== 1) continue;
    let ax = fixed[a * 2]!;
    let ay = fixed[a * 2 + 1]!;
    let bx = fixed[b * 2]!;
    let by = fixed[b * 2 + 1]!;
    const cx = fixed[c * 2]!;
    const cy = fixed[c * 2 + 1]!;
    let area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (area === 0) continue;
    // y points down on screen: a counter-clockwise (front) triangle has a negative area here.
    const front = area < 0;
    if (!front && !doubleSided) continue;
    if (front) {
      // Swap a and b so that every triangle is rasterized with the same (positive) orientation.
      const swap = a;
      a = b;
      b = swap;
      ax = fixed[a * 2]!;
      ay = fixed[a * 2 + 1]!;
      bx = fixed[b * 2]!;
      by = fixed[b * 2 + 1]!;
      area = -area;
    }

    // Samples inside the triangle's bounds, clipped to the image, then the pixels holding them.
    const loX = Math.min(ax, bx, cx);
    const hiX = Math.max(ax, bx, cx);
    const loY = Math.min(ay, by, cy);
    const hiY = Math.max(ay, by, cy);
    const minSX = Math.max(0, Math.ceil((loX - half) / SUBPIXEL));
    const maxSX = Math.min(sampleSize - 1, Math.floor((hiX - half) / SUBPIXEL));
    const minSY = Math.max(0, Math.ceil((loY - half) / SUBPIXEL));
    const maxSY = Math.min(sampleSize - 1, Math.floor((hiY - half) / SUBPIXEL));
    if (minSX > maxSX || minSY > maxSY) continue;
    // Sample indices are non-negative integers: halving by shift is the floor.
    const minX = minSX >> 1;
    const maxX = maxSX >> 1;
    const minY = minSY >> 1;
    const maxY = maxSY >> 1;

    // Per-vertex light, from normals or from the triangle's plane (as in drawTriangles).
    let la = 1;
    let lb = 1;
    let lc = 1;
    if (!unlit) {
      const lights = front ? mesh.lightFront : mesh.lightBack;
      la = lights ? lights[a]! : Number.NaN;
      lb = lights ? lights[b]! : Number.NaN;
      lc = lights ? lights[c]! : Number.NaN;
      if (Number.isNaN(la) || Number.isNaN(lb) || Number.isNaN(lc)) {
        const face = front ? mesh.faceLight(b, a, c, true) : mesh.faceLight(a, b, c, false);
        if (Number.isNaN(la)) la = face;
        if (Number.isNaN(lb)) lb = face;
        if (Number.isNaN(lc)) lc = face;
      }
    }

    // Edge functions (see drawTriangles): steps −16 dy per sample along x, 16 dx per sample along y.
    const dxAB = bx - ax;
    const dyAB = by - ay;
    const dxBC = cx - bx;
    const dyBC = cy - by;
    const dxCA = ax - cx;
    const dyCA = ay - cy;
    const sAB = -dyAB * SUBPIXEL;
    const sBC = -dyBC * SUBPIXEL;
    const sCA = -dyCA * SUBPIXEL;
    const tAB = SUBPIXEL * dxAB;
    const tBC = SUBPIXEL * dxBC;
    const tCA = SUBPIXEL * dxCA;
    // Top-left rule.
    const biasAB = by < ay || (by === ay && bx > ax) ? 0 : -1;
    const biasBC = cy < by || (cy === by && cx > bx) ? 0 : -1;
    const biasCA = ay < cy || (ay === cy && ax > cx) ? 0 : -1;

    const inverseArea = 1 / area;
    const kA = inverseDepth[a]!;
    const kB = inverseDepth[b]!;
    const kC = inverseDepth[c]!;

    // The 2 × 2 pattern: sample 1 is one sample right of sample 0 (+s), sample 2 one below (+t),
    // sample 3 both. Biased edge offsets, and their extremes (enter a pixel when its largest values
    // are all >= 0; it is fully covered when its smallest are).
    const ab0 = biasAB;
    const ab1 = sAB + biasAB;
    const ab2 = tAB + biasAB;
    const ab3 = sAB + tAB + biasAB;
    const bc0 = biasBC;
    const bc1 = sBC + biasBC;
    const bc2 = tBC + biasBC;
    const bc3 = sBC + tBC + biasBC;
    const ca0 = biasCA;
    const ca1 = sCA + biasCA;
    const ca2 = tCA + biasCA;
    const ca3 = sCA + tCA + biasCA;
    const minAB = biasAB + Math.min(sAB, 0) + Math.min(tAB, 0);
    const maxAB = biasAB + Math.max(sAB, 0) + Math.max(tAB, 0);
    const minBC = biasBC + Math.min(sBC, 0) + Math.min(tBC, 0);
    const maxBC = biasBC + Math.max(sBC, 0) + Math.max(tBC, 0);
    const minCA = biasCA + Math.min(sCA, 0) + Math.min(tCA, 0);
    const maxCA = biasCA + Math.max(sCA, 0) + Math.max(tCA, 0);
    // Inverse depth offsets of samples 1–3 from sample 0 (sample 0's is 0).
    const dz1 = (sBC * kA + sCA * kB + sAB * kC) * inverseArea;
    const dz2 = (tBC * kA + tCA * kB + tAB * kC) * inverseArea;
    const dz3 = ((sBC + tBC) * kA + (sCA + tCA) * kB + (sAB + tAB) * kC) * inverseArea;

    // The light-table index, interpolated in screen space (see drawTriangles), and a word for the
    // whole triangle when its three vertices give the same one.
    const shadeA = la * SHADE_STEPS * inverseArea;
    const shadeB = lb * SHADE_STEPS * inverseArea;
    const shadeC = lc * SHADE_STEPS * inverseArea;
    const flatWord = shades[Math.min((la * SHADE_STEPS + 0.5) | 0, lastShade)]!;
    const flat =
      shades[Math.min((lb * SHADE_STEPS + 0.5) | 0, lastShade)] === flatWord &&
      shades[Math.min((lc * SHADE_STEPS + 0.5) | 0, lastShade)] === flatWord;
    const centreAB = centre * (dxAB - dyAB);
    const centreBC = centre * (dxBC - dyBC);
    const centreCA = centre * (dxCA - dyCA);
    const shadeStep = (sBC * shadeA + sCA * shadeB + sAB * shadeC) * 2;
    shadeAt[1] = sBC * shadeA + sCA * shadeB + sAB * shadeC;
    shadeAt[2] = tBC * shadeA + tCA * shadeB + tAB * shadeC;
    shadeAt[3] = (sBC + tBC) * shadeA + (sCA + tCA) * shadeB + (sAB + tAB) * shadeC;
    shadeAt[4] = centreBC * shadeA + centreCA * shadeB + centreAB * shadeC;

    // Unbiased edge values at the first sample of pixel (minX, minY), stepped down the rows.
    const px0 = minX * 2 * SUBPIXEL + half;
    const py0 = minY * 2 * SUBPIXEL + half;
    let rowAB = dxAB * (py0 - ay) - dyAB * (px0 - ax);
    let rowBC = dxBC * (py0 - by) - dyBC * (px0 - bx);
    let rowCA = dxCA * (py0 - cy) - dyCA * (px0 - cx);
    const downAB = tAB * 2;
    const downBC = tBC * 2;
    const downCA = tCA * 2;
    const pAB = sAB * 2;
    const pBC = sBC * 2;
    const pCA = sCA * 2;
    const last = maxX - minX;
    const small = (last + 1) * (maxY - minY + 1) <= SMALL_BOX;
    for (let y = minY; y <= maxY; y++, rowAB += downAB, rowBC += downBC, rowCA += downCA) {
      // The span of pixels where some sample may be inside all three edges.
      let lo = 0;
      let hi = last;
      if (small) {
        let wa = rowBC;
        let wb = rowCA;
        let wc = rowAB;
        while (lo <= hi && !(wc + maxAB >= 0 && wa + maxBC >= 0 && wb + maxCA >= 0)) {
          lo++;
          wa += pBC;
          wb += pCA;
          wc += pAB;
        }
        if (lo > hi) continue;
        wa = rowBC + pBC * hi;
        wb = rowCA + pCA * hi;
        wc = rowAB + pAB * hi;
        while (hi > lo && !(wc + maxAB >= 0 && wa + maxBC >= 0 && wb + maxCA >= 0)) {
          hi--;
          wa -= pBC;
          wb -= pCA;
          wc -= pAB;
        }
      } else {
        if (pAB > 0) lo = Math.max(lo, Math.ceil(-(rowAB + maxAB) / pAB));
        else if (pAB < 0) hi = Math.min(hi, Math.floor((rowAB + maxAB) / -pAB));
        else if (rowAB + maxAB < 0) continue;
        if (pBC > 0) lo = Math.max(lo, Math.ceil(-(rowBC + maxBC) / pBC));
        else if (pBC < 0) hi = Math.min(hi, Math.floor((rowBC + maxBC) / -pBC));
        else if (rowBC + maxBC < 0) continue;
        if (pCA > 0) lo = Math.max(lo, Math.ceil(-(rowCA + maxCA) / pCA));
        else if (pCA < 0) hi = Math.min(hi, Math.floor((rowCA + maxCA) / -pCA));
        else if (rowCA + maxCA < 0) continue;
        if (lo > hi) continue;
      }
      // RenderTarget.touchRow, inlined.
      if (minX + lo < rowFirst[y]!) rowFirst[y] = minX + lo;
      if (minX + hi > rowLast[y]!) rowLast[y] = minX + hi;

      let wa = rowBC + pBC * lo;
      let wb = rowCA + pCA * lo;
      let wc = rowAB + pAB * lo;
      let shade = wa * shadeA + wb * shadeB + wc * shadeC;
      for (
        let x = lo, base = (y * size + minX + lo) * 8;
        x <= hi;
        x++, base += 8, wa += pBC, wb += pCA, wc += pAB, shade += shadeStep
      ) {
        // Coverage: only the edges that cross the pixel cut its mask (booleans as bits, no branch
        // per sample).
        let covered = 15;
        if (wc + minAB < 0)
          covered =
            +(wc + ab0 >= 0) | (+(wc + ab1 >= 0) << 1) | (+(wc + ab2 >= 0) << 2) | (+(wc + ab3 >= 0) << 3);
        if (wa + minBC < 0)
          covered &=
            +(wa + bc0 >= 0) | (+(wa + bc1 >= 0) << 1) | (+(wa + bc2 >= 0) << 2) | (+(wa + bc3 >= 0) << 3);
        if (wb + minCA < 0)
          covered &=
            +(wb + ca0 >= 0) | (+(wb + ca1 >= 0) << 1) | (+(wb + ca2 >= 0) << 2) | (+(wb + ca3 >= 0) << 3);
        if (covered === 0) continue;
        // Depth: the nearer wins (an empty sample holds 0).
        const z0 = (wa * kA + wb * kB + wc * kC) * inverseArea;
        const z1 = z0 + dz1;
        const z2 = z0 + dz2;
        const z3 = z0 + dz3;
        const passed =
          covered &
          (+(z0 > depth[base]!) |
            (+(z1 > depth[base + 1]!) << 1) |
            (+(z2 > depth[base + 2]!) << 2) |
            (+(z3 > depth[base + 3]!) << 3));
        if (passed === 0) continue;
        // Shaded at the centre when every sample is won, else at the first sample won (inside the
        // triangle): the light-table offset from the pixel's first sample, by table.
        const word = flat
          ? flatWord
          : shades[Math.min((shade + shadeAt[SHADE_SLOT[passed]!]! + 0.5) | 0, lastShade)]!;
        if (passed === 15) {
          // Every sample won (a third of the pixels on a part): written without a branch per sample.
          // (Branch-free writes for partial pixels too, by masks, measured slower.)
          depth[base] = z0;
          depth[base + 1] = z1;
          depth[base + 2] = z2;
          depth[base + 3] = z3;
          color[base + 4] = word;
          color[base + 5] = word;
          color[base + 6] = word;
          color[base + 7] = word;
          continue;
        }
        if ((passed & 1) !== 0) {
          depth[base] = z0;
          color[base + 4] = word;
        }
        if ((passed & 2) !== 0) {
          depth[base + 1] = z1;
          color[base + 5] = word;
        }
        if ((passed & 4) !== 0) {
          depth[base + 2] = z2;
          color[base + 6] = word;
        }
        if ((passed & 8) !== 0) {
          depth[base + 3] = z3;
          color[base + 7] = word;
        }
      }
    }
  }
}
