import { describe, expect, it } from 'vitest';
import {
  frameThumbnail,
  parseThumbnailsOption,
  renderThumbnail,
  THUMBNAIL_CAMERA,
  type ThumbnailMesh,
  type ThumbnailScene,
} from '../src/pack/thumbnails/index.js';
import {
  coverage,
  coveredBox,
  cubeMesh,
  gridMesh,
  imageDifference,
  partialPixels,
  pixelAt,
  pixelOf,
  quadMesh,
  quadrantsImage,
  srgb8,
} from './helpers/thumbnail-checks.js';

const SIZE = 128;

/** Renders and frames a scene the same way (the frame tells where world points land). */
function render(scene: ThumbnailScene, size = SIZE, supersample?: number) {
  const image = renderThumbnail(scene, { size, ...(supersample ? { supersample } : {}) });
  const frame = frameThumbnail(scene, size);
  return { image, frame: frame! };
}

/** Red channel seen at the centre of a cube face (the face whose outward axis is given). */
function faceRed(scene: ThumbnailScene, axis: 0 | 1 | 2): number {
  const { image, frame } = render(scene);
  const point = [0, 0, 0];
  point[axis] = 0.5;
  return pixelOf(image, frame, point)[0]!;
}

describe('renderThumbnail: camera, lighting and coverage', () => {
  const red: ThumbnailMesh = { ...cubeMesh(), baseColorFactor: [0.8, 0.02, 0.02, 1] };

  it('draws a red cube: red centre, transparent corners, three faces in three shades', () => {
    const { image, frame } = render({ meshes: [red] });
    expect(image.width).toBe(SIZE);
    expect(image.height).toBe(SIZE);
    const [r, g, b, a] = pixelAt(image, SIZE / 2, SIZE / 2);
    expect(a).toBe(255);
    expect(r).toBeGreaterThan(120);
    expect(r).toBeGreaterThan(3 * g);
    expect(r).toBeGreaterThan(3 * b);
    for (const [x, y] of [
      [0, 0],
      [SIZE - 1, 0],
      [0, SIZE - 1],
      [SIZE - 1, SIZE - 1],
    ])
      expect(pixelAt(image, x!, y!)[3]).toBe(0);
    // The camera looks from +X+Y+Z: the right (+X), top (+Y) and front (+Z) faces are visible, lit
    // top brightest, then front, then right (THUMBNAIL_LIGHTS).
    const [right, top, front] = [0, 1, 2].map((axis) => {
      const point = [0, 0, 0];
      point[axis] = 0.5;
      const pixel = pixelOf(image, frame, point);
      expect(pixel[3]).toBe(255);
      return pixel[0]!;
    });
    expect(top! - front!).toBeGreaterThan(12);
    expect(front! - right!).toBeGreaterThan(12);
  });

  it('hides what is behind, whatever the drawing order (z-buffer)', () => {
    // The far cube sits behind the near one, shifted sideways: partly hidden from the camera.
    const near: ThumbnailMesh = { ...cubeMesh([0, 0, 0.8]), baseColorFactor: [1, 0, 0, 1] };
    const far: ThumbnailMesh = { ...cubeMesh([-0.36, -0.72, -0.75]), baseColorFactor: [0, 0, 1, 1] };
    // A fully transparent copy keeps the framing while drawing nothing.
    const hidden = (mesh: ThumbnailMesh): ThumbnailMesh => ({
      ...mesh,
      alphaMode: 'BLEND',
      baseColorFactor: [0, 0, 0, 0],
    });
    const both = render({ meshes: [near, far] }).image;
    expect(imageDifference(both, render({ meshes: [far, near] }).image, 0).pixels).toBe(0);
    const nearOnly = render({ meshes: [near, hidden(far)] }).image;
    const farOnly = render({ meshes: [hidden(near), far] }).image;
    let overlap = 0;
    let farSeen = 0;
    for (let i = 0; i < both.data.length; i += 4) {
      const pixel = (image: typeof both) => Array.from(image.data.subarray(i, i + 4));
      if (nearOnly.data[i + 3] === 255) {
        if (farOnly.data[i + 3] === 255) overlap++;
        expect(pixel(both)).toEqual(pixel(nearOnly));
      } else if (nearOnly.data[i + 3] === 0 && farOnly.data[i + 3] === 255) {
        farSeen++;
        expect(pixel(both)).toEqual(pixel(farOnly));
      }
    }
    expect(overlap).toBeGreaterThan(500);
    expect(farSeen).toBeGreaterThan(500);
  });

  it('shades a cube without normals flat, from its triangles, like the one with normals', () => {
    const flat = { meshes: [{ ...red, normals: null }] };
    const smooth = { meshes: [red] };
    for (const axis of [0, 1, 2] as const) expect(faceRed(flat, axis)).toBe(faceRed(smooth, axis));
  });

  it('frames the bounds: a 1 mm cube at (1000, 1000, 1000) fills the image like a unit cube at the origin', () => {
    const unit = coverage(render({ meshes: [cubeMesh()] }).image);
    // Float32 positions, as a glTF file stores them: 1000.001 is only 16 float32 steps from 1000.
    const tinyMesh = cubeMesh([1000, 1000, 1000], 0.001);
    const tiny = coverage(
      render({ meshes: [{ ...tinyMesh, positions: new Float32Array(tinyMesh.positions) }] }).image,
    );
    const huge = coverage(render({ meshes: [cubeMesh([-3e7, 5e6, 1e8], 2e6)] }).image);
    expect(unit).toBeGreaterThan(SIZE * SIZE * 0.4);
    expect(Math.abs(tiny - unit) / unit).toBeLessThan(0.1);
    expect(Math.abs(huge - unit) / unit).toBeLessThan(0.01);
  });

  it('fills the image less the margin along the drawing’s longer side, centred', () => {
    const { image } = render({ meshes: [cubeMesh()] }, 200);
    const box = coveredBox(image)!;
    const margin = 200 * THUMBNAIL_CAMERA.margin;
    const width = box.maxX - box.minX + 1;
    const height = box.maxY - box.minY + 1;
    expect(Math.max(width, height)).toBeGreaterThanOrEqual(200 - 2 * margin - 2);
    expect(Math.max(width, height)).toBeLessThanOrEqual(200 - 2 * margin + 2);
    expect(Math.abs(box.minX - (199 - box.maxX))).toBeLessThanOrEqual(2);
    expect(Math.abs(box.minY - (199 - box.maxY))).toBeLessThanOrEqual(2);
  });

  it('gives a fully transparent image for nothing to draw, and ignores non-finite vertices', () => {
    const empty = (scene: ThumbnailScene) => {
      const image = renderThumbnail(scene, { size: 32 });
      expect(image.width).toBe(32);
      expect(image.data.every((value) => value === 0)).toBe(true);
    };
    empty({ meshes: [] });
    empty({ meshes: [{ positions: new Float32Array(0), indices: new Uint32Array(0) }] });
    // A degenerate triangle (all corners on one line), and indices past the vertex array.
    empty({
      meshes: [
        { positions: new Float64Array([0, 0, 0, 1, 1, 1, 2, 2, 2]), indices: new Uint32Array([0, 1, 2]) },
      ],
    });
    empty({ meshes: [{ positions: new Float64Array([0, 0, 0]), indices: new Uint32Array([0, 5, 9]) }] });
    empty({
      meshes: [
        {
          positions: new Float64Array([Number.NaN, 0, 0, 1, 0, 0, 0, 1, 0]),
          indices: new Uint32Array([0, 1, 2]),
        },
      ],
    });

    // A cube with an extra triangle through a NaN and an infinite vertex draws as the cube alone.
    const cube = cubeMesh();
    const positions = new Float64Array([...cube.positions, Number.NaN, 0, 0, 0, Infinity, 0]);
    const indices = new Uint32Array([...cube.indices, 0, 24, 25]);
    const withJunk = renderThumbnail(
      { meshes: [{ ...cube, positions, normals: null, indices }] },
      { size: 64 },
    );
    const clean = renderThumbnail({ meshes: [{ ...cube, normals: null }] }, { size: 64 });
    expect(imageDifference(withJunk, clean, 0).pixels).toBe(0);
  });

  it('culls back faces of single-sided meshes and lights both sides of double-sided ones', () => {
    // A quad facing -Z is seen from behind by the camera.
    const back = quadMesh();
    const reversed: ThumbnailMesh = {
      ...back,
      indices: new Uint32Array([0, 2, 1, 0, 3, 2]),
      normals: new Float32Array([0, 0, -1, 0, 0, -1, 0, 0, -1, 0, 0, -1]),
    };
    expect(coverage(renderThumbnail({ meshes: [reversed] }, { size: 64 }))).toBe(0);
    const both = renderThumbnail({ meshes: [{ ...reversed, doubleSided: true }] }, { size: 64 });
    const front = renderThumbnail({ meshes: [quadMesh()] }, { size: 64 });
    expect(coverage(both)).toBe(coverage(front));
    // Its visible side faces the camera: lit like the front-facing quad, not like a face turned away.
    expect(imageDifference(both, front, 1).pixels).toBe(0);
  });

  it('anti-aliases edges by supersampling, and leaves no crack or double hit on a shared edge', () => {
    const aliased = renderThumbnail({ meshes: [cubeMesh()] }, { size: 64, supersample: 1 });
    const smooth = renderThumbnail({ meshes: [cubeMesh()] }, { size: 64, supersample: 2 });
    expect(partialPixels(aliased)).toBe(0);
    expect(partialPixels(smooth)).toBeGreaterThan(40);
    // A half-transparent grid of 2 × 40 × 40 triangles: every covered pixel blended exactly once
    // (a pixel drawn twice on a shared edge or corner would be 75 % opaque, a crack 0 %). With this
    // many edges, some pass exactly through pixel centres, where the top-left rule decides.
    const glass = renderThumbnail(
      { meshes: [{ ...gridMesh(40), alphaMode: 'BLEND', baseColorFactor: [1, 1, 1, 0.5] }] },
      { size: 97, supersample: 1 },
    );
    const alphas = new Set<number>();
    for (let i = 3; i < glass.data.length; i += 4) alphas.add(glass.data[i]!);
    expect([...alphas].sort((a, b) => a - b)).toEqual([0, 128]);
    // Row spans are contiguous: no hole inside the silhouette.
    for (let y = 0; y < 97; y++) {
      const row = Array.from({ length: 97 }, (_, x) => pixelAt(glass, x, y)[3]);
      const first = row.indexOf(128);
      if (first < 0) continue;
      expect(row.slice(first, row.lastIndexOf(128) + 1).every((a) => a === 128)).toBe(true);
    }
  });

  it('rejects sizes it cannot draw', () => {
    const scene = { meshes: [cubeMesh()] };
    for (const size of [0, -1, 2.5, 5000, Number.NaN])
      expect(() => renderThumbnail(scene, { size })).toThrow(RangeError);
    expect(() => renderThumbnail(scene, { supersample: 3.5 })).toThrow(RangeError);
  });
});

describe('renderThumbnail: colours and textures', () => {
  it('shows vertex colours (linear, sRGB-encoded in the image) where they are', () => {
    const cube = cubeMesh();
    // One colour per face (4 vertices each): faces in cubeMesh order +X, -X, +Y, -Y, +Z, -Z.
    const faceColors = [
      [0.5, 0.2, 0.1],
      [0, 0, 0],
      [0.1, 0.5, 0.2],
      [0, 0, 0],
      [0.2, 0.1, 0.5],
      [0, 0, 0],
    ];
    const colors = new Float32Array(24 * 4);
    faceColors.forEach((rgb, face) => {
      for (let v = 0; v < 4; v++) colors.set([...rgb, 1], (face * 4 + v) * 4);
    });
    const scene = { meshes: [{ ...cube, colors, unlit: true }] };
    const { image, frame } = render(scene);
    for (const [axis, rgb] of [
      [0, faceColors[0]!],
      [1, faceColors[2]!],
      [2, faceColors[4]!],
    ] as const) {
      const point = [0, 0, 0];
      point[axis] = 0.5;
      const pixel = pixelOf(image, frame, point);
      expect(pixel.slice(0, 3)).toEqual(rgb.map((c) => srgb8(c)));
      expect(pixel[3]).toBe(255);
    }
    // The base colour factor multiplies them.
    const halved = render({
      meshes: [{ ...cube, colors, unlit: true, baseColorFactor: [0.5, 0.5, 0.5, 1] }],
    });
    expect(pixelOf(halved.image, halved.frame, [0.5, 0, 0]).slice(0, 3)).toEqual(
      [0.25, 0.1, 0.05].map(srgb8),
    );
  });

  it('maps a texture the right way up: UV (0, 0) is the image’s top-left', () => {
    const mesh = { ...quadMesh(), texture: { image: quadrantsImage() }, unlit: true };
    const { image, frame } = render({ meshes: [mesh] }, 160);
    expect(pixelOf(image, frame, [-0.5, 0.5, 0])).toEqual([255, 0, 0, 255]);
    expect(pixelOf(image, frame, [0.5, 0.5, 0])).toEqual([0, 255, 0, 255]);
    expect(pixelOf(image, frame, [-0.5, -0.5, 0])).toEqual([0, 0, 255, 255]);
    expect(pixelOf(image, frame, [0.5, -0.5, 0])).toEqual([255, 255, 255, 255]);
    // Lit, the hue stays: the red quadrant is red, only darker or lighter.
    const lit = render({ meshes: [{ ...mesh, unlit: false }] }, 160);
    const [r, g, b] = pixelOf(lit.image, lit.frame, [-0.5, 0.5, 0]);
    expect(r).toBeGreaterThan(150);
    expect(g! + b!).toBe(0);
  });

  it('follows the wrap modes and the texture transform', () => {
    // UVs from 0 to 2 across the quad: x = 0.25 is u = 1.25, x = 0.75 is u = 1.75 (v = 0.25 on top).
    const quad = { ...quadMesh(0, 2), unlit: true };
    const at = (texture: ThumbnailMesh['texture'], x: number) => {
      const { image, frame } = render({ meshes: [{ ...quad, texture }] }, 160);
      return pixelOf(image, frame, [x, 0.75, 0]).slice(0, 3);
    };
    const image = quadrantsImage();
    expect(at({ image, wrapS: 'repeat' }, 0.25)).toEqual([255, 0, 0]); // 1.25 → 0.25: red
    expect(at({ image, wrapS: 'clamp' }, 0.25)).toEqual([0, 255, 0]); // → 1: the last column, green
    expect(at({ image, wrapS: 'mirror' }, 0.75)).toEqual([255, 0, 0]); // 1.75 → 0.25: red
    // An offset of half the image turns red into green on the top row.
    const shifted = {
      ...quadMesh(),
      unlit: true,
      texture: { image, uvTransform: [1, 0, 0.5, 0, 1, 0] as const },
    };
    const { image: out, frame } = render({ meshes: [shifted] }, 160);
    expect(pixelOf(out, frame, [-0.5, 0.5, 0]).slice(0, 3)).toEqual([0, 255, 0]);
  });

  it('averages a large texture into its mip levels instead of skipping texels', () => {
    // 256 × 256 one-pixel black and white checks on a quad drawn ~70 pixels wide: sampled without
    // mip levels it would alias into black or white blotches; filtered it is mid-grey everywhere.
    const data = new Uint8Array(256 * 256 * 4);
    for (let i = 0; i < 256 * 256; i++) {
      const on = ((i % 256) + Math.floor(i / 256)) % 2 === 0 ? 255 : 0;
      data.set([on, on, on, 255], i * 4);
    }
    const mesh = { ...quadMesh(), unlit: true, texture: { image: { width: 256, height: 256, data } } };
    const { image, frame } = render({ meshes: [mesh] }, 80, 1);
    const grey = srgb8(0.5);
    for (const point of [
      [-0.5, 0.5, 0],
      [0.3, -0.2, 0],
      [0, 0, 0],
    ]) {
      const [r] = pixelOf(image, frame, point);
      expect(Math.abs(r! - grey)).toBeLessThan(12);
    }
  });

  it('blends BLEND materials over what is behind them and cuts MASK materials at the cutoff', () => {
    const blue: ThumbnailMesh = { ...quadMesh(-0.5), baseColorFactor: [0, 0, 1, 1], unlit: true };
    const glass: ThumbnailMesh = {
      ...quadMesh(0.5),
      baseColorFactor: [1, 0, 0, 0.5],
      alphaMode: 'BLEND',
      unlit: true,
    };
    // Listed first, drawn last: blending waits for the opaque meshes.
    const { image, frame } = render({ meshes: [glass, blue] });
    const [r, g, b, a] = pixelOf(image, frame, [0, 0, 0.5]);
    expect(a).toBe(255);
    expect(g).toBe(0);
    expect(r).toBe(srgb8(0.5));
    expect(b).toBe(srgb8(0.5));

    // The top-right texel is transparent: cut by MASK, opaque under OPAQUE.
    const texture = { image: quadrantsImage([255, 0, 255, 255]) };
    const masked = render({ meshes: [{ ...quadMesh(), texture, alphaMode: 'MASK', unlit: true }] }, 160);
    expect(pixelOf(masked.image, masked.frame, [0.5, 0.5, 0])[3]).toBe(0);
    expect(pixelOf(masked.image, masked.frame, [-0.5, 0.5, 0])[3]).toBe(255);
    const opaque = render({ meshes: [{ ...quadMesh(), texture, unlit: true }] }, 160);
    expect(pixelOf(opaque.image, opaque.frame, [0.5, 0.5, 0])).toEqual([0, 255, 0, 255]);
  });
});

describe('parseThumbnailsOption (--thumbnails <size>|none)', () => {
  it('takes a size in pixels or none, and says what it accepts otherwise', () => {
    expect(parseThumbnailsOption(undefined)).toBe(256);
    expect(parseThumbnailsOption('none')).toBeNull();
    expect(parseThumbnailsOption('NONE')).toBeNull();
    expect(parseThumbnailsOption('128')).toBe(128);
    expect(parseThumbnailsOption(512)).toBe(512);
    for (const bad of ['', 'big', '12.5', '0x100', '-256', '8', '4096', 100.5, Number.NaN])
      expect(() => parseThumbnailsOption(bad)).toThrow(
        /--thumbnails takes a size in pixels from 16 to 2048, or none/,
      );
  });
});
