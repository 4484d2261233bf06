import type { ThumbnailFrame } from './camera.js';
import { lightIntensity } from './lighting.js';
import { type MipmapCache, TextureSampler } from './texture-sampler.js';
import type { ThumbnailMesh } from './thumbnail-scene.js';

/** Sub-sample precision of vertex positions: 4 bits, as GPUs use at least. */
export const SUBPIXEL = 16;

/** Alpha modes as small integers for the inner loop. */
export const OPAQUE = 0;
export const MASK = 1;
export const BLEND = 2;
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
