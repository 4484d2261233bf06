import { Document, NodeIO } from '@gltf-transform/core';
import { it } from 'vitest';
import { explodeByLabels } from '../src/labels/index.js';

it('perf', async () => {
  const n = 1000;
  const V = (n + 1) * (n + 1);
  const pos = new Float32Array(V * 3);
  const nor = new Float32Array(V * 3);
  const uv = new Float32Array(V * 2);
  const lab = new Uint8Array(V);
  for (let y = 0; y <= n; y++)
    for (let x = 0; x <= n; x++) {
      const v = y * (n + 1) + x;
      pos[v * 3] = x;
      pos[v * 3 + 1] = y;
      pos[v * 3 + 2] = Math.sin(x * 0.1);
      nor[v * 3 + 2] = 1;
      uv[v * 2] = x / n;
      uv[v * 2 + 1] = y / n;
      lab[v] = ((x >> 3) * 7 + (y >> 3) * 13) % 200;
    }
  const idx = new Uint32Array(n * n * 6);
  let k = 0;
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      const a = y * (n + 1) + x;
      idx.set([a, a + 1, a + n + 2, a, a + n + 2, a + n + 1], k);
      k += 6;
    }
  const doc = new Document();
  const buf = doc.createBuffer();
  const acc = (t: 'VEC3' | 'VEC2' | 'SCALAR', a: Float32Array | Uint8Array | Uint32Array) =>
    doc.createAccessor().setType(t).setArray(a).setBuffer(buf);
  const prim = doc
    .createPrimitive()
    .setAttribute('POSITION', acc('VEC3', pos))
    .setAttribute('NORMAL', acc('VEC3', nor))
    .setAttribute('TEXCOORD_0', acc('VEC2', uv))
    .setAttribute('_PART_ID', acc('SCALAR', lab))
    .setIndices(acc('SCALAR', idx));
  doc.createScene().addChild(doc.createNode('m').setMesh(doc.createMesh('m').addPrimitive(prim)));
  const io = new NodeIO();
  const glb = await io.writeBinary(doc);
  let bestBase = Infinity,
    bestFull = Infinity,
    bestExplode = Infinity;
  for (let r = 0; r < 6; r++) {
    let t = performance.now();
    const d1 = await io.readBinary(glb);
    await io.writeBinary(d1);
    const base = performance.now() - t;
    t = performance.now();
    const d2 = await io.readBinary(glb);
    const t1 = performance.now();
    await d2.transform(explodeByLabels('attribute'));
    const t2 = performance.now();
    await io.writeBinary(d2);
    const full = performance.now() - t;
    bestBase = Math.min(bestBase, base);
    bestFull = Math.min(bestFull, full);
    bestExplode = Math.min(bestExplode, t2 - t1);
    console.log(
      `read+write ${base.toFixed(0)}ms; read+explode+write ${full.toFixed(0)}ms (explode ${(t2 - t1).toFixed(0)}ms) ratio ${(full / base).toFixed(2)} parts ${d2.getRoot().listMeshes().length}`,
    );
  }
  console.log(
    `BEST base ${bestBase.toFixed(0)} full ${bestFull.toFixed(0)} explode ${bestExplode.toFixed(0)} ratio ${(bestFull / bestBase).toFixed(2)}`,
  );
}, 300000);
