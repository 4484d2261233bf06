import type { Document, ILogger, mat4 } from '@gltf-transform/core';
import { type Bounds, emptyBounds, finiteBounds } from '../geometry.js';
import { IDENTITY, multiply } from '../math.js';
import { modelNameOf } from '../model-name.js';
import { type PivotMode, SPLIT_DEFAULTS } from '../options.js';
import { nameParts } from '../pack/naming/index.js';
import type { PreviewScenes } from '../pack/pack-previews.js';
import { type SourceInfo, sourceCredits } from '../pack/source-credits.js';
import type { ThumbnailMesh, ThumbnailSceneStream } from '../pack/thumbnails/index.js';
import { PartArena } from '../part-arena.js';
import { type EncodedPart, encodeStaticPart } from '../parts/direct-part.js';
import { expandStaticBounds, pivotedFrame, type StaticPositions, staticBounds } from '../parts/part-frame.js';
import { partAssetInfoOf, partIdentity, placementOf } from '../parts/part-placement.js';
import {
  type PackJob,
  packPreviewsOf,
  type SplitModelOptions,
  type SplitModelResult,
  writeSplitPack,
} from '../split-model.js';
import { FileSource } from './byte-source.js';
import { fastDocumentDecline, readOpenedGlb } from './fast-document.js';
import { extrasOf, type FastAccessor, FastGltf, type FastPrimitive, nameOf } from './fast-gltf.js';
import { type FastPlan, optionsDecline, planFast } from './fast-plan.js';
import { openGlb } from './open-glb.js';
import { prefetchAccessors } from './prefetch-accessors.js';

type Thumbnails = typeof import('../pack/thumbnails/index.js');

/**
 * The byte-level split: a GLB of the common layout (fast-plan.ts) split into the same pack as the
 * Document path writes, without building a glTF-Transform Document. The JSON chunk is parsed and
 * checked once (open-glb.ts: the checks loadModel applies), each part's accessors are read from the
 * BIN chunk and copied into its GLB by the direct encoder's GlbBuilder, and the frames, names,
 * placements, manifest and thumbnails come from the same code as the Document path's, fed from the
 * JSON. Why: reading a 51 MB, 500-part model
 * into a Document costs ~0.55 s of a ~1.7 s split (its property graph and a copy of every accessor);
 * the bytes need none of it (BENCHMARKS.md, issue 17).
 */

/** The source's asset and root extras, as glTF-Transform's reader keeps them (see SourceInfo). */
function sourceInfoOfJson(json: Record<string, unknown>): SourceInfo {
  const assetDef = (json.asset ?? {}) as Record<string, unknown>;
  const asset: SourceInfo['asset'] = {};
  if (assetDef.copyright) asset.copyright = assetDef.copyright;
  if (assetDef.extras) asset.extras = assetDef.extras;
  return { asset, extras: { ...((json.extras as Record<string, unknown> | undefined) ?? {}) } };
}

/**
 * The positions of a part's primitives, for its frame's bounds. Points (for a frame that rotates)
 * are read for one pass and kept by no one: the scene's bounds take them before any part is made.
 */
function positionsOf(plan: FastPlan, part: FastPlan['parts'][number]): StaticPositions[] {
  const out: StaticPositions[] = [];
  for (const primitive of part.primitives) {
    const position = primitive.getAttribute('POSITION');
    if (position) {
      out.push({
        range: () => plan.positionRanges.get(position)!,
        points: () => position.scan() as Float32Array,
      });
    }
  }
  return out;
}

/** The parts of a byte-level plan, encoded one at a time as the pack writer takes them. */
async function* fastParts(
  gltf: FastGltf,
  plan: FastPlan,
  names: readonly string[],
  pivot: PivotMode,
  logger?: ILogger,
): AsyncGenerator<EncodedPart, void, undefined> {
  const asset = partAssetInfoOf(sourceInfoOfJson(gltf.json));
  const nodes = gltf.list('nodes');
  const meshes = gltf.list('meshes');
  // Each part is read into and built in memory used again for the next one (see ByteSource): its
  // bytes are borrowed, and writePack writes them before it asks for the next part.
  const output = new PartArena();
  for (const [i, part] of plan.parts.entries()) {
    gltf.startPart();
    output.reset();
    const [first, ...others] = part.nodes as [number, ...number[]];
    const positions = positionsOf(plan, part);
    const frame = pivotedFrame(gltf.worldMatrix(first), (m) => staticBounds(m, positions), pivot);
    const placementAt = (node: number, matrix: mat4) => placementOf(nameOf(nodes[node]!), node, matrix);
    const placements = [
      placementAt(first, frame.basePlacement),
      ...others.map((node) => placementAt(node, multiply(gltf.worldMatrix(node), frame.inverse))),
    ];
    const encoded = encodeStaticPart({
      identity: partIdentity(part, names[i]!, pivot),
      primitives: part.primitives,
      meshExtras: extrasOf(meshes[part.mesh]!),
      nodeExtras: extrasOf(nodes[first]!),
      framed: { frame, placements },
      asset,
      positionRange: (accessor) => plan.positionRanges.get(accessor as FastAccessor)!,
      output,
    });
    logger?.debug(
      `byte-level split: ${encoded.name} (${part.id}): ${encoded.vertices} vertices, ${encoded.triangles} triangles, ${placements.length} placement(s)`,
    );
    yield encoded;
  }
}

/** Primitive modes a thumbnail draws (points and lines are skipped). */
const TRIANGLE_MODES = new Set([4, 5, 6]);

/**
 * A primitive's thumbnail meshes under a node's world matrix: document-scene.ts's static case. The
 * arrays are views of the part's bytes (FastAccessor.values: the rows the part's file was made from,
 * de-interleaved into `arena` when interleaved), not copies, with the matrix beside them: the
 * renderer places them into memory it reuses. Valid until the part arena or `arena` is reset.
 */
function primitiveMeshes(
  primitive: FastPrimitive,
  world: mat4,
  arena: PartArena,
  thumbnails: Thumbnails,
): ThumbnailMesh[] {
  const mode = primitive.getMode();
  if (!TRIANGLE_MODES.has(mode)) return [];
  const position = primitive.getAttribute('POSITION');
  const indices = primitive.getIndices();
  const triangles = thumbnails.triangleListOf(
    mode,
    indices ? indices.values(arena) : null,
    position?.getCount() ?? 0,
  );
  if (triangles.length === 0 || !position) return [];
  const material = primitive.getMaterial();
  const color = primitive.getAttribute('COLOR_0');
  const normal = primitive.getAttribute('NORMAL');
  const floats = normal && normal.getComponentType() === 5126 && normal.getElementSize() === 3;
  return thumbnails.staticMeshes(
    {
      triangles,
      positions: position.values(arena) as Float32Array,
      // Normals of another type are decoded into an array of their own (floatArray reads getArray).
      normals: !normal
        ? null
        : floats
          ? (normal.values(arena) as Float32Array)
          : thumbnails.floatArray(normal, 3),
      colors: color ? thumbnails.colorArray(color) : null,
      matrices: [multiply(world, IDENTITY)],
    },
    material ? thumbnails.factorLook(material, false) : {},
  );
}

/**
 * The thumbnails' scenes from the GLB: a part as its first node places it, the whole model as the
 * scene does (what documentScenes draws of the same model). A part's scene is views of what its file
 * was just made from (drawn, or copied to a worker, before the next part is read). The whole model
 * is a stream (`wholeStream`, StreamedThumbnail): each primitive read anew into the scene arena,
 * drawn and let go, three times over (framing twice, then drawing, a slice after each part when a
 * worker draws the parts), never held whole. Holding it meant, for nodes-500, 54 MB of new arrays
 * and ~0.23 s of copying (peak RSS 167 → 118 MiB without a worker, 180 → 131 with one), against ~0.05 s for the extra
 * reads from the page cache.
 */
function fastScenes(gltf: FastGltf, plan: FastPlan): PreviewScenes {
  const meshOf = (node: number) => gltf.list('nodes')[node]!.mesh as number;
  const arena = gltf.bin.scene;
  // The whole model's units: each primitive under each mesh node, in the scene's order.
  const units = plan.meshNodes.flatMap((node) =>
    gltf.primitives(meshOf(node)).map((primitive) => ({ node, primitive })),
  );
  const wholeStream = (thumbnails: Thumbnails): ThumbnailSceneStream => ({
    units: units.length,
    forEachMesh: (visit, from, to) => {
      for (const { node, primitive } of units.slice(from, to)) {
        gltf.startPart();
        arena.reset();
        for (const mesh of primitiveMeshes(primitive, gltf.worldMatrix(node), arena, thumbnails)) visit(mesh);
        primitive.release();
      }
    },
  });
  return {
    partCount: plan.parts.length,
    scene: async (index, thumbnails) => {
      const meshes: ThumbnailMesh[] = [];
      if (index === null) {
        // Held whole (a caller that wants the scene itself): each mesh copied out of the stream.
        wholeStream(thumbnails).forEachMesh(
          (mesh) => meshes.push(thumbnails.ownedMesh(mesh)),
          0,
          units.length,
        );
        return { meshes };
      }
      const part = plan.parts[index]!;
      arena.reset();
      for (const primitive of part.primitives) {
        meshes.push(...primitiveMeshes(primitive, gltf.worldMatrix(part.nodes[0]!), arena, thumbnails));
        primitive.release();
      }
      return { meshes };
    },
    wholeStream,
  };
}

/** Bounds of the whole scene (scene.ts sceneBounds' values: every part is a mesh node of the scene). */
function sceneBoundsOf(gltf: FastGltf, plan: FastPlan): Bounds {
  const bounds = emptyBounds();
  for (const part of plan.parts) {
    const positions = positionsOf(plan, part);
    for (const node of part.nodes) expandStaticBounds(bounds, gltf.worldMatrix(node), positions);
  }
  return finiteBounds(bounds);
}

/**
 * Splits a GLB at the byte level, or returns null (having written nothing) when its layout needs
 * glTF-Transform's reader. A model of the byte-level layout that the options (or its one mesh node)
 * leave to the Document path is read into a Document here (fast-document.ts), and split by it.
 */
export async function splitFast(
  input: string | Uint8Array,
  dir: string,
  options: SplitModelOptions,
): Promise<SplitModelResult | null> {
  const logger = options.logger;
  const opened = await openGlb(input, options.limits);
  if (!opened) return null;
  const { source } = opened;
  const hashed = () =>
    options.sourceFile ??
    source.sha256().then((sha256) => ({ file: opened.file, byteLength: source.byteLength, sha256 }));
  let document: Document;
  let sourceFile: ReturnType<typeof hashed>;
  let splitting: Promise<typeof import('../split-document.js')>;
  try {
    const gltf = new FastGltf(opened.json, source, opened.binOffset);
    const declined = optionsDecline(options);
    const result = declined ? { declined } : planFast(gltf, options);
    if (!('declined' in result))
      return await splitPlan(gltf, result.plan, opened.file, hashed(), dir, options);
    // The Document path's modules load while a worker copies part of a big model (prefetch-accessors.ts).
    splitting = import('../split-document.js');
    splitting.catch(() => {});
    const prefetched =
      source instanceof FileSource && !fastDocumentDecline(gltf)
        ? await prefetchAccessors(gltf, source.file)
        : undefined;
    const read = readOpenedGlb(gltf, typeof input === 'string' ? input : '<bytes>', logger, prefetched);
    logger?.debug(
      `splitModel: the Document path (the byte-level split declines: ${result.declined}; ` +
        `${'unread' in read ? `read by glTF-Transform: ${read.unread}` : 'read at the byte level'})`,
    );
    if ('unread' in read) return null;
    document = read.document;
    sourceFile = hashed();
    // The split may still fail before the pack writer takes the hash (planning): a failing hash is
    // not unhandled then.
    Promise.resolve(sourceFile).catch(() => {});
  } finally {
    source.close();
  }
  const { splitDocument } = await splitting;
  return splitDocument({ document, file: opened.file, source: sourceFile }, dir, options);
}

/** The byte-level split of a planned GLB into `dir`. */
async function splitPlan(
  gltf: FastGltf,
  plan: FastPlan,
  file: string,
  source: PackJob['source'],
  dir: string,
  options: SplitModelOptions,
): Promise<SplitModelResult> {
  options.logger?.debug(`splitModel: the byte-level split: ${plan.strategy} (${plan.reason})`);
  const names = nameParts(
    plan.parts.map((part, index) => ({ sourceName: part.sourceName, index, id: part.id })),
    { model: modelNameOf(options.sourceFile?.file ?? file), ...options.naming },
  );
  const pivot = options.pivot ?? SPLIT_DEFAULTS.pivot;
  const job: PackJob = {
    parts: fastParts(gltf, plan, names, pivot, options.logger),
    previews: packPreviewsOf(fastScenes(gltf, plan), options),
    source,
    credits: sourceCredits(sourceInfoOfJson(gltf.json)),
    plan,
    bounds: sceneBoundsOf(gltf, plan),
  };
  const manifest = await writeSplitPack(dir, job, options);
  return {
    manifest,
    plan: {
      strategy: plan.strategy,
      reason: plan.reason,
      merges: [],
      parts: plan.parts.map(({ id, sourceName, parent }) => ({ id, sourceName, parent })),
    },
    dir,
  };
}
