import type { Document, ILogger } from '@gltf-transform/core';
import { triangleCount, vertexCount } from '../geometry.js';
import { modelNameOf } from '../model-name.js';
import {
  checkSplitModelOptions,
  NAMING_DEFAULTS,
  type NamingOptions,
  type PartStrategy,
} from '../options.js';
import { nameParts } from '../pack/naming/index.js';
import { asReadModel, type ReadModel } from '../read/read-model.js';
import type { PlanMerge } from './detect-parts.js';
import type { ColorReport } from './labels/mesh-labels.js';
import { partNameInputs } from './name-inputs.js';
import { type PlanPartsOptions, planParts } from './plan-parts.js';

/** One part as `inspect` reports it (what `split` would write, without writing). */
export interface InspectedPart {
  id: string;
  name: string;
  sourceName: string;
  /** When the part absorbed others: every constituent's name, `sourceName` first. */
  sourceNames?: string[];
  vertices: number;
  triangles: number;
  /** Number of placements (source nodes that place it). */
  placements: number;
  parent: string | null;
}

/** The report of {@link inspectModel}. */
export interface InspectReport {
  file: string;
  byteLength: number;
  strategy: PartStrategy;
  reason: string;
  sceneNote?: string;
  scenes: number;
  nodes: number;
  meshes: number;
  materials: number;
  textures: number;
  animations: number;
  skins: number;
  /** Totals over the parts, each placement counted once (instances not multiplied). */
  vertices: number;
  triangles: number;
  parts: InspectedPart[];
  /** Parts that absorbed others, and why (granularity; for bones, joints folded into their parent). */
  merges: PlanMerge[];
  /** For `colors`: the part colours found and the colours treated as blends where parts meet. */
  colors?: ColorReport;
}

export interface InspectModelOptions extends PlanPartsOptions {
  naming?: NamingOptions;
  /** Logger for reading and planning when `inspectModel` reads the input itself. */
  logger?: ILogger;
  /** Limits on hostile input when `inspectModel` reads the input itself (see limits.ts). */
  limits?: Parameters<typeof asReadModel>[2];
  /**
   * Read a GLB of the byte-level layout with the byte-level reader (fast/fast-document.ts: the same
   * Document as glTF-Transform's reader, read faster), as `splitModel` does. Default true.
   */
  fastPath?: boolean;
}

/** The model inspectModel plans: read at the byte level when it can be (as splitModel reads it). */
async function inspectedModel(
  input: string | Uint8Array | ReadModel,
  options: InspectModelOptions,
): Promise<{ document: Document; file: string; byteLength: number }> {
  if ((typeof input === 'string' || input instanceof Uint8Array) && options.fastPath !== false) {
    const { readGlbAtByteLevel } = await import('../fast/fast-document.js');
    const read = await readGlbAtByteLevel(input, options.limits, options.logger);
    if (read) return read;
  }
  const model = await asReadModel(input, options.logger, options.limits);
  return { document: model.document, file: model.file, byteLength: model.bytes.byteLength };
}

/**
 * Plans a model's parts and names them as `splitModel` would, and counts them, without writing.
 * Label strategies rebuild the read document in place (it belongs to this call unless passed in).
 */
export async function inspectModel(
  input: string | Uint8Array | ReadModel,
  options: InspectModelOptions = {},
): Promise<InspectReport> {
  checkSplitModelOptions(options); // takes splitModel's options as they are (`split --dry-run`)
  const model = await inspectedModel(input, options);
  const root = model.document.getRoot();
  const counts = {
    scenes: root.listScenes().length,
    nodes: root.listNodes().length,
    meshes: root.listMeshes().length,
    materials: root.listMaterials().length,
    textures: root.listTextures().length,
    animations: root.listAnimations().length,
    skins: root.listSkins().length,
  };
  const plan = await planParts(model.document, options);
  const inputs = await partNameInputs(
    model.document,
    plan,
    options.naming?.template ?? NAMING_DEFAULTS.template,
  );
  const names = nameParts(inputs, { model: modelNameOf(model.file), ...options.naming });
  const parts = plan.parts.map((part, i): InspectedPart => {
    const primitives = part.primitive ? [part.primitive] : part.mesh.listPrimitives();
    return {
      id: part.id,
      name: names[i]!,
      sourceName: part.sourceName,
      ...(part.sourceNames ? { sourceNames: part.sourceNames } : {}),
      vertices: primitives.reduce((sum, primitive) => sum + vertexCount(primitive), 0),
      triangles: primitives.reduce((sum, primitive) => sum + triangleCount(primitive), 0),
      placements: part.nodes.length,
      parent: part.parent,
    };
  });
  return {
    file: model.file,
    byteLength: model.byteLength,
    strategy: plan.strategy,
    reason: plan.reason,
    ...(plan.sceneNote ? { sceneNote: plan.sceneNote } : {}),
    ...counts,
    vertices: parts.reduce((sum, part) => sum + part.vertices, 0),
    triangles: parts.reduce((sum, part) => sum + part.triangles, 0),
    parts,
    merges: plan.merges ?? [],
    ...(plan.colors ? { colors: plan.colors } : {}),
  };
}
