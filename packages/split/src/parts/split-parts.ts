import type { Document, NodeIO } from '@gltf-transform/core';
import type { PartPlan } from '../detect/detect-parts.js';
import { type PivotMode, SPLIT_DEFAULTS } from '../options.js';
import { PartArena } from '../part-arena.js';
import {
  canEncodeDirectly,
  type EncodedPart,
  encodePartDirectly,
  sourceAllowsDirect,
} from './direct-part.js';
import type { SplitPart } from './general-part.js';
import { planNames } from './plan-names.js';
import { indexSource } from './source-index.js';
import type { PackTextures } from './textures/pack-textures.js';
import { imageName, listPartImages } from './textures/part-images.js';

/** Options for {@link splitParts}. */
export interface SplitPartsOptions {
  /** Part file origins. Default `original`. */
  pivot?: PivotMode;
  /** Final part names, in plan order (from `nameParts`). Default: `nameParts` with its defaults. */
  names?: readonly string[];
  /**
   * Use the direct encoder for the parts it covers (default true). False gives every part as a
   * Document (the general path), for a caller that writes with its own IO settings or wants to
   * work on the part documents.
   */
  direct?: boolean;
  /**
   * The pack's texture work (crop, shared, format: parts/textures/). Default: none, every part carries
   * its images whole and as they are.
   */
  textures?: PackTextures;
  /**
   * Build the directly encoded parts' files in memory used again for every part (fresh memory costs
   * ~3 ms per MB on the virtual machines this runs on: part-arena.ts). Their bytes are then borrowed
   * (EncodedPart.borrowed): valid until the next part is asked for, as writePack takes them. Default
   * false: each part's bytes are its own.
   */
  reuseMemory?: boolean;
}

/**
 * One part ready for writePack: already encoded GLB bytes, or a Document for glTF-Transform's writer;
 * `sourceNames` when it absorbed smaller parts (granularity).
 */
export type PackPart = (SplitPart | EncodedPart) & { sourceNames?: string[] };

/**
 * The parts of a plan, one at a time, so a consumer that writes and drops each (writePack) holds one
 * part in memory, not all of them. Each part is either encoded straight to GLB bytes by the direct
 * encoder (direct-part.ts: static meshes with core materials, which is what segmented models hold)
 * or, for anything else, copied into its own Document by the general path (general-part.ts), which
 * writePack then encodes with glTF-Transform. The general path, and the @gltf-transform/functions
 * module it needs, is loaded only when a part needs it. The source document is not modified.
 *
 * Names are checked before the first part is made (one per part; a label plan must have its labels
 * applied: see planParts).
 */
export async function* splitParts(
  document: Document,
  plan: PartPlan,
  options: SplitPartsOptions = {},
): AsyncGenerator<PackPart, void, undefined> {
  const pivot = options.pivot ?? SPLIT_DEFAULTS.pivot;
  const names = planNames(plan, options.names);
  const index = indexSource(document);
  const direct = options.direct !== false && sourceAllowsDirect(document);
  const logger = document.getLogger();
  const { textures } = options;
  const directTextures = textures?.directAllowed ?? true;
  let general: typeof import('./general-part.js') | undefined;
  let io: NodeIO | undefined;
  const output = options.reuseMemory ? new PartArena() : undefined;
  for (const [i, part] of plan.parts.entries()) {
    output?.reset();
    const name = names[i]!;
    let split: PackPart;
    if (direct && directTextures && canEncodeDirectly(index, part)) {
      split = await encodePartDirectly(index, part, name, pivot, textures, output);
    } else {
      general ??= await import('./general-part.js');
      const { document: partDocument, ...facts } = general.splitPartDocument(index, part, name, pivot);
      await textures?.applyTo(partDocument);
      if (textures?.shared) {
        // glTF-Transform's writer embeds every image in a GLB: a part that refers to the pack's
        // textures/ folder is written here, with URIs, instead of by writePack.
        // The codecs (and glTF-Transform's extensions: ~28 ms of start-up) load for such a pack only.
        const { codecNeedsOf, createIO } = await import('../read/codecs.js');
        io ??= await createIO({ ...codecNeedsOf(partDocument), encode: true });
        const names = new Map(
          partDocument
            .getRoot()
            .listTextures()
            .map((texture) => [texture, imageName(texture)]),
        );
        const file = await textures.shared.writePart(partDocument, io);
        const images = listPartImages(partDocument, (texture) => names.get(texture) ?? imageName(texture));
        split = { ...facts, images, bytes: file.bytes };
      } else {
        split = { ...facts, document: partDocument, images: listPartImages(partDocument) };
      }
    }
    // The constituents of a merged part travel with it to the manifest (writePack).
    if (part.sourceNames) split.sourceNames = part.sourceNames;
    logger.debug(
      `splitParts: ${split.name} (${part.id}): ${split.vertices} vertices, ${split.triangles} triangles, ` +
        `${split.placements.length} placement(s)${'bytes' in split ? ', encoded directly' : ''}`,
    );
    yield split;
  }
}
