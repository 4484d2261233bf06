import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as main from '../src/index.js';
import * as inspectEntry from '../src/inspect.js';
import * as packEntry from '../src/pack.js';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/**
 * Every bare specifier reachable from `file` through relative imports: static and dynamic ones, or
 * (`staticOnly`) only those loaded with the module, before any function of it runs.
 */
async function reachablePackages(
  file: string,
  staticOnly = false,
  seen = new Set<string>(),
  found = new Set<string>(),
): Promise<Set<string>> {
  if (seen.has(file)) return found;
  seen.add(file);
  const text = await readFile(file, 'utf8');
  // Type-only imports are erased at build time: they load nothing.
  const pattern = /(?:^|\n)\s*(?:import|export)\s+(?!type\s)[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g;
  for (const match of text.matchAll(pattern)) {
    if (staticOnly && match[1] === undefined) continue;
    const specifier = match[1] ?? match[2]!;
    if (specifier.startsWith('.'))
      await reachablePackages(
        join(dirname(file), specifier.replace(/\.js$/, '.ts')),
        staticOnly,
        seen,
        found,
      );
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

describe('@meshparts/split/pack', () => {
  it('loads @gltf-transform/functions only when a part needs the general path', async () => {
    const loaded = await reachablePackages(join(SRC, 'pack.ts'), true);
    expect(loaded).toContain('@gltf-transform/core');
    expect(loaded).not.toContain('@gltf-transform/functions');
    // It is still there, behind a dynamic import, for the parts that need it.
    expect(await reachablePackages(join(SRC, 'pack.ts'))).toContain('@gltf-transform/functions');
  });

  it('exports the very functions of the main entry', () => {
    const everything: Record<string, unknown> = { ...main };
    for (const [name, value] of Object.entries(packEntry)) expect(everything[name], name).toBe(value);
  });
});

describe('@meshparts/split/naming', () => {
  it('loads no glTF code (meshparts split checks its naming flags with it before anything is read)', async () => {
    const packages = await reachablePackages(join(SRC, 'pack', 'naming', 'index.ts'));
    expect([...packages].filter((name) => name.startsWith('@gltf-transform/'))).toEqual([]);
    // The check itself sees glTF-Transform where it is used.
    expect(await reachablePackages(join(SRC, 'inspect.ts'))).toContain('@gltf-transform/core');
  });

  it('exports the very functions of the main entry', async () => {
    const naming = await import('../src/pack/naming/index.js');
    const everything: Record<string, unknown> = { ...main };
    for (const name of ['nameParts', 'parseRenameMap', 'safeFileName'] as const)
      expect(everything[name], name).toBe(naming[name]);
  });
});

describe("splitModel's Document path (split-document.ts)", () => {
  it('loads glTF-Transform extensions, the codecs and the shape segmenter only when a model or strategy needs them', async () => {
    // ~50 ms of start-up for every label split of an untextured model (BENCHMARKS.md, table 2).
    const file = join(SRC, 'split-document.ts');
    const modules = new Set<string>();
    const loaded = await reachablePackages(file, true, modules);
    expect(loaded).toContain('@gltf-transform/core');
    expect(loaded).not.toContain('@gltf-transform/extensions');
    const lazy = ['detect/shape/shape-labels.ts', 'parts/textures/crop-textures.ts', 'read/codecs.ts'];
    for (const path of lazy) expect([...modules], path).not.toContain(join(SRC, path));
    // Behind dynamic imports, they are still there for the models and strategies that need them.
    const everything = new Set<string>();
    expect(await reachablePackages(file, false, everything)).toContain('@gltf-transform/extensions');
    for (const path of lazy) expect([...everything], path).toContain(join(SRC, path));
  });
});
