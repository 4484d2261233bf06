import { BLEND, MASK, type PreparedMesh, SUBPIXEL } from './prepared-mesh.js';
import { type RenderTarget, SHIFT_A, SHIFT_B, SHIFT_G, SHIFT_R } from './render-target.js';
import { packColor, SHADE_STEPS } from './shade-table.js';
import { SRGB_TO_LINEAR } from './srgb.js';

const NO_VALUES = new Float64Array(0);
const NO_COLORS = new Float32Array(0);

/** Bounding boxes up to this many pixels are scanned whole, without per-row span divisions. */
const SMALL_BOX = 64;

/**
 * The triangle rasterizer: multisampled (see RenderTarget), with half-space edge functions on
 * vertices snapped to 1/16 of a sample, evaluated in exact integer arithmetic (products stay below
 * 2^53), with the top-left fill rule, so that triangles sharing an edge neither leave a crack nor
 * cover a sample twice. Each pixel row is cut, by division rather than by visiting pixels, to the
 * span where some sample may be inside all three edges, and within it to the span where every sample
 * is: pixels there need no coverage test. So thin diagonal triangles cost their pixels, not their
 * bounding box, and a pixel inside a triangle costs its depth tests and one shading.
 *
 * A triangle is shaded once per pixel: at the pixel centre when it wins every sample, else at the
 * first sample it wins (inside the triangle: attributes are never extrapolated). Depth is 1/z per
 * sample; attributes (light, vertex colour, UV) are perspective-correct, computed from the edge
 * values (the barycentric weights) where the pixel is shaded. Nothing is allocated per triangle.
 *
 * No clipping is needed: the camera is framed so that every vertex lies inside the image and in
 * front of the eye.
 */

/**
 * Draws triangles of `mesh` into `target`: `order[i]` for i in [from, to), or triangles from … to − 1
 * when `order` is null. Opaque and masked triangles write depth; blended ones are composited over
 * what is drawn ("over") per sample without writing depth.
 */
export function drawTriangles(
  target: RenderTarget,
  mesh: PreparedMesh,
  order: Uint32Array | null,
  from: number,
  to: number,
): void {
  const indices = mesh.mesh.indices;
  const valid = mesh.valid;
  const fixed = mesh.fixed;
  const inverseDepth = mesh.inverseDepth;
  const unlit = mesh.unlit;
  const doubleSided = mesh.doubleSided;
  // Values tested per pixel are kept monomorphic for V8: booleans, and arrays that are never null.
  const sampler = mesh.sampler;
  const textured = sampler !== null && mesh.uvs !== null;
  const uvs = mesh.uvs ?? NO_VALUES;
  const hasColors = mesh.colors !== null;
  const colors = mesh.colors ?? NO_COLORS;
  const blend = mesh.alpha === BLEND;
  const masked = mesh.alpha === MASK;
  const cutoff = mesh.cutoff;
  const factor = mesh.factor;
  const fr = factor[0]!;
  const fg = factor[1]!;
  const fb = factor[2]!;
  const fa = factor[3]!;
  const texel = mesh.texel;

  const size = target.size;
  const ss = target.supersample;
  const n = target.samples;
  const full = (1 << n) - 1;
  const sampleSize = size * ss;
  // One block per pixel: n depths, then n colour words (see RenderTarget).
  const depth = target.depth;
  const color = target.color;
  const stride = 2 * n;
  const offAB = target.offsetAB;
  const offBC = target.offsetBC;
  const offCA = target.offsetCA;
  const offZ = target.offsetZ;
  const quad = n === 4;
  // Opaque meshes coloured by their factor alone: the sample word of each light level, from a table.
  const shades = mesh.shades;
  const shaded = shades.length > 0;
  const lastShade = shades.length - 1;
  const half = SUBPIXEL / 2;
  // Fixed-point units from a pixel's first sample to its centre, along x and along y.
  const centre = ((ss - 1) * SUBPIXEL) / 2;

  for (let i = from; i < to; i++) {
    const t = order === null ? i : order[i]!;
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
    const minSX = Math.max(0, Math.ceil((Math.min(ax, bx, cx) - half) / SUBPIXEL));
    const maxSX = Math.min(sampleSize - 1, Math.floor((Math.max(ax, bx, cx) - half) / SUBPIXEL));
    const minSY = Math.max(0, Math.ceil((Math.min(ay, by, cy) - half) / SUBPIXEL));
    const maxSY = Math.min(sampleSize - 1, Math.floor((Math.max(ay, by, cy) - half) / SUBPIXEL));
    if (minSX > maxSX || minSY > maxSY) continue;
    const minX = Math.floor(minSX / ss);
    const maxX = Math.floor(maxSX / ss);
    const minY = Math.floor(minSY / ss);
    const maxY = Math.floor(maxSY / ss);

    // Per-vertex light (perspective-interpolated below), from normals or from the triangle's plane.
    let la = 1;
    let lb = 1;
    let lc = 1;
    if (!unlit) {
      const lights = front ? mesh.lightFront : mesh.lightBack;
      la = lights ? lights[a]! : Number.NaN;
      lb = lights ? lights[b]! : Number.NaN;
      lc = lights ? lights[c]! : Number.NaN;
      if (Number.isNaN(la) || Number.isNaN(lb) || Number.isNaN(lc)) {
        // Flat shading: the triangle's plane, given in its original (counter-clockwise) order.
        const face = front ? mesh.faceLight(b, a, c, true) : mesh.faceLight(a, b, c, false);
        if (Number.isNaN(la)) la = face;
        if (Number.isNaN(lb)) lb = face;
        if (Number.isNaN(lc)) lc = face;
      }
    }

    if (textured && sampler !== null) {
      // Shaded once per pixel: the level whose texels are about a pixel wide.
      const du1 = uvs[b * 2]! - uvs[a * 2]!;
      const dv1 = uvs[b * 2 + 1]! - uvs[a * 2 + 1]!;
      const du2 = uvs[c * 2]! - uvs[a * 2]!;
      const dv2 = uvs[c * 2 + 1]! - uvs[a * 2 + 1]!;
      const texelArea = 0.5 * Math.abs(du1 * dv2 - dv1 * du2) * sampler.texelCount;
      sampler.selectLevel(texelArea, (0.5 * area) / (SUBPIXEL * SUBPIXEL * n));
    }

    // Edge functions E(p) = (q − p0) × (p − p0) for edges ab, bc, ca; at a point, E_bc, E_ca and E_ab
    // are the (area-scaled) barycentric weights of a, b and c. Steps: −16 dy per sample along x,
    // 16 dx per sample along y.
    const dxAB = bx - ax;
    const dyAB = by - ay;
    const dxBC = cx - bx;
    const dyBC = cy - by;
    const dxCA = ax - cx;
    const dyCA = ay - cy;
    const sAB = -dyAB * SUBPIXEL;
    const sBC = -dyBC * SUBPIXEL;
    const sCA = -dyCA * SUBPIXEL;
    // Top-left rule (clockwise in y-down): an edge owns its samples if it goes up, or right along a
    // horizontal top. The others need E > 0, i.e. E >= 1 since E is an integer.
    const biasAB = by < ay || (by === ay && bx > ax) ? 0 : -1;
    const biasBC = cy < by || (cy === by && cx > bx) ? 0 : -1;
    const biasCA = ay < cy || (ay === cy && ax > cx) ? 0 : -1;

    const inverseArea = 1 / area;
    const kA = inverseDepth[a]!;
    const kB = inverseDepth[b]!;
    const kC = inverseDepth[c]!;
    const lA = kA * la;
    const lB = kB * lb;
    const lC = kC * lc;

    // Each sample's biased edge values and inverse depth relative to the pixel's first sample
    // (unbiased), and their extremes: a pixel is entered when its largest values are all >= 0, and
    // fully covered when its smallest are.
    let minAB = Infinity;
    let maxAB = -Infinity;
    let minBC = Infinity;
    let maxBC = -Infinity;
    let minCA = Infinity;
    let maxCA = -Infinity;
    for (let s = 0; s < n; s++) {
      const sx = s % ss;
      const sy = (s - sx) / ss;
      const uAB = sx * sAB + sy * SUBPIXEL * dxAB;
      const uBC = sx * sBC + sy * SUBPIXEL * dxBC;
      const uCA = sx * sCA + sy * SUBPIXEL * dxCA;
      offZ[s] = (uBC * kA + uCA * kB + uAB * kC) * inverseArea;
      const vAB = uAB + biasAB;
      const vBC = uBC + biasBC;
      const vCA = uCA + biasCA;
      offAB[s] = vAB;
      offBC[s] = vBC;
      offCA[s] = vCA;
      if (vAB < minAB) minAB = vAB;
      if (vAB > maxAB) maxAB = vAB;
      if (vBC < minBC) minBC = vBC;
      if (vBC > maxBC) maxBC = vBC;
      if (vCA < minCA) minCA = vCA;
      if (vCA > maxCA) maxCA = vCA;
    }
    // The 2 × 2 pattern's offsets as locals: its coverage and depth tests are unrolled below.
    const ab0 = offAB[0]!;
    const ab1 = offAB[1]!;
    const ab2 = offAB[2]!;
    const ab3 = offAB[3]!;
    const bc0 = offBC[0]!;
    const bc1 = offBC[1]!;
    const bc2 = offBC[2]!;
    const bc3 = offBC[3]!;
    const ca0 = offCA[0]!;
    const ca1 = offCA[1]!;
    const ca2 = offCA[2]!;
    const ca3 = offCA[3]!;
    const dz0 = offZ[0]!;
    const dz1 = offZ[1]!;
    const dz2 = offZ[2]!;
    const dz3 = offZ[3]!;
    // With a light-only colour, a triangle whose three vertices give the same word gives it to every
    // pixel (the light in between is a convex mix of theirs, and the table is monotonic): exact.
    let flat = false;
    let flatWord = 0;
    // Table indices per vertex, over the area: Σ w × shade is the index at a point of weights w. The
    // light is interpolated in screen space here, not perspective-correct: one multiply-add per vertex
    // instead of a division per pixel. Within a triangle the camera's mild perspective (the eye 2.8
    // radii away) moves the light by a few percent of its difference between the vertices: below
    // one sRGB code on a part's small triangles, and nothing on a flat face (the same light at every
    // vertex). Textures and vertex colours stay perspective-correct.
    const shadeA = la * SHADE_STEPS * inverseArea;
    const shadeB = lb * SHADE_STEPS * inverseArea;
    const shadeC = lc * SHADE_STEPS * inverseArea;
    if (shaded) {
      flatWord = shades[Math.min((la * SHADE_STEPS + 0.5) | 0, lastShade)]!;
      flat =
        shades[Math.min((lb * SHADE_STEPS + 0.5) | 0, lastShade)] === flatWord &&
        shades[Math.min((lc * SHADE_STEPS + 0.5) | 0, lastShade)] === flatWord;
    }
    // Edge values from the first sample to the pixel centre (unbiased).
    const centreAB = centre * (dxAB - dyAB);
    const centreBC = centre * (dxBC - dyBC);
    const centreCA = centre * (dxCA - dyCA);
    // The shade-table index (see shadeA) at the first sample of a pixel steps by `shadeStep` per
    // pixel; at the pixel centre and at each sample it is that plus a fixed offset.
    const shadeStep = (sBC * shadeA + sCA * shadeB + sAB * shadeC) * ss;
    const shadeCentre = centreBC * shadeA + centreCA * shadeB + centreAB * shadeC;
    const shade0 = (bc0 - biasBC) * shadeA + (ca0 - biasCA) * shadeB + (ab0 - biasAB) * shadeC;
    const shade1 = (bc1 - biasBC) * shadeA + (ca1 - biasCA) * shadeB + (ab1 - biasAB) * shadeC;
    const shade2 = (bc2 - biasBC) * shadeA + (ca2 - biasCA) * shadeB + (ab2 - biasAB) * shadeC;
    const shade3 = (bc3 - biasBC) * shadeA + (ca3 - biasCA) * shadeB + (ab3 - biasAB) * shadeC;

    // Unbiased edge values at the first sample of pixel (minX, minY), stepped down the rows.
    const px0 = minX * ss * SUBPIXEL + half;
    const py0 = minY * ss * SUBPIXEL + half;
    let rowAB = dxAB * (py0 - ay) - dyAB * (px0 - ax);
    let rowBC = dxBC * (py0 - by) - dyBC * (px0 - bx);
    let rowCA = dxCA * (py0 - cy) - dyCA * (px0 - cx);
    const downAB = dxAB * SUBPIXEL * ss;
    const downBC = dxBC * SUBPIXEL * ss;
    const downCA = dxCA * SUBPIXEL * ss;
    const pAB = sAB * ss;
    const pBC = sBC * ss;
    const pCA = sCA * ss;
    const last = maxX - minX;
    // A small triangle (a part's are a few pixels) visits its whole bounding box and tests each pixel
    // (three comparisons to skip it, three to know it full): cheaper than six divisions per row.
    const small = (last + 1) * (maxY - minY + 1) <= SMALL_BOX;
    for (let y = minY; y <= maxY; y++, rowAB += downAB, rowBC += downBC, rowCA += downCA) {
      // The span of pixels where some sample may be inside all three edges, and the inner span
      // where every sample is.
      let lo = 0;
      let hi = last;
      let innerLo = 0;
      let innerHi = last;
      if (small) {
        // Spans from the row's ends: first and last pixels some sample may cover.
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
        // Full pixels are found pixel by pixel below.
        innerLo = last + 1;
        innerHi = -1;
      } else {
        if (pAB > 0) {
          lo = Math.max(lo, Math.ceil(-(rowAB + maxAB) / pAB));
          innerLo = Math.max(innerLo, Math.ceil(-(rowAB + minAB) / pAB));
        } else if (pAB < 0) {
          hi = Math.min(hi, Math.floor((rowAB + maxAB) / -pAB));
          innerHi = Math.min(innerHi, Math.floor((rowAB + minAB) / -pAB));
        } else if (rowAB + maxAB < 0) continue;
        else if (rowAB + minAB < 0) innerHi = -1;
        if (pBC > 0) {
          lo = Math.max(lo, Math.ceil(-(rowBC + maxBC) / pBC));
          innerLo = Math.max(innerLo, Math.ceil(-(rowBC + minBC) / pBC));
        } else if (pBC < 0) {
          hi = Math.min(hi, Math.floor((rowBC + maxBC) / -pBC));
          innerHi = Math.min(innerHi, Math.floor((rowBC + minBC) / -pBC));
        } else if (rowBC + maxBC < 0) continue;
        else if (rowBC + minBC < 0) innerHi = -1;
        if (pCA > 0) {
          lo = Math.max(lo, Math.ceil(-(rowCA + maxCA) / pCA));
          innerLo = Math.max(innerLo, Math.ceil(-(rowCA + minCA) / pCA));
        } else if (pCA < 0) {
          hi = Math.min(hi, Math.floor((rowCA + maxCA) / -pCA));
          innerHi = Math.min(innerHi, Math.floor((rowCA + minCA) / -pCA));
        } else if (rowCA + maxCA < 0) continue;
        else if (rowCA + minCA < 0) innerHi = -1;
      }
      if (lo > hi) continue;
      target.touchRow(y, minX + lo, minX + hi);

      // Barycentric weights (× area) of a, b, c at the first sample of the span's first pixel.
      let wa = rowBC + pBC * lo;
      let wb = rowCA + pCA * lo;
      let wc = rowAB + pAB * lo;
      let shade = wa * shadeA + wb * shadeB + wc * shadeC;
      for (
        let x = lo, pixel = y * size + minX + lo;
        x <= hi;
        x++, pixel++, wa += pBC, wb += pCA, wc += pAB, shade += shadeStep
      ) {
        let covered = full;
        if (quad) {
          // Only the edges that cross the pixel cut its mask (most partial pixels have one);
          // booleans as numbers, so that V8 sets the bits without a branch per sample.
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
        } else if (
          small ? !(wc + minAB >= 0 && wa + minBC >= 0 && wb + minCA >= 0) : x < innerLo || x > innerHi
        ) {
          covered = 0;
          for (let s = 0; s < n; s++)
            if (wc + offAB[s]! >= 0 && wa + offBC[s]! >= 0 && wb + offCA[s]! >= 0) covered |= 1 << s;
          if (covered === 0) continue;
        }
        // Depth per covered sample: the nearer wins (an empty sample holds 0).
        const base = pixel * stride;
        const z0 = (wa * kA + wb * kB + wc * kC) * inverseArea;
        let passed = 0;
        if (quad) {
          // Every sample tested, then masked (no branch per sample; the pixel's samples are in bounds).
          passed =
            covered &
            (+(z0 + dz0 > depth[base]!) |
              (+(z0 + dz1 > depth[base + 1]!) << 1) |
              (+(z0 + dz2 > depth[base + 2]!) << 2) |
              (+(z0 + dz3 > depth[base + 3]!) << 3));
        } else {
          for (let s = 0; s < n; s++)
            if ((covered & (1 << s)) !== 0 && z0 + offZ[s]! > depth[base + s]!) passed |= 1 << s;
        }
        if (passed === 0) continue;

        if (flat || shaded) {
          // A colour that depends on the light alone: one word per triangle, or one table read.
          let word = flatWord;
          if (!flat) {
            // At the centre when every sample is won, else at the first sample won (2 × 2: unrolled).
            let at: number;
            if (passed === full) at = shade + shadeCentre;
            else if (quad)
              at =
                shade +
                ((passed & 1) !== 0
                  ? shade0
                  : (passed & 2) !== 0
                    ? shade1
                    : (passed & 4) !== 0
                      ? shade2
                      : shade3);
            else {
              const first = 31 - Math.clz32(passed & -passed);
              at =
                shade +
                (offBC[first]! - biasBC) * shadeA +
                (offCA[first]! - biasCA) * shadeB +
                (offAB[first]! - biasAB) * shadeC;
            }
            word = shades[Math.min((at + 0.5) | 0, lastShade)]!;
          }
          if (quad) {
            if ((passed & 1) !== 0) {
              depth[base] = z0 + dz0;
              color[base + 4] = word;
            }
            if ((passed & 2) !== 0) {
              depth[base + 1] = z0 + dz1;
              color[base + 5] = word;
            }
            if ((passed & 4) !== 0) {
              depth[base + 2] = z0 + dz2;
              color[base + 6] = word;
            }
            if ((passed & 8) !== 0) {
              depth[base + 3] = z0 + dz3;
              color[base + 7] = word;
            }
          } else {
            for (let s = 0; s < n; s++) {
              if ((passed & (1 << s)) !== 0) {
                depth[base + s] = z0 + offZ[s]!;
                color[base + n + s] = word;
              }
            }
          }
          continue;
        }

        // Shade once: at the centre, or at the first sample won (inside the triangle).
        let pa: number;
        let pb: number;
        let pc: number;
        if (passed === full) {
          pa = wa + centreBC;
          pb = wb + centreCA;
          pc = wc + centreAB;
        } else {
          const s = 31 - Math.clz32(passed & -passed);
          pa = wa + offBC[s]! - biasBC;
          pb = wb + offCA[s]! - biasCA;
          pc = wc + offAB[s]! - biasAB;
        }
        const perspective = 1 / (pa * kA + pb * kB + pc * kC);
        const light = (pa * lA + pb * lB + pc * lC) * perspective;
        let r = fr;
        let g = fg;
        let bl = fb;
        let alpha = fa;
        if (hasColors) {
          const wA = pa * kA * perspective;
          const wB = pb * kB * perspective;
          const wC = pc * kC * perspective;
          r = wA * colors[a * 4]! + wB * colors[b * 4]! + wC * colors[c * 4]!;
          g = wA * colors[a * 4 + 1]! + wB * colors[b * 4 + 1]! + wC * colors[c * 4 + 1]!;
          bl = wA * colors[a * 4 + 2]! + wB * colors[b * 4 + 2]! + wC * colors[c * 4 + 2]!;
          alpha = wA * colors[a * 4 + 3]! + wB * colors[b * 4 + 3]! + wC * colors[c * 4 + 3]!;
        }
        if (textured && sampler !== null) {
          const wA = pa * kA * perspective;
          const wB = pb * kB * perspective;
          const wC = pc * kC * perspective;
          sampler.sample(
            wA * uvs[a * 2]! + wB * uvs[b * 2]! + wC * uvs[c * 2]!,
            wA * uvs[a * 2 + 1]! + wB * uvs[b * 2 + 1]! + wC * uvs[c * 2 + 1]!,
            texel,
          );
          r *= texel[0]!;
          g *= texel[1]!;
          bl *= texel[2]!;
          alpha *= texel[3]!;
        }

        if (blend) {
          if (!(alpha > 0)) continue;
          if (alpha > 1) alpha = 1;
          compositeOver(
            color,
            base + n,
            passed,
            n,
            r * light * alpha,
            g * light * alpha,
            bl * light * alpha,
            alpha,
          );
          continue;
        }
        if (masked && !(alpha >= cutoff)) continue;
        const word = packColor(r * light, g * light, bl * light, 1);
        for (let s = 0; s < n; s++) {
          if ((passed & (1 << s)) !== 0) {
            depth[base + s] = z0 + offZ[s]!;
            color[base + n + s] = word;
          }
        }
      }
    }
  }
}

/**
 * Composites a premultiplied linear colour of opacity `alpha` over samples `passed` of the pixel whose
 * first colour word is `base` ("over", per sample: blending stays exact where triangles meet in a pixel).
 */
function compositeOver(
  color: Uint32Array,
  base: number,
  passed: number,
  n: number,
  r: number,
  g: number,
  b: number,
  alpha: number,
): void {
  const keep = 1 - alpha;
  for (let s = 0; s < n; s++) {
    if ((passed & (1 << s)) === 0) continue;
    const word = color[base + s]!;
    const below = ((word >>> SHIFT_A) & 255) / 255;
    const weight = below * keep;
    const outA = alpha + weight;
    const outR = r + SRGB_TO_LINEAR[(word >>> SHIFT_R) & 255]! * weight;
    const outG = g + SRGB_TO_LINEAR[(word >>> SHIFT_G) & 255]! * weight;
    const outB = b + SRGB_TO_LINEAR[(word >>> SHIFT_B) & 255]! * weight;
    color[base + s] = packColor(outR / outA, outG / outA, outB / outA, outA);
  }
}
