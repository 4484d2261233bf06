import { it } from 'vitest';
import { basename } from 'node:path';
import { readModel } from '../src/io.js';
import { listMeshNodes, selectScene } from '../src/detect-parts.js';
import { segmentLocally } from '../src/segment-locally.js';
import { listModels, SHARED_MODELS } from './helpers/paths.js';
it('x', async () => {
  for (const path of listModels(SHARED_MODELS)) {
    const a = await readModel(path);
    const n = listMeshNodes(selectScene(a.document).scene).length;
    const t = performance.now();
    const auto = await segmentLocally(a.document);
    const b = await readModel(path);
    const comp = await segmentLocally(b.document, { strategy: 'components' });
    console.log(`ROW ${basename(path)} meshNodes=${n} auto=${auto.strategy}/${auto.parts} components=${comp.parts} ${(performance.now()-t).toFixed(0)}ms`);
  }
}, 120000);
