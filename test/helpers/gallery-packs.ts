import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { encodeImage } from '../../packages/split/src/images/index.js';
import {
  type Manifest,
  NoPartsError,
  readModel,
  segmentLocally,
  splitModel,
} from '../../packages/split/src/index.js';
import { writeGallery, writeRunGallery } from '../../packages/split/src/pack/gallery/index.js';

/** One model to pack for the browser tests. */
export interface GalleryModel {
  /** Path of the model file. */
  path: string;
  /** The pack's folder name under the run output. */
  slug: string;
  /** Segment with the offline segmenter first (as `meshparts run` does without a key). */
  local?: boolean;
  /** Write no thumbnails (a pack from before thumbnails: the page shows placeholders). */
  noThumbnails?: boolean;
  /** Put markup and script URLs in the first part's source name and the credit (an XSS probe). */
  hostileText?: boolean;
}

/** What a hostile model could put in names and credits; the page must show it as text, inert. */
export const HOSTILE_TEXT = {
  sourceName: '<img src=x onerror="document.body.dataset.pwned=1">',
  license:
    '</p><script>document.body.dataset.pwned=2</script> javascript:alert(1) https://example.org/l?a=1&b=<2>',
  attribution: '<a href="javascript:document.body.dataset.pwned=3">click</a>',
};

/** The optional fields main adds to the manifest; the gallery reads them when present. */
export type GalleryManifest = Omit<Manifest, 'source' | 'parts'> & {
  thumbnail?: string;
  source: Manifest['source'] & { license?: string; attribution?: string };
  parts: (Manifest['parts'][number] & { thumbnail?: string })[];
};

export interface BuiltPack {
  model: GalleryModel;
  manifest: GalleryManifest;
}

/** A slug per model path: the file name without extension, or its folder's for a .gltf in a folder. */
export function slugOf(path: string, modelsRoot: string): string {
  const folder = dirname(path);
  return folder === modelsRoot ? basename(path, extname(path)) : basename(folder);
}

/**
 * A simple square PNG standing in for a rendered thumbnail (another module renders the real ones):
 * a colour from the name and a diagonal band, so that it is visibly an image.
 */
async function placeholderPng(name: string, size = 64): Promise<Uint8Array> {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  const [r, g, b] = [hash & 0xff, (hash >> 8) & 0xff, (hash >> 16) & 0xff];
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const band = Math.abs(x - y) < size / 6 ? 60 : 0;
      data.set(
        [Math.min(255, r + band), Math.min(255, g + band), Math.min(255, b + band), 255],
        (y * size + x) * 4,
      );
    }
  }
  return encodeImage({ width: size, height: size, data }, 'png');
}

/** Licence and credit from the model's asset.copyright and asset.extras, as main will record them. */
async function creditOf(path: string): Promise<{ license?: string; attribution?: string }> {
  const { document } = await readModel(path);
  const asset = document.getRoot().getAsset();
  const extras = (asset.extras ?? {}) as Record<string, unknown>;
  const text = (value: unknown) =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  const license = text(extras.license) ?? text(asset.copyright);
  const author = text(extras.author);
  const source = text(extras.source);
  const attribution = author ? [author, source].filter(Boolean).join(' ') : undefined;
  return { ...(license ? { license } : {}), ...(attribution ? { attribution } : {}) };
}

/**
 * Splits `model` into `<out>/<slug>` with today's splitModel, adds thumbnails and the credit fields,
 * and writes the gallery. Returns null for a model with nothing to split.
 */
export async function buildPack(out: string, model: GalleryModel): Promise<BuiltPack | null> {
  const dir = join(out, model.slug);
  let manifest: GalleryManifest;
  try {
    if (model.local) {
      const read = await readModel(model.path);
      await segmentLocally(read.document);
      manifest = (await splitModel(read, dir, { strategy: 'nodes', segmenter: 'local' })).manifest;
    } else {
      manifest = (await splitModel(model.path, dir)).manifest;
    }
  } catch (error) {
    if (error instanceof NoPartsError) return null;
    throw error;
  }
  Object.assign(manifest.source, await creditOf(model.path));
  if (model.hostileText) {
    manifest.parts[0]!.sourceName = HOSTILE_TEXT.sourceName;
    manifest.source.license = HOSTILE_TEXT.license;
    manifest.source.attribution = HOSTILE_TEXT.attribution;
  }
  if (!model.noThumbnails) {
    await mkdir(join(dir, 'thumbnails'), { recursive: true });
    for (const part of manifest.parts) {
      part.thumbnail = `thumbnails/${part.name}.png`;
      await writeFile(join(dir, 'thumbnails', `${part.name}.png`), await placeholderPng(part.name));
    }
    manifest.thumbnail = 'thumbnail.png';
    await writeFile(join(dir, 'thumbnail.png'), await placeholderPng(model.slug, 128));
  }
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeGallery(dir, manifest);
  return { model, manifest };
}

/** Packs every model into `out`, writes catalog.json and the run's page. */
export async function buildRun(
  out: string,
  models: readonly GalleryModel[],
): Promise<Map<string, BuiltPack>> {
  await mkdir(out, { recursive: true });
  const packs = new Map<string, BuiltPack>();
  for (const model of models) {
    const built = await buildPack(out, model);
    if (built) packs.set(model.slug, built);
  }
  const catalog = {
    catalogVersion: 1,
    generator: 'meshparts@test',
    packs: [...packs.values()].map(({ model, manifest }) => ({
      model: model.path,
      sha256: manifest.source.sha256,
      pack: model.slug,
      manifest: `${model.slug}/manifest.json`,
      parts: manifest.parts.length,
      segmenter: model.local ? 'local' : 'none',
      taskId: null,
    })),
  };
  await writeFile(join(out, 'catalog.json'), `${JSON.stringify(catalog, null, 2)}\n`);
  await writeRunGallery(out, catalog);
  return packs;
}
