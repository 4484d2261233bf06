import type { ILogger, Mesh, Primitive } from '@gltf-transform/core';
import type { LabelStrategy, ResolvedGranularity, ResolvedLabelOptions } from '../../options.js';
import { slotAreas } from '../granularity/label-geometry.js';
import { type LabelMerge, mergeLabelling } from '../granularity/merge-labels.js';
import type { shapeTriangleLabels } from '../shape/shape-labels.js';
import { attributeLabelsOf } from './attribute-labels.js';
import { attributeSlots } from './attribute-slots.js';
import { boneTriangleLabels, foldSmallJoints, jointPartNames, skinOfMesh } from './bone-labels.js';
import { type ColorVotes, voteColors } from './color-blends.js';
import { componentTriangleLabels } from './component-labels.js';
import { assignSlots, distinctLabels, type TriangleSlots } from './label-slots.js';
import { isTriangleList } from './triangles.js';

/** The colours `colors` found on a mesh: its part colours and the blends it treated as boundaries. */
export interface ColorReport {
  /** Part colours (`color_rrggbb`) with their triangles, as found (before granularity). */
  palette: Array<{ name: string; triangles: number }>;
  /** Colours found only where parts meet, and the part colours they mix. */
  blends: Array<{ name: string; of: string[] }>;
}

/** How one mesh's triangles are labelled, ready for {@link splitPrimitiveByLabels}. */
export interface MeshLabelling {
  /** Per labelled primitive, the slot of each of its triangles. */
  slots: Map<Primitive, TriangleSlots>;
  /** Number of slots (distinct labels) over the mesh. */
  slotCount: number;
  /** Per slot, the label's name (`part_3`, `color_ff0000`, `Head`). */
  names: string[];
  /** Per slot, the label value (attribute value, colour entry, joint index or component rank). */
  values: number[];
  /** Vertex attributes to leave out of the split primitives (the label attribute itself). */
  dropSemantics: string[];
  /** Per slot, the labels merged into it, its own first (set once something was merged). */
  sourceNames?: string[][];
  /** What was merged, for `inspect`. */
  merges?: LabelMerge[];
  /** For `colors`: the palette and the blends. */
  colors?: ColorReport;
}

/** What the granularity step needs to know about the mesh: its share of the model's surface. */
export interface MeshLabelContext {
  granularity: ResolvedGranularity;
  /** The mesh's share of the model's surface area (1 for a model of one mesh). */
  meshShare: number;
  /** For `colors`: votes `auto` already took over the document (used for the primitives they cover). */
  colorVotes?: ColorVotes;
  /**
   * For `shape`: the offline segmenter, loaded by the caller (explode-by-labels.ts) only for that
   * strategy: its 13 modules cost every other split ~20 ms of start-up.
   */
  shapeLabels?: typeof shapeTriangleLabels;
}

interface RawLabels {
  labels: Map<Primitive, Float64Array>;
  name: (value: number) => string;
  dropSemantics: string[];
  /** More distinct labels than this means the data is not a segmentation (colours only). */
  maxLabels?: number;
  colors?: ColorReport;
  /** Folds made by the strategy itself (bones: small joints into their parents). */
  merges?: LabelMerge[];
  /** Per label value that absorbed others in those folds, its constituents' names (its own first). */
  constituents?: Map<number, string[]>;
}

/**
 * Per-triangle labels of a mesh's triangle-list primitives under a strategy, with granularity
 * applied (small labels merged: `mergeLabelling`, the same for every strategy); `null` when the
 * mesh carries no such labels. Labels are consistent across the mesh's primitives (one value means
 * one part, whichever material), so one label becomes one part with one primitive per source
 * primitive. Slots are ordered by label value (component labels are ranked by area).
 *
 * With `colors`, a mesh with more than `maxColors` part colours is painted or baked, not
 * colour-coded: it is not labelled (a warning goes to `logger`) rather than shattered into
 * hundreds of parts.
 *
 * A new strategy (such as `shape`) is one more `case` in `rawMeshLabels`: granularity, naming and
 * the split come with it.
 */
export function meshLabels(
  mesh: Mesh,
  strategy: LabelStrategy,
  options: ResolvedLabelOptions,
  context: MeshLabelContext,
  logger?: ILogger,
): MeshLabelling | null {
  const labelling = unmergedLabels(mesh, strategy, options, context, logger);
  if (!labelling) return null;
  const { labelling: merged, merges } = mergeLabelling(labelling, context.granularity, {
    meshShare: context.meshShare,
    weldTolerance: options.weldTolerance,
  });
  const all = [...(labelling.merges ?? []), ...merges];
  return all.length > 0 ? { ...merged, merges: all } : merged;
}

function unmergedLabels(
  mesh: Mesh,
  strategy: LabelStrategy,
  options: ResolvedLabelOptions,
  context: MeshLabelContext,
  logger?: ILogger,
): MeshLabelling | null {
  if (strategy === 'attribute') {
    const fast = attributeSlots(mesh.listPrimitives().filter(isTriangleList), options.attribute);
    if (fast) {
      if (fast.slots.size === 0) return null;
      return {
        slots: fast.slots,
        slotCount: fast.values.length,
        names: fast.values.map(partName),
        values: fast.values,
        dropSemantics: [...fast.semantics],
      };
    }
  }
  const raw = rawMeshLabels(mesh, strategy, options, context, logger);
  if (!raw || raw.labels.size === 0) return null;
  const values = distinctLabels(raw.labels.values());
  if (raw.maxLabels !== undefined && values.length > raw.maxLabels) {
    logger?.warn(
      `${strategy}: mesh "${mesh.getName()}" has ${values.length} part colours, more than maxColors ` +
        `(${raw.maxLabels}): not a colour-coded segmentation, left whole.`,
    );
    return null;
  }
  const slots = new Map<Primitive, TriangleSlots>();
  for (const [primitive, labels] of raw.labels) slots.set(primitive, assignSlots(labels, values));
  return {
    slots,
    slotCount: values.length,
    names: values.map(raw.name),
    values,
    dropSemantics: raw.dropSemantics,
    ...(raw.colors ? { colors: raw.colors } : {}),
    ...(raw.merges && raw.merges.length > 0
      ? {
          merges: raw.merges,
          sourceNames: values.map((value) => raw.constituents?.get(value) ?? [raw.name(value)]),
        }
      : {}),
  };
}

/** Name of an attribute label or a component rank. */
function partName(value: number): string {
  return `part_${value}`;
}

function rawMeshLabels(
  mesh: Mesh,
  strategy: LabelStrategy,
  options: ResolvedLabelOptions,
  context: MeshLabelContext,
  logger?: ILogger,
): RawLabels | null {
  const primitives = mesh.listPrimitives().filter(isTriangleList);
  const labels = new Map<Primitive, Float64Array>();
  switch (strategy) {
    case 'attribute': {
      const found = attributeLabelsOf(primitives, options.attribute);
      return { labels: found.labels, name: partName, dropSemantics: [...found.semantics] };
    }
    case 'colors':
      return colorLabels(mesh, primitives, options, context.colorVotes, logger);
    case 'bones':
      return boneLabels(mesh, primitives, context);
    case 'components': {
      if (primitives.length === 0) return null;
      const components = componentTriangleLabels(primitives, options);
      primitives.forEach((primitive, p) => {
        labels.set(primitive, components.labels[p]!);
      });
      return { labels, name: partName, dropSemantics: [] };
    }
    case 'shape': {
      if (primitives.length === 0) return null;
      // The shape segmenter merges and counts parts itself (its cuts serve a target exactly and its
      // merges follow its own boundaries); the shared granularity step then has nothing left to do.
      const { minPartArea, targetParts } = context.granularity;
      if (!context.shapeLabels) throw new Error('meshLabels: the shape strategy needs context.shapeLabels');
      const shape = context.shapeLabels(primitives, {
        minPartArea: Math.min(1, minPartArea / context.meshShare),
        weldTolerance: options.weldTolerance,
        ...(targetParts !== null ? { targetParts } : {}),
      });
      primitives.forEach((primitive, p) => {
        labels.set(primitive, shape.labels[p]!);
      });
      return { labels, name: partName, dropSemantics: [] };
    }
  }
}

/** `colors`: part colours voted per face, blends at part boundaries resolved (color-blends.ts). */
function colorLabels(
  mesh: Mesh,
  primitives: readonly Primitive[],
  options: ResolvedLabelOptions,
  taken: ColorVotes | undefined,
  logger?: ILogger,
): RawLabels | null {
  const coloured = primitives.filter((primitive) => primitive.getAttribute('COLOR_0'));
  if (coloured.length === 0) return null;
  const votes =
    taken && coloured.every((primitive) => taken.labels.has(primitive))
      ? taken
      : voteColors(coloured, options.colorTolerance, options.maxColors);
  if (!votes) {
    logger?.warn(
      `colors: mesh "${mesh.getName()}" has more than maxColors (${options.maxColors}) part colours: ` +
        'not a colour-coded segmentation, left whole.',
    );
    return null;
  }
  const labels = new Map<Primitive, Float64Array>();
  const triangles = new Map<number, number>();
  for (const primitive of coloured) {
    const own = votes.labels.get(primitive)!;
    labels.set(primitive, own);
    let last = Number.NaN;
    let run = 0;
    for (const label of own) {
      if (label === last) {
        run++;
        continue;
      }
      if (run > 0) triangles.set(last, (triangles.get(last) ?? 0) + run);
      last = label;
      run = 1;
    }
    if (run > 0) triangles.set(last, (triangles.get(last) ?? 0) + run);
  }
  const { name } = votes;
  return {
    labels,
    name,
    dropSemantics: [],
    maxLabels: options.maxColors,
    colors: {
      palette: [...triangles]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .map(([entry, count]) => ({ name: name(entry), triangles: count })),
      blends: votes.analysis.blends.map((blend) => ({ name: name(blend.entry), of: blend.parts.map(name) })),
    },
  };
}

/** `bones`: the dominant joint of each triangle; joints with too little surface fold into their parent. */
function boneLabels(
  mesh: Mesh,
  primitives: readonly Primitive[],
  context: MeshLabelContext,
): RawLabels | null {
  const skin = skinOfMesh(mesh);
  if (!skin) return null;
  const jointCount = skin.listJoints().length;
  const labels = new Map<Primitive, Float64Array>();
  for (const primitive of primitives) {
    const found = boneTriangleLabels(primitive, jointCount);
    if (found) labels.set(primitive, found);
  }
  if (labels.size === 0) return null;
  const names = jointPartNames(skin);
  // Areas per joint, from the joint labels themselves (one slot per joint).
  const asSlots = new Map([...labels].map(([p, l]) => [p, Uint32Array.from(l)]));
  const areas = slotAreas(asSlots, jointCount);
  const total = areas.reduce((sum, area) => sum + area, 0);
  const minArea = (context.granularity.minPartArea * total) / Math.max(context.meshShare, 1e-12);
  const owner = foldSmallJoints(skin, areas, minArea);
  const folded = new Map<number, number[]>();
  owner.forEach((into, joint) => {
    if (into !== joint && areas[joint]! > 0) folded.set(into, [...(folded.get(into) ?? []), joint]);
  });
  for (const list of labels.values()) for (let t = 0; t < list.length; t++) list[t] = owner[list[t]!]!;
  const constituents = new Map(
    [...folded].map(([into, joints]) => [
      into,
      [into, ...joints.sort((a, b) => areas[b]! - areas[a]! || a - b)].map((j) => names[j]!),
    ]),
  );
  const merges: LabelMerge[] = [...constituents].map(([into, sourceNames]) => ({
    into: names[into]!,
    sourceNames,
    reason: 'min-part-area',
  }));
  return { labels, name: (value) => names[value]!, dropSemantics: [], merges, constituents };
}
