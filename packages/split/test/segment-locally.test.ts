import { join } from 'node:path';
import { Document, NodeIO } from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import { detectParts } from '../src/detect/detect-parts.js';
import { segmentLocally } from '../src/detect/segment-locally.js';
import { compareSoups, validateGLB, worldTriangles } from './helpers/gltf-checks.js';
import { FIXTURES } from './helpers/paths.js';
import { componentsWithSpecks, flatColorBoxes, labelledGrid } from './labels-fixtures.js';

/** Write the result as a GLB, validate it, read it back and plan it by nodes as the pipeline does. */
async function roundTrip(document: Document) {
  const bytes = await new NodeIO().writeBinary(document);
  const report = await validateGLB(bytes);
  expect(report.errorMessages).toEqual([]);
  const read = await new NodeIO().readBinary(bytes);
  return { read, plan: detectParts(read, { strategy: 'nodes' }) };
}

/** The fused-mesh fixture placed twice: already Tripo's layout (two mesh nodes). */
function twoFusedNodes(): Document {
  const { document } = componentsWithSpecks();
  const mesh = document.getRoot().listMeshes()[0]!;
  document
    .getRoot()
    .listScenes()[0]!
    .addChild(document.createNode('copy').setMesh(mesh).setTranslation([0, 0, 10]));
  return document;
}

describe('segmentLocally', () => {
  it('splits a single fused mesh into connected components with specks merged', async () => {
    const { document } = componentsWithSpecks();
    const before = worldTriangles(document);
    const result = await segmentLocally(document);
    expect(result.document).toBe(document); // in place, as documented
    expect(result.strategy).toBe('components');
    expect(result.parts).toBe(3);
    expect(result.reason).toMatch(/connected components.*3 parts/);
    const { read, plan } = await roundTrip(result.document);
    expect(plan.parts).toHaveLength(3);
    expect(compareSoups(worldTriangles(read), before)).toBeNull();
    const names = read
      .getRoot()
      .listNodes()
      .filter((n) => n.getMesh())
      .map((n) => n.getName());
    expect(names).toEqual(['part_0', 'part_1', 'part_2']);
  });

  it('cuts one fused figure by shape as its last step, naming the parts by where they sit', async () => {
    const document = await new NodeIO().read(join(FIXTURES, 'generated', 'fused-figure.glb'));
    const before = worldTriangles(document);
    const result = await segmentLocally(document);
    expect(result.strategy).toBe('shape');
    expect(result.parts).toBe(6);
    const { read, plan } = await roundTrip(result.document);
    expect(plan.parts).toHaveLength(6);
    expect(compareSoups(worldTriangles(read), before)).toBeNull();
    // Body, head, two arms, two legs: regions, not part_N; the legs, both in the bottom third and
    // in X's middle third, are told apart by the side they are on.
    const names = plan.parts.map((part) => part.sourceName).sort();
    expect(names).toEqual(['bottom_left', 'bottom_right', 'center', 'top', 'top_left', 'top_right']);
  });

  it('reports one part for one connected mesh that shape analysis does not cut (a flat sheet)', async () => {
    const { document } = labelledGrid({
      cols: 3,
      rows: 3,
      labelOf: () => 0,
      semantic: '_X',
      vertices: 'shared',
    });
    const result = await segmentLocally(document);
    expect(result).toMatchObject({ strategy: 'shape', parts: 1 });
    expect(result.reason).toMatch(/1 part$/);
    // One part keeps its node, mesh and name: nothing is wrapped in a `part_0` child.
    expect(
      document
        .getRoot()
        .listNodes()
        .map((n) => n.getName()),
    ).toEqual(['grid']);
    expect(document.getRoot().listNodes()[0]!.getMesh()?.getName()).toBe('grid');
    const { plan } = await roundTrip(result.document);
    expect(plan.parts).toHaveLength(1);
  });

  it('prefers a label attribute, then flat colours, when the model carries them', async () => {
    const labelled = labelledGrid({
      cols: 6,
      rows: 1,
      labelOf: (c) => c % 3,
      semantic: '_SEGMENT',
      vertices: 'separate',
    });
    const byAttribute = await segmentLocally(labelled.document);
    expect(byAttribute).toMatchObject({ strategy: 'attribute', parts: 3 });
    expect(byAttribute.reason).toMatch(/_SEGMENT/);
    expect((await roundTrip(byAttribute.document)).plan.parts).toHaveLength(3);

    const painted = flatColorBoxes([
      [255, 0, 0],
      [0, 0, 255],
    ]);
    const byColor = await segmentLocally(painted);
    expect(byColor).toMatchObject({ strategy: 'colors', parts: 2 });
    expect((await roundTrip(byColor.document)).plan.parts).toHaveLength(2);
  });

  it('keeps a model that already has several mesh nodes as it is', async () => {
    const document = twoFusedNodes();
    const result = await segmentLocally(document);
    expect(result).toMatchObject({ strategy: 'nodes', parts: 2 });
    expect(document.getRoot().listNodes()).toHaveLength(2);
  });

  it('applies an explicit strategy even where auto would not', async () => {
    const document = twoFusedNodes();
    const result = await segmentLocally(document, {
      strategy: 'components',
      granularity: { minPartArea: 0 },
    });
    expect(result).toMatchObject({ strategy: 'components', parts: 14 });
  });

  it('says so when there is nothing to segment', async () => {
    const document = new Document();
    document.createScene().addChild(document.createNode('empty'));
    expect(await segmentLocally(document)).toMatchObject({ strategy: 'none', parts: 0 });
  });
});
