import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as main from '../src/index.js';
import * as inspectEntry from '../src/inspect.js';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** Every bare specifier reachable from `file` through static and dynamic relative imports. */
async function reachablePackages(file: string, seen = new Set<string>(), found = new Set<string>()) {
  if (seen.has(file)) return found;
  seen.add(file);
  const text = await readFile(file, 'utf8');
  // Type-only imports are erased at build time: they load nothing.
  const pattern = /(?:^|\n)\s*(?:import|export)\s+(?!type\s)[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g;
  for (const match of text.matchAll(pattern)) {
    const specifier = match[1] ?? match[2]!;
    if (specifier.startsWith('.'))
      await reachablePackages(join(dirname(file), specifier.replace(/\.js$/, '.ts')), seen, found);
    else found.add(specifier);
  }
  return found;
}

describe('@meshparts/split/inspect', () => {
  it('never loads @gltf-transform/functions (its import is most of a cold start)', async () => {
    const packages = await reachablePackages(join(SRC, 'inspect.ts'));
    expect(packages).toContain('@gltf-transform/core');
    expect(packages).not.toContain('@gltf-transform/functions');
    // The check itself sees the package where it is used.
    expect(await reachablePackages(join(SRC, 'index.ts'))).toContain('@gltf-transform/functions');
  });

  it('exports the very functions of the main entry', () => {
    const everything: Record<string, unknown> = { ...main };
    for (const [name, value] of Object.entries(inspectEntry)) expect(everything[name], name).toBe(value);
  });
});
