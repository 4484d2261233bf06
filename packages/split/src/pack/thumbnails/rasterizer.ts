import type { DecodedImage } from '../../images/index.js';
import type { ThumbnailFrame } from './camera.js';
import { lightIntensity } from './lighting.js';
import { LINEAR_STEPS, LINEAR_TO_SRGB } from './srgb.js';
import { type MipmapCache, TextureSampler } from './texture-sampler.js';
import type { ThumbnailMesh } from './thumbnail-scene.js';

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

/** Sub-sample precision of vertex positions: 4 bits, as GPUs use at least. */
const SUBPIXEL = 16;

/**
 * The image being drawn: per sample, inverse depth (0 = nothing yet) and premultiplied linear RGBA.
 * Reusable: {@link clear} resets only the rectangle the last drawing touched, so a thumbnail costs
 * its drawing, not a fresh multi-megabyte allocation.
 */
export class RenderTarget {
  readonly size: number;
  readonly depth: Float32Array;
  readonly color: Float32Array;
  /** Samples that triangles may have written since the last clear (inclusive; empty when min > max). */
  #minX: number;
  #minY: number;
  #maxX = -1;
  #maxY = -1;

  constructor(size: number) {
    this.size = size;
    this.depth = new Float32Array(size * size);
    this.color = new Float32Array(size * size * 4);
    this.#minX = size;
    this.#minY = size;
  }

  /** Marks a rectangle of samples as (possibly) written. */
  touch(minX: number, minY: number, maxX: number, maxY: number): void {
    if (minX < this.#minX) this.#minX = minX;
    if (minY < this.#minY) this.#minY = minY;
    if (maxX > this.#maxX) this.#maxX = maxX;
    if (maxY > this.#maxY) this.#maxY = maxY;
  }

  /** Resets every sample written since the last clear to empty. */
  clear(): void {
    for (let y = this.#minY; y <= this.#maxY; y++) {
      const row = y * this.size;
      this.depth.fill(0, row + this.#minX, row + this.#maxX + 1);
      this.color.fill(0, (row + this.#minX) * 4, (row + this.#maxX + 1) * 4);
    }
    this.#minX = this.size;
    this.#minY = this.size;
    this.#maxX = -1;
    this.#maxY = -1;
  }

  /**
   * Averages `factor` × `factor` samples into each output pixel (box filter, in linear light, on
   * premultiplied colour) and encodes sRGB with straight alpha, as PNG wants it. Only the written
   * rectangle is read; the rest of the image is transparent.
   */
  resolve(factor: number): DecodedImage {
    const out = Math.floor(this.size / factor);
    const data = new Uint8Array(out * out * 4);
    const color = this.color;
    const n = factor * factor;
    const row = this.size * 4;
    const x0 = Math.floor(this.#minX / factor);
    const x1 = Math.min(out - 1, Math.floor(this.#maxX / factor));
    const y0 = Math.floor(this.#minY / factor);
    const y1 = Math.min(out - 1, Math.floor(this.#maxY / factor));
    const size = this.size;
    // Fully covered opaque pixels (the common case) skip the division of the un-premultiply.
    const fullScale = LINEAR_STEPS / n;
    for (let y = y0; y <= y1; y++) {
      let first = (y * factor * size + x0 * factor) * 4;
      let o = (y * out + x0) * 4;
      for (let x = x0; x <= x1; x++, first += factor * 4, o += 4) {
        let r: number;
        let g: number;
        let b: number;
        let a: number;
        if (factor === 2) {
          // The default, unrolled: the four samples are two pairs on two rows.
          const second = first + row;
          a = color[first + 3]! + color[first + 7]! + color[second + 3]! + color[second + 7]!;
          if (a <= 0) continue;
          r = color[first]! + color[first + 4]! + color[second]! + color[second + 4]!;
          g = color[first + 1]! + color[first + 5]! + color[second + 1]! + color[second + 5]!;
          b = color[first + 2]! + color[first + 6]! + color[second + 2]! + color[second + 6]!;
        } else {
          r = 0;
          g = 0;
          b = 0;
          a = 0;
          for (let sy = 0; sy < factor; sy++) {
            for (let sx = 0, i = first + sy * row; sx < factor; sx++, i += 4) {
              r += color[i]!;
              g += color[i + 1]!;
              b += color[i + 2]!;
              a += color[i + 3]!;
            }
          }
          if (a <= 0) continue;
        }
        // Un-premultiply and encode; `(x + 0.5) | 0` rounds (x >= 0) several times faster than
        // Math.round here, and NaN becomes 0 (a negative index reads undefined, stored as 0).
        const scale = a === n ? fullScale : LINEAR_STEPS / a;
        data[o] = LINEAR_TO_SRGB[Math.min((r * scale + 0.5) | 0, LINEAR_STEPS)]!;
        data[o + 1] = LINEAR_TO_SRGB[Math.min((g * scale + 0.5) | 0, LINEAR_STEPS)]!;
        data[o + 2] = LINEAR_TO_SRGB[Math.min((b * scale + 0.5) | 0, LINEAR_STEPS)]!;
        data[o + 3] = a === n ? 255 : Math.min(((a / n) * 255 + 0.5) | 0, 255);
      }
    }
    return { width: out, height: out, data };
  }
}

/** Alpha modes as small integers for the inner loop. */
const OPAQUE = 0;
const MASK = 1;
const BLEND = 2;
type AlphaCode = typeof OPAQUE | typeof MASK | typeof BLEND;

/** A mesh made ready for drawing: screen positions, per-vertex light, colours and UVs. */
export class PreparedMesh {
  readonly mesh: ThumbnailMesh;
  /** x, y (samples), inverse depth per vertex. */
  readonly screen: Float64Array;
  /** Snapped x, y per vertex. */
  readonly fixed: Float64Array;
  /** 1 where the vertex is used and finite. */
  readonly valid: Uint8Array;
  /** Light on the front and back side of each vertex (NaN: no usable normal); null: flat shading. */
  readonly lightFront: Float32Array | null;
  readonly lightBack: Float32Array | null;
  /** Base colour factor × vertex colour per vertex, or null when the factor alone applies. */
  readonly colors: Float32Array | null;
  readonly factor: readonly [number, number, number, number];
  /** UVs after the texture transform, or null when there is no texture to sample. */
  readonly uvs: Float64Array | null;
  readonly sampler: TextureSampler | null;
  readonly alpha: AlphaCode;
  readonly cutoff: number;
  readonly doubleSided: boolean;
  readonly unlit: boolean;
  /** Scratch for one texture sample. */
  readonly texel = new Float32Array(4);
  /** Scratch for one triangle's colour and UV planes: per-vertex values × inverse depth, and steps. */
  readonly planes = {
    cA: new Float64Array(6),
    cB: new Float64Array(6),
    cC: new Float64Array(6),
    step: new Float64Array(6),
  };

  constructor(mesh: ThumbnailMesh, frame: ThumbnailFrame, valid: Uint8Array, mipmaps: MipmapCache) {
    this.mesh = mesh;
    this.valid = valid;
    const count = valid.length;
    this.screen = new Float64Array(count * 3);
    frame.projectMesh(mesh, this.screen);
    this.fixed = new Float64Array(count * 2);
    for (let v = 0; v < count; v++) {
      this.fixed[v * 2] = Math.round(this.screen[v * 3]! * SUBPIXEL);
      this.fixed[v * 2 + 1] = Math.round(this.screen[v * 3 + 1]! * SUBPIXEL);
    }
    this.unlit = mesh.unlit === true;
    this.doubleSided = mesh.doubleSided === true;
    const normals = mesh.normals && mesh.normals.length >= count * 3 ? mesh.normals : null;
    if (normals && !this.unlit) {
      this.lightFront = new Float32Array(count);
      this.lightBack = this.doubleSided ? new Float32Array(count) : null;
      for (let v = 0; v < count; v++) {
        if (valid[v] !== 1) continue;
        const x = normals[v * 3]!;
        const y = normals[v * 3 + 1]!;
        const z = normals[v * 3 + 2]!;
        this.lightFront[v] = lightIntensity(x, y, z);
        if (this.lightBack) this.lightBack[v] = lightIntensity(-x, -y, -z);
      }
    } else {
      this.lightFront = null;
      this.lightBack = null;
    }
    const f = mesh.baseColorFactor ?? [1, 1, 1, 1];
    this.factor = [f[0], f[1], f[2], f[3]];
    const colors = mesh.colors && mesh.colors.length >= count * 4 ? mesh.colors : null;
    if (colors) {
      this.colors = new Float32Array(count * 4);
      for (let i = 0; i < count * 4; i++) this.colors[i] = colors[i]! * this.factor[i & 3]!;
    } else {
      this.colors = null;
    }
    const uvs = mesh.uvs && mesh.uvs.length >= count * 2 ? mesh.uvs : null;
    if (mesh.texture && uvs) {
      this.sampler = new TextureSampler(mesh.texture, mipmaps);
      this.uvs = new Float64Array(count * 2);
      const m = mesh.texture.uvTransform;
      for (let v = 0; v < count; v++) {
        const u = uvs[v * 2]!;
        const w = uvs[v * 2 + 1]!;
        this.uvs[v * 2] = m ? m[0] * u + m[1] * w + m[2] : u;
        this.uvs[v * 2 + 1] = m ? m[3] * u + m[4] * w + m[5] : w;
      }
    } else {
      this.sampler = null;
      this.uvs = null;
    }
    this.alpha = mesh.alphaMode === 'BLEND' ? BLEND : mesh.alphaMode === 'MASK' ? MASK : OPAQUE;
    this.cutoff = mesh.alphaCutoff ?? 0.5;
  }

  /** Whether triangles of this mesh are blended (drawn after the others, far to near). */
  get blended(): boolean {
    return this.alpha === BLEND;
  }

  /** Light of the triangle's plane, on the side the camera sees (for meshes without normals). */
  faceLight(a: number, b: number, c: number, front: boolean): number {
    const p = this.mesh.positions;
    const ux = p[b * 3]! - p[a * 3]!;
    const uy = p[b * 3 + 1]! - p[a * 3 + 1]!;
    const uz = p[b * 3 + 2]! - p[a * 3 + 2]!;
    const vx = p[c * 3]! - p[a * 3]!;
    const vy = p[c * 3 + 1]! - p[a * 3 + 1]!;
    const vz = p[c * 3 + 2]! - p[a * 3 + 2]!;
    // Counter-clockwise front faces: (b - a) × (c - a) points out of the front side.
    const s = front ? 1 : -1;
    const light = lightIntensity(s * (uy * vz - uz * vy), s * (uz * vx - ux * vz), s * (ux * vy - uy * vx));
    // A triangle too thin to have a plane in float64 still covers pixels after snapping: light it
    // as if it faced the camera.
    return Number.isNaN(light) ? lightIntensity(0.6, 0.5, 0.8) : light;
  }
}

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
