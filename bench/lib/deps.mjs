/**
 * Resolves glTF-Transform for bench scripts. bench/ is not a workspace package, so bare specifiers
 * such as `@gltf-transform/core` do not resolve from here; the copy @meshparts/split depends on is
 * used instead, so the baseline and the candidate run the very same glTF-Transform build.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const fromSplit = createRequire(new URL('../../packages/split/package.json', import.meta.url));

/** The ESM entry of a glTF-Transform package (`require.resolve` finds the CJS one beside it). */
function esmEntry(name) {
  return pathToFileURL(join(dirname(fromSplit.resolve(name)), 'index.js')).href;
}

/** `import('@gltf-transform/core')` as @meshparts/split sees it. */
export function importCore() {
  return import(esmEntry('@gltf-transform/core'));
}

/** `import('@gltf-transform/extensions')` as @meshparts/split sees it. */
export function importExtensions() {
  return import(esmEntry('@gltf-transform/extensions'));
}
