import type { Document } from '@gltf-transform/core';
import type { PartPlan } from './detect/detect-parts.js';
import { partNameInputs } from './detect/name-inputs.js';
import { planParts } from './detect/plan-parts.js';
import { ModelLimitError, NoPartsError } from './errors.js';
import { sha256Hex } from './hash.js';
import { ImageCache } from './images/image-cache.js';
import { modelNameOf } from './model-name.js';
import { NAMING_DEFAULTS, resolveLimits, SPLIT_DEFAULTS, type SplitOptions } from './options.js';
import { nameParts } from './pack/naming/index.js';
import { documentScenes } from './pack/pack-previews.js';
import { sourceCredits } from './pack/source-credits.js';
import { splitParts } from './parts/split-parts.js';
import { PackTextures } from './parts/textures/pack-textures.js';
import type { ReadModel } from './read/read-model.js';
import { sceneBounds } from './scene.js';
import {
  type PackJob,
  type PlanSummary,
  packPreviewsOf,
  type SplitModelOptions,
  type SplitModelResult,
  writeSplitPack,
} from './split-model.js';

/** splitModel's Document path: a model read into a glTF-Transform Document, planned, named and split. */

/** A PartPlan as {@link PlanSummary}. */
function summaryOf(plan: PartPlan): PlanSummary {
  const { parts, scene: _scene, needsLabels: _needsLabels, ...rest } = plan;
  return {
    ...rest,
    parts: parts.map(({ id, sourceName, sourceNames, parent }) => ({
      id,
      sourceName,
      ...(sourceNames ? { sourceNames } : {}),
      parent,
    })),
  };
}

/**
 * Plans and names an already-read model's parts (label strategies rebuild its document in place).
 * Shared by splitModel and inspectModel, so that inspect reports exactly what split writes.
 */
export async function planAndName(
  model: Pick<ReadModel, 'document' | 'file'>,
  options: SplitOptions & { sourceFile?: { file: string } },
): Promise<{ plan: PartPlan; names: string[] }> {
  const plan = await planParts(model.document, options);
  // Named after the model the user gave (`meshparts run` splits Tripo's GLB of it: `sourceFile`).
  const file = options.sourceFile?.file ?? model.file;
  if (plan.parts.length === 0) {
    throw new NoPartsError(`${file} has nothing to split: ${plan.reason}`);
  }
  const { maxParts } = resolveLimits(options.limits);
  if (plan.parts.length > maxParts) {
    throw new ModelLimitError(
      file,
      `${file} splits into ${plan.parts.length} parts, over the limit of ${maxParts} (--max-parts)`,
      'maxParts',
      plan.parts.length,
      maxParts,
    );
  }
  const inputs = await partNameInputs(
    model.document,
    plan,
    options.naming?.template ?? NAMING_DEFAULTS.template,
  );
  const names = nameParts(inputs, {
    model: modelNameOf(file),
    ...options.naming,
  });
  return { plan, names };
}

/** The size and sha256 the manifest records of the input (or the caller's `sourceFile`). */
/** What the Document path keeps of its input: the document, the file name, its size and sha256. */
export interface DocumentSource {
  document: Document;
  file: string;
  /** A promise when it is being hashed on another thread (the byte-level reader: fast-split.ts). */
  source: PackJob['source'];
}

/**
 * A read model reduced to what the split keeps: the bytes are hashed and let go. Once parsed they are
 * a second copy of the model, and letting them go before the parts are made lowers a split's peak
 * memory by the file's size (BENCHMARKS.md, table 2). A caller that passes a ReadModel keeps its own
 * reference, of course.
 */
export function documentSourceOf(model: ReadModel, options: SplitModelOptions): DocumentSource {
  const source = options.sourceFile ?? {
    file: model.file,
    byteLength: model.bytes.byteLength,
    sha256: sha256Hex(model.bytes),
  };
  return { document: model.document, file: model.file, source };
}

/**
 * Reads a model for the Document path (see {@link documentSourceOf}); no reference to its bytes
 * outlives this call.
 */
export async function readDocumentSource(
  input: string | Uint8Array,
  options: SplitModelOptions,
): Promise<DocumentSource> {
  const { loadModel, parseModel } = await import('./read/read-model.js');
  const loaded = await loadModel(input, options.limits ? { limits: options.limits } : {});
  return documentSourceOf(await parseModel(loaded, options.logger), options);
}

/** splitModel through a glTF-Transform Document. */
export async function splitDocument(
  model: DocumentSource,
  dir: string,
  options: SplitModelOptions,
): Promise<SplitModelResult> {
  const { document, file, source } = model;
  const bounds = sceneBounds(document);
  const { plan, names } = await planAndName({ document, file }, options);
  // Parts are made one at a time as the pack is written: one part in memory, not all of them. A
  // caller's own IO means its writer settings: every part then goes through glTF-Transform's writer.
  // One decode per image for the whole pack: the crops of every part and the thumbnails share it.
  const images = new ImageCache();
  const textures = new PackTextures({
    mode: options.textures ?? SPLIT_DEFAULTS.textures,
    format: options.textureFormat ?? SPLIT_DEFAULTS.textureFormat,
    webpFallback: options.webpFallback ?? SPLIT_DEFAULTS.webpFallback,
    images,
  });
  const parts = splitParts(document, plan, {
    pivot: options.pivot ?? SPLIT_DEFAULTS.pivot,
    names,
    direct: options.io === undefined,
    textures,
    // writePack writes each part before it asks for the next (EncodedPart.borrowed).
    reuseMemory: true,
  });
  const manifest = await writeSplitPack(
    dir,
    {
      parts,
      previews: packPreviewsOf(documentScenes(document, plan, images), options),
      textures,
      source,
      credits: sourceCredits(document),
      plan,
      bounds,
    },
    options,
  );
  return { manifest, plan: summaryOf(plan), dir };
}
