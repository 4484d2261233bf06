import type { ThumbnailFrame } from './camera.js';
import { lightIntensity } from './lighting.js';
import type { ShadeTables } from './shade-table.js';
import { type MipmapCache, TextureSampler } from './texture-sampler.js';
import type { ThumbnailMesh } from './thumbnail-scene.js';

/** Sub-sample precision of vertex positions: 4 bits, as GPUs use at least. */
export const SUBPIXEL = 16;

const NO_SHADES = new Uint32Array(0);

/** Alpha modes as small integers for the inner loop. */
export const OPAQUE = 0;
export const MASK = 1;
export const BLEND = 2;
type AlphaCode = typeof OPAQUE | typeof MASK | typeof BLEND;

/**
 * Per-vertex arrays of a prepared mesh, grown as needed and reused from mesh to mesh and render to
 * render (a `ThumbnailCache` keeps one): a part's thumbnail then allocates nothing per vertex.
 */
export class VertexBuffers {
  /** Snapped x, y per vertex, in 1/{@link SUBPIXEL} of a sample. */
  fixed = new Float64Array(0);
  inverseDepth = new Float64Array(0);
  lightFront = new Float32Array(0);
  lightBack = new Float32Array(0);
  colors = new Float32Array(0);
  uvs = new Float64Array(0);

  /** Makes room for `count` vertices (contents are not kept). */
  reserve(count: number): void {
    if (this.inverseDepth.length >= count) return;
    const capacity = Math.max(count, this.inverseDepth.length * 2);
    this.fixed = new Float64Array(capacity * 2);
    this.inverseDepth = new Float64Array(capacity);
    this.lightFront = new Float32Array(capacity);
    this.lightBack = new Float32Array(capacity);
    this.colors = new Float32Array(capacity * 4);
    this.uvs = new Float64Array(capacity * 2);
  }
}

/** A mesh made ready for drawing: snapped screen positions, per-vertex light, colours and UVs. */
export class PreparedMesh {
  readonly mesh: ThumbnailMesh;
  /** Snapped x, y per vertex, in 1/{@link SUBPIXEL} of a sample. */
  readonly fixed: Float64Array;
  /** Inverse depth per vertex (larger is nearer). */
  readonly inverseDepth: Float64Array;
  /** 1 where the vertex is used and finite. */
  readonly valid: Uint8Array;
  /** Light on the front and back side of each vertex (NaN: no usable normal); null: flat shading. */
  readonly lightFront: Float32Array | null;
  readonly lightBack: Float32Array | null;
  /** Base colour factor × vertex colour per vertex, or null when the factor alone applies. */
  readonly colors: Float32Array | null;
  /** Linear RGBA base colour factor (a Float64Array: always doubles, for the rasterizer's loop). */
  readonly factor: Float64Array;
  /** UVs after the texture transform, or null when there is no texture to sample. */
  readonly uvs: Float64Array | null;
  readonly sampler: TextureSampler | null;
  readonly alpha: AlphaCode;
  readonly cutoff: number;
  readonly doubleSided: boolean;
  readonly unlit: boolean;
  /** Sample word per light level (ShadeTables) for an opaque mesh coloured by its factor alone; else empty. */
  readonly shades: Uint32Array;
  /** Scratch for one texture sample. */
  readonly texel = new Float32Array(4);

  /**
   * Projects and lights `mesh` for `frame` (framed in samples), snapped to 1/{@link SUBPIXEL} of a sample, into
   * `buffers` (reused by the next mesh: draw this one first) or into arrays of its own.
   */
  constructor(
    mesh: ThumbnailMesh,
    frame: ThumbnailFrame,
    valid: Uint8Array,
    mipmaps: MipmapCache,
    buffers: VertexBuffers = new VertexBuffers(),
    shades: ShadeTables | null = null,
  ) {
    this.mesh = mesh;
    this.valid = valid;
    const count = valid.length;
    buffers.reserve(count);
    this.fixed = buffers.fixed;
    this.inverseDepth = buffers.inverseDepth;
    frame.snapMesh(mesh, SUBPIXEL, this.fixed, this.inverseDepth);
    this.unlit = mesh.unlit === true;
    this.doubleSided = mesh.doubleSided === true;
    const normals = mesh.normals && mesh.normals.length >= count * 3 ? mesh.normals : null;
    if (normals && !this.unlit) {
      const front = buffers.lightFront;
      const back = this.doubleSided ? buffers.lightBack : null;
      for (let v = 0; v < count; v++) {
        if (valid[v] !== 1) continue;
        const x = normals[v * 3]!;
        const y = normals[v * 3 + 1]!;
        const z = normals[v * 3 + 2]!;
        front[v] = lightIntensity(x, y, z);
        if (back) back[v] = lightIntensity(-x, -y, -z);
      }
      this.lightFront = front;
      this.lightBack = back;
    } else {
      this.lightFront = null;
      this.lightBack = null;
    }
    const f = mesh.baseColorFactor ?? [1, 1, 1, 1];
    this.factor = Float64Array.of(f[0], f[1], f[2], f[3]);
    const colors = mesh.colors && mesh.colors.length >= count * 4 ? mesh.colors : null;
    if (colors) {
      this.colors = buffers.colors;
      for (let i = 0; i < count * 4; i++) this.colors[i] = colors[i]! * this.factor[i & 3]!;
    } else {
      this.colors = null;
    }
    const uvs = mesh.uvs && mesh.uvs.length >= count * 2 ? mesh.uvs : null;
    if (mesh.texture && uvs) {
      this.sampler = new TextureSampler(mesh.texture, mipmaps);
      this.uvs = buffers.uvs;
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
    this.shades =
      shades && this.alpha === OPAQUE && !this.colors && !this.sampler
        ? shades.of(this.factor[0]!, this.factor[1]!, this.factor[2]!)
        : NO_SHADES;
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
