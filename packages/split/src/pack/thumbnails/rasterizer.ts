import { BLEND, MASK, type PreparedMesh, SUBPIXEL } from './prepared-mesh.js';
import type { RenderTarget } from './render-target.js';

/**
 * The triangle rasterizer: a z-buffer, half-space edge functions on vertices snapped to 1/16 of a
 * sample, evaluated in exact integer arithmetic (products stay below 2^53), with the top-left fill
 * rule, so that triangles sharing an edge neither leave a crack nor draw a pixel twice. Each row is
 * cut to the span where all three edge functions are non-negative before any pixel is visited, so
 * thin diagonal triangles cost their pixels, not their bounding box. Attributes (light, vertex
 * colour, UV) are interpolated perspective-correct. Colours are linear and premultiplied.
 *
 * No clipping is needed: the camera is framed so that every vertex lies inside the image and in
 * front of the eye.
 */

/**
 * Draws triangle `t` of `mesh` into `target`. Opaque and masked triangles write depth; blended ones
 * are composited over what is drawn ("over", premultiplied) without writing depth.
 */
export function drawTriangle(target: RenderTarget, mesh: PreparedMesh, t: number): void {
  const indices = mesh.mesh.indices;
  let a = indices[t * 3]!;
  let b = indices[t * 3 + 1]!;
  const c = indices[t * 3 + 2]!;
  // Out-of-range indices read undefined: not 1, so not drawn; so are non-finite vertices.
  const valid = mesh.valid;
  if (valid[a] !== 1 || valid[b] !== 1 || valid[c] !== 1) return;
  const fixed = mesh.fixed;
  let ax = fixed[a * 2]!;
  let ay = fixed[a * 2 + 1]!;
  let bx = fixed[b * 2]!;
  let by = fixed[b * 2 + 1]!;
  const cx = fixed[c * 2]!;
  const cy = fixed[c * 2 + 1]!;
  let area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  if (area === 0) return;
  // y points down on screen: a counter-clockwise (front) triangle has a negative area here.
  const front = area < 0;
  if (!front && !mesh.doubleSided) return;
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

  // Per-vertex light (perspective-interpolated below), from normals or from the triangle's plane.
  let la = 1;
  let lb = 1;
  let lc = 1;
  if (!mesh.unlit) {
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

  const screen = mesh.screen;
  const iza = screen[a * 3 + 2]!;
  const izb = screen[b * 3 + 2]!;
  const izc = screen[c * 3 + 2]!;

  const sampler = mesh.sampler;
  const uvs = mesh.uvs;
  if (sampler && uvs) {
    const du1 = uvs[b * 2]! - uvs[a * 2]!;
    const dv1 = uvs[b * 2 + 1]! - uvs[a * 2 + 1]!;
    const du2 = uvs[c * 2]! - uvs[a * 2]!;
    const dv2 = uvs[c * 2 + 1]! - uvs[a * 2 + 1]!;
    const texelArea = 0.5 * Math.abs(du1 * dv2 - dv1 * du2) * sampler.texelCount;
    sampler.selectLevel(texelArea, (0.5 * area) / (SUBPIXEL * SUBPIXEL));
  }

  const size = target.size;
  const minX = Math.max(0, Math.ceil((Math.min(ax, bx, cx) - SUBPIXEL / 2) / SUBPIXEL));
  const maxX = Math.min(size - 1, Math.floor((Math.max(ax, bx, cx) - SUBPIXEL / 2) / SUBPIXEL));
  const minY = Math.max(0, Math.ceil((Math.min(ay, by, cy) - SUBPIXEL / 2) / SUBPIXEL));
  const maxY = Math.min(size - 1, Math.floor((Math.max(ay, by, cy) - SUBPIXEL / 2) / SUBPIXEL));
  if (minX > maxX || minY > maxY) return;
  target.touch(minX, minY, maxX, maxY);

  // Edge functions E(p) = (q - p0) × (p - p0) for edges ab, bc, ca; at a sample, E_bc, E_ca and E_ab
  // are the (area-scaled) barycentric weights of a, b and c. Slope per sample step: -16 × dy.
  const sAB = -(by - ay) * SUBPIXEL;
  const sBC = -(cy - by) * SUBPIXEL;
  const sCA = -(ay - cy) * SUBPIXEL;
  // Top-left rule (clockwise in y-down): an edge owns its samples if it goes up, or right along a
  // horizontal top. The others need E > 0, i.e. E >= 1 since E is an integer.
  const biasAB = by < ay || (by === ay && bx > ax) ? 0 : -1;
  const biasBC = cy < by || (cy === by && cx > bx) ? 0 : -1;
  const biasCA = ay < cy || (ay === cy && ax > cx) ? 0 : -1;

  const depth = target.depth;
  const color = target.color;
  const blend = mesh.alpha === BLEND;
  const mask = mesh.alpha === MASK;
  const cutoff = mesh.cutoff;
  const colors = mesh.colors;
  const factor = mesh.factor;
  const fr = factor[0];
  const fg = factor[1];
  const fb = factor[2];
  const fa = factor[3];
  const texel = mesh.texel;
  const textured = sampler !== null && uvs !== null;
  const px0 = minX * SUBPIXEL + SUBPIXEL / 2;
  const inverseArea = 1 / area;

  // Everything interpolated is linear in screen space once multiplied by inverse depth: the sum
  // Z = Σ w·iz and, per attribute f, F = Σ w·iz·f. Each steps by a constant along a row, and
  // f = F / Z is the perspective-correct value. Per vertex weights k = iz (× attribute):
  const kA = iza;
  const kB = izb;
  const kC = izc;
  const stepZ = sBC * kA + sCA * kB + sAB * kC;
  const lA = kA * la;
  const lB = kB * lb;
  const lC = kC * lc;
  const stepL = sBC * lA + sCA * lB + sAB * lC;
  // Vertex colours (4 planes) and UVs (2 planes), when the mesh has them.
  const { cA, cB, cC, step } = mesh.planes;
  if (colors) {
    for (let ch = 0; ch < 4; ch++) {
      cA[ch] = kA * colors[a * 4 + ch]!;
      cB[ch] = kB * colors[b * 4 + ch]!;
      cC[ch] = kC * colors[c * 4 + ch]!;
    }
  }
  if (textured) {
    for (let ch = 0; ch < 2; ch++) {
      cA[4 + ch] = kA * uvs[a * 2 + ch]!;
      cB[4 + ch] = kB * uvs[b * 2 + ch]!;
      cC[4 + ch] = kC * uvs[c * 2 + ch]!;
    }
  }
  if (colors || textured)
    for (let ch = 0; ch < 6; ch++) step[ch] = sBC * cA[ch]! + sCA * cB[ch]! + sAB * cC[ch]!;
  const stepR = step[0]!;
  const stepG = step[1]!;
  const stepB = step[2]!;
  const stepA = step[3]!;
  const stepU = step[4]!;
  const stepV = step[5]!;

  for (let y = minY; y <= maxY; y++) {
    const py = y * SUBPIXEL + SUBPIXEL / 2;
    // Unbiased edge values at the row's first sample.
    const eAB = (bx - ax) * (py - ay) - (by - ay) * (px0 - ax);
    const eBC = (cx - bx) * (py - by) - (cy - by) * (px0 - bx);
    const eCA = (ax - cx) * (py - cy) - (ay - cy) * (px0 - cx);
    // The span of samples where every biased edge value is >= 0 (exact: see the file comment).
    let lo = 0;
    let hi = maxX - minX;
    const vAB = eAB + biasAB;
    const vBC = eBC + biasBC;
    const vCA = eCA + biasCA;
    if (sAB > 0) lo = Math.max(lo, Math.ceil(-vAB / sAB));
    else if (sAB < 0) hi = Math.min(hi, Math.floor(vAB / -sAB));
    else if (vAB < 0) continue;
    if (sBC > 0) lo = Math.max(lo, Math.ceil(-vBC / sBC));
    else if (sBC < 0) hi = Math.min(hi, Math.floor(vBC / -sBC));
    else if (vBC < 0) continue;
    if (sCA > 0) lo = Math.max(lo, Math.ceil(-vCA / sCA));
    else if (sCA < 0) hi = Math.min(hi, Math.floor(vCA / -sCA));
    else if (vCA < 0) continue;
    if (lo > hi) continue;
    // Barycentric weights (× area) of a, b, c at the span's first sample.
    const wa = eBC + sBC * lo;
    const wb = eCA + sCA * lo;
    const wc = eAB + sAB * lo;
    let z = wa * kA + wb * kB + wc * kC;
    let l = wa * lA + wb * lB + wc * lC;
    let cr = 0;
    let cg = 0;
    let cb = 0;
    let ca = 0;
    let cu = 0;
    let cv = 0;
    if (colors) {
      cr = wa * cA[0]! + wb * cB[0]! + wc * cC[0]!;
      cg = wa * cA[1]! + wb * cB[1]! + wc * cC[1]!;
      cb = wa * cA[2]! + wb * cB[2]! + wc * cC[2]!;
      ca = wa * cA[3]! + wb * cB[3]! + wc * cC[3]!;
    }
    if (textured) {
      cu = wa * cA[4]! + wb * cB[4]! + wc * cC[4]!;
      cv = wa * cA[5]! + wb * cB[5]! + wc * cC[5]!;
    }
    let index = y * size + minX + lo;
    for (let k = lo; k <= hi; k++) {
      const iz = z * inverseArea;
      if (iz > depth[index]!) {
        const perspective = 1 / z;
        const light = l * perspective;
        let r = fr;
        let g = fg;
        let bl = fb;
        let alpha = fa;
        if (colors) {
          r = cr * perspective;
          g = cg * perspective;
          bl = cb * perspective;
          alpha = ca * perspective;
        }
        if (textured) {
          sampler.sample(cu * perspective, cv * perspective, texel);
          r *= texel[0]!;
          g *= texel[1]!;
          bl *= texel[2]!;
          alpha *= texel[3]!;
        }
        const o = index * 4;
        if (blend) {
          if (alpha > 0) {
            if (alpha > 1) alpha = 1;
            const keep = 1 - alpha;
            color[o] = r * light * alpha + color[o]! * keep;
            color[o + 1] = g * light * alpha + color[o + 1]! * keep;
            color[o + 2] = bl * light * alpha + color[o + 2]! * keep;
            color[o + 3] = alpha + color[o + 3]! * keep;
          }
        } else if (!mask || alpha >= cutoff) {
          depth[index] = iz;
          color[o] = r * light;
          color[o + 1] = g * light;
          color[o + 2] = bl * light;
          color[o + 3] = 1;
        }
      }
      index++;
      z += stepZ;
      l += stepL;
      if (colors) {
        cr += stepR;
        cg += stepG;
        cb += stepB;
        ca += stepA;
      }
      if (textured) {
        cu += stepU;
        cv += stepV;
      }
    }
  }
}
