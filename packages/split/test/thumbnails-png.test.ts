import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../src/images/index.js';
import {
  encodeRgbaPng,
  encodeThumbnail,
  renderThumbnail,
  renderThumbnailScenePng,
  THUMBNAIL_DEFLATE,
  ThumbnailCache,
  type ThumbnailMesh,
  type ThumbnailScene,
} from '../src/pack/thumbnails/index.js';
import { encodeScanlines, scanlinesOf } from '../src/pack/thumbnails/png-encoder.js';
import { cubeMesh, imageDifference, sphereMesh } from './helpers/thumbnail-checks.js';

/** The chunks of a PNG file, each checked against its CRC. */
function pngChunks(png: Uint8Array): Array<{ type: string; data: Uint8Array }> {
  expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Array<{ type: string; data: Uint8Array }> = [];
  for (let at = 8; at < png.byteLength; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    expect(view.getUint32(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
    chunks.push({ type, data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

const scene: ThumbnailScene = {
  meshes: [
    { ...sphereMesh(24, 48), baseColorFactor: [0.7, 0.35, 0.1, 1] },
    { ...cubeMesh([1.2, -0.4, 0.6], 0.8), baseColorFactor: [0.1, 0.4, 0.8, 1] },
  ],
};

describe('thumbnail PNGs (node:zlib)', () => {
  it('writes valid PNG files that decode to the rendered pixels', async () => {
    const image = renderThumbnail(scene, { size: 96 });
    const png = await encodeThumbnail(image);
    const chunks = pngChunks(png);
    expect(chunks.map((chunk) => chunk.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const header = new DataView(chunks[0]!.data.buffer, chunks[0]!.data.byteOffset, 13);
    expect([header.getUint32(0), header.getUint32(4)]).toEqual([96, 96]);
    // 8-bit RGBA, deflate, no interlace; every row with filter 0 before its 4 × 96 bytes.
    expect(Array.from(chunks[0]!.data.subarray(8))).toEqual([8, 6, 0, 0, 0]);
    expect(inflateSync(chunks[1]!.data).byteLength).toBe(96 * (1 + 96 * 4));
    const decoded = await decodeImage(png);
    expect(decoded.width).toBe(96);
    expect(Buffer.from(decoded.data).equals(Buffer.from(image.data))).toBe(true);
    // Any RGBA image, not only renders: a gradient with every alpha value.
    const data = new Uint8Array(256 * 3 * 4).map((_, i) => (i * 37) & 255);
    const gradient = { width: 256, height: 3, data };
    const back = await decodeImage(await encodeRgbaPng(gradient));
    expect(Buffer.from(back.data).equals(Buffer.from(data))).toBe(true);
  });

  it('renders a scene straight into PNG rows: the same pixels, with buffers reused from render to render', async () => {
    const cache = new ThumbnailCache();
    const small: ThumbnailScene = { meshes: [{ ...cubeMesh(), baseColorFactor: [0.9, 0.9, 0.2, 1] }] };
    const empty: ThumbnailScene = { meshes: [] };
    // Started together: each compression keeps its own rows while the next thumbnail is drawn.
    const pngs = await Promise.all([
      renderThumbnailScenePng(scene, { size: 80, cache }),
      renderThumbnailScenePng(small, { size: 80, cache }),
      renderThumbnailScenePng(empty, { size: 80, cache }),
    ]);
    // And again, now with rows given back by the first three: nothing of them may remain.
    pngs.push(await renderThumbnailScenePng(small, { size: 80, cache }));
    pngs.push(await renderThumbnailScenePng(empty, { size: 80, cache }));
    const expected = [scene, small, empty, small, empty].map((s) => renderThumbnail(s, { size: 80 }));
    for (const [i, png] of pngs.entries()) {
      pngChunks(png);
      const decoded = await decodeImage(png);
      expect(imageDifference(decoded, expected[i]!, 0).pixels).toBe(0);
    }
    expect(expected[2]!.data.every((byte) => byte === 0)).toBe(true);
  });

  it('compresses inline when asked: the same file, the rows read before the call returns', async () => {
    const image = renderThumbnail(scene, { size: 128 });
    const rows = scanlinesOf(image);
    const pooled = await encodeScanlines(rows, 128, 128);
    // Rows overwritten at once: inline, they were compressed already (on the pool they must not change
    // until the promise settles, and a 66 kB compression is far from done by then).
    const inline = encodeScanlines(rows, 128, 128, THUMBNAIL_DEFLATE, 'inline');
    rows.fill(255);
    expect(Buffer.from(await inline).equals(Buffer.from(pooled))).toBe(true);
    // Through the renderer: the same bytes either way, the rows handed back to the cache at once.
    const cache = new ThumbnailCache();
    const drawn = renderThumbnailScenePng(scene, { size: 128, cache, deflateOn: 'inline' });
    const again = await renderThumbnailScenePng(scene, { size: 128, cache });
    expect(Buffer.from(await drawn).equals(Buffer.from(pooled))).toBe(true);
    expect(Buffer.from(again).equals(Buffer.from(pooled))).toBe(true);
  });
});

describe('multisampled shading', () => {
  it('shades a mesh coloured by its factor (light table) as the per-pixel path shades the same colour', () => {
    // The same sphere, its colour once as the factor (the light-table path) and once as vertex
    // colours (the general path: perspective-correct, exact encoding).
    const sphere = sphereMesh(32, 64);
    const factor: readonly [number, number, number, number] = [0.7, 0.35, 0.1, 1];
    const colors = new Float32Array((sphere.positions.length / 3) * 4);
    for (let v = 0; v < colors.length / 4; v++) colors.set(factor, v * 4);
    const table = renderThumbnail({ meshes: [{ ...sphere, baseColorFactor: factor }] }, { size: 128 });
    const general = renderThumbnail({ meshes: [{ ...sphere, colors }] }, { size: 128 });
    const covered = table.data.filter((_, i) => i % 4 === 3 && table.data[i] !== 0).length;
    expect(covered).toBeGreaterThan(5000);
    // Light interpolated in screen space against perspective-correct, and rounded to 1/8192 first:
    // at most one sRGB code apart, and on few pixels.
    expect(imageDifference(table, general, 1).pixels).toBe(0);
    expect(imageDifference(table, general, 0).pixels).toBeLessThan(covered / 20);
  });

  it('shades once per pixel but keeps coverage per sample: interiors flat, edges blended', () => {
    const cube: ThumbnailMesh = { ...cubeMesh(), baseColorFactor: [0.8, 0.1, 0.1, 1], unlit: true };
    const one = renderThumbnail({ meshes: [cube] }, { size: 64, supersample: 1 });
    const four = renderThumbnail({ meshes: [cube] }, { size: 64, supersample: 2 });
    const sixteen = renderThumbnail({ meshes: [cube] }, { size: 64, supersample: 4 });
    const alphas = (image: typeof one) => new Set(image.data.filter((_, i) => i % 4 === 3));
    // Unlit and one colour: every covered pixel has that colour; edges differ only in alpha, with
    // as many levels as samples per pixel.
    expect(alphas(one).size).toBe(2);
    expect(alphas(four).size).toBe(5);
    expect(alphas(sixteen).size).toBeGreaterThan(8);
    for (const image of [one, four, sixteen]) {
      const colours = new Set<number>();
      for (let i = 0; i < image.data.length; i += 4)
        if (image.data[i + 3] !== 0)
          colours.add(image.data[i]! * 65536 + image.data[i + 1]! * 256 + image.data[i + 2]!);
      expect(colours.size).toBe(1);
    }
  });
});
