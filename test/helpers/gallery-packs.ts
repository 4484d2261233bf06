import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import {
  type Manifest,
  NoPartsError,
  readModel,
  segmentLocally,
  splitModel,
} from '../../packages/split/src/index.js';
import { writeRunGallery } from '../../packages/split/src/pack/gallery/index.js';

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
 * Splits `model` into `<out>/<slug>` with splitModel, as `meshparts split` and `run` do: parts,
 * thumbnails, the credit fields and the gallery page, all from the pack writer. Returns null for a
 * model with nothing to split. With `hostileText`, the manifest is then edited to carry markup.
 */
export async function buildPack(out: string, model: GalleryModel): Promise<BuiltPack | null> {
  const dir = join(out, model.slug);
  const thumbnails = model.noThumbnails ? { thumbnails: null } : {};
  let manifest: GalleryManifest;
  try {
    if (model.local) {
      const read = await readModel(model.path);
      await segmentLocally(read.document);
      manifest = (await splitModel(read, dir, { strategy: 'nodes', segmenter: 'local', ...thumbnails }))
        .manifest;
    } else {
      manifest = (await splitModel(model.path, dir, thumbnails)).manifest;
    }
  } catch (error) {
    if (error instanceof NoPartsError) return null;
    throw error;
  }
  if (model.hostileText) {
    manifest.parts[0]!.sourceName = HOSTILE_TEXT.sourceName;
    manifest.source.license = HOSTILE_TEXT.license;
    manifest.source.attribution = HOSTILE_TEXT.attribution;
    await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
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
