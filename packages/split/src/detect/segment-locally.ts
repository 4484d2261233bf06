import type { Document, Node } from '@gltf-transform/core';
import type { LabelOptions, LabelStrategy } from '../options.js';
import { listMeshNodes, selectScene } from '../scene.js';
import { explodeByLabels } from './labels/explode-by-labels.js';
import { findLabelSource } from './labels/find-label-source.js';

/** Options of {@link segmentLocally}: the strategy (`auto` by default) and the label options. */
export interface SegmentLocallyOptions {
  strategy?: 'auto' | LabelStrategy;
  labels?: LabelOptions;
}

/** What {@link segmentLocally} did. */
export interface SegmentLocallyResult {
  /** The same document, now in Tripo's layout. */
  document: Document;
  /** `nodes` (already segmented), `attribute`, `colors`, `components`, or `none` (no mesh). */
  strategy: string;
  /** Mesh nodes in the scene afterwards: the parts a `nodes` split will produce. */
  parts: number;
  /** One sentence for the user: what was found and done. */
  reason: string;
}

/**
 * Mesh nodes of the split scene, the parts a `nodes` split sees (listMeshNodes walks iteratively:
 * glTF-Transform's recursive `traverse` overflows the stack on a hierarchy 10,000 deep).
 */
function sceneMeshNodes(document: Document): Node[] {
  return listMeshNodes(selectScene(document).scene);
}

/**
 * The offline segmenter: turn a model into Tripo's layout (one named mesh node per part) from
 * its geometry alone, so that `detectParts(document, { strategy: 'nodes' })` splits it.
 *
 * With `auto` (default): a model that already has several mesh nodes is returned as it is
 * (`nodes`); otherwise a label attribute or flat face colours are used when present
 * ({@link findLabelSource}); otherwise, the usual case of an AI-generated model made of one
 * fused mesh, connected components with small pieces merged into their neighbours. An explicit
 * strategy is applied as asked.
 *
 * Works IN PLACE on `document` and returns it: the pipeline owns the document it has just read,
 * and a copy of a large model would double its memory for nothing. Clone first to keep the input.
 */
export async function segmentLocally(
  document: Document,
  options: SegmentLocallyOptions = {},
): Promise<SegmentLocallyResult> {
  const requested = options.strategy ?? 'auto';
  const labelOptions: LabelOptions = { ...options.labels };
  const before = sceneMeshNodes(document);
  if (before.length === 0) {
    return { document, strategy: 'none', parts: 0, reason: 'the model has no mesh in its scene' };
  }
  if (requested === 'auto' && before.length > 1) {
    return {
      document,
      strategy: 'nodes',
      parts: before.length,
      reason: `the model already has ${before.length} mesh nodes (Tripo's layout): kept as they are`,
    };
  }
  let strategy: LabelStrategy;
  let found: string;
  if (requested === 'auto') {
    const source = findLabelSource(document, labelOptions);
    strategy = source?.strategy ?? 'components';
    if (source?.attribute) labelOptions.attribute = source.attribute;
    found = source
      ? source.reason
      : 'one mesh without label attribute or face colours: connected components, small pieces merged into their neighbours';
  } else {
    strategy = requested;
    found = `strategy ${requested} requested`;
  }
  await document.transform(explodeByLabels(strategy, labelOptions));
  const parts = sceneMeshNodes(document).length;
  return { document, strategy, parts, reason: `${found}; ${parts} part${parts === 1 ? '' : 's'}` };
}
