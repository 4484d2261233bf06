import type { DecodedImage } from '../../images/index.js';

/**
 * What the thumbnail renderer draws: plain arrays, no glTF types, so that any source (a glTF-Transform
 * Document through `thumbnailSceneOf`, a test, a worker receiving transferred buffers) can build one.
 * Everything is already in the space to draw (world space, glTF conventions: Y up, +Z the front,
 * counter-clockwise front faces, metres or whatever unit the model uses: the camera frames the bounds).
 */
export interface ThumbnailScene {
  meshes: ThumbnailMesh[];
}

/**
 * A scene read mesh by mesh rather than held whole (render-thumbnail.ts, drawThumbnailStream): the
 * byte-level split's whole model, each primitive read from the file into memory reused for the next.
 */
export interface ThumbnailSceneStream {
  /** How many units (the byte-level split: primitives under a node) the meshes come in. */
  readonly units: number;
  /**
   * Hands the meshes of units `from` … `to` − 1 to `visit`, in drawing order; a mesh and its arrays
   * need only last until `visit` returns. Every unit is asked for three times per drawing (framing
   * twice, then drawing, maybe a slice at a time): it must give the same meshes each time.
   */
  forEachMesh(visit: (mesh: ThumbnailMesh) => void, from: number, to: number): void;
}

/** How a texture repeats outside [0, 1] (glTF sampler wrapS / wrapT). */
export type TextureWrap = 'repeat' | 'clamp' | 'mirror';

/** glTF material alpha modes. */
export type ThumbnailAlphaMode = 'OPAQUE' | 'MASK' | 'BLEND';

/** A decoded base colour texture and how it is sampled. */
export interface ThumbnailTexture {
  /** sRGB-encoded 8-bit RGBA pixels, rows top to bottom: UV (0, 0) is the image's top-left corner. */
  image: DecodedImage;
  /** Default `repeat` (glTF's default sampler). */
  wrapS?: TextureWrap;
  /** Default `repeat`. */
  wrapT?: TextureWrap;
  /** Magnification filter: `nearest` keeps pixel art crisp. Default `linear` (bilinear). */
  filter?: 'linear' | 'nearest';
  /**
   * Affine UV transform (KHR_texture_transform), row-major 2×3: u' = m[0]u + m[1]v + m[2],
   * v' = m[3]u + m[4]v + m[5]. Default: none.
   */
  uvTransform?: readonly [number, number, number, number, number, number];
}

/** One triangle list with its material. Arrays may be shared between meshes (GPU instances). */
export interface ThumbnailMesh {
  /**
   * xyz per vertex, in the space to draw, or in the mesh's own space when {@link matrix} is given.
   * Non-finite vertices are ignored (triangles using them are not drawn).
   */
  positions: Float32Array | Float64Array;
  /**
   * Where {@link positions} and {@link normals} are drawn: a column-major 4 × 4 affine matrix (glTF's
   * layout), applied by the renderer in float64 into memory it reuses (placement.ts), so that a
   * caller can hand it an accessor's arrays as they are. Normals go by its inverse transpose. It does
   * not change the winding: give {@link indices} as they are to be drawn (reversed under a mirroring
   * matrix, as staticMeshes does). Default: none, the arrays are already placed.
   */
  matrix?: readonly number[] | null;
  /** Three vertex indices per triangle, counter-clockwise for front faces. */
  indices: Uint32Array;
  /**
   * xyz per vertex (need not be unit length). Absent: flat shading from each triangle's plane, as
   * glTF asks for primitives without normals.
   */
  normals?: Float32Array | Float64Array | null;
  /** Linear RGBA per vertex (glTF COLOR_0; vec3 colours get alpha 1), multiplied into the base colour. */
  colors?: Float32Array | null;
  /** UV per vertex, for {@link texture}. */
  uvs?: Float32Array | Float64Array | null;
  /** Base colour texture; ignored without {@link uvs}. */
  texture?: ThumbnailTexture | null;
  /** Linear RGBA base colour factor. Default white, opaque. */
  baseColorFactor?: readonly [number, number, number, number];
  /** Default `OPAQUE`. */
  alphaMode?: ThumbnailAlphaMode;
  /** MASK threshold. Default 0.5. */
  alphaCutoff?: number;
  /** Draw back faces too (with flipped normals). Default false: back faces are culled, as viewers do. */
  doubleSided?: boolean;
  /** KHR_materials_unlit: the colour is shown as it is, without lighting. Default false. */
  unlit?: boolean;
}
