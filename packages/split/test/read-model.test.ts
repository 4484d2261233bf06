import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codecNeedsOf, createIO, ModelReadError, readModel, repairGLBAlignment } from '../src/index.js';
import { assertResourcesInside, readCheckedResources } from '../src/read/resources.js';
import { FIXTURES } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const work = useTempDir('read');

describe('readModel', () => {
  it('reads .glb and embedded .gltf, from a path or from bytes', async () => {
    const glb = await readModel(join(FIXTURES, 'TwoCubes.glb'));
    expect(glb.file).toBe('TwoCubes.glb');
    expect(glb.document.getRoot().listMeshes().length).toBeGreaterThan(0);
    const gltf = await readModel(readFileSync(join(FIXTURES, 'SimpleSkin.embedded.gltf')), {
      name: 'skin.gltf',
    });
    expect(gltf.file).toBe('skin.gltf');
    expect(gltf.document.getRoot().listSkins()).toHaveLength(1);
  });

  it('loads the Draco and meshopt codecs only for files that use them', async () => {
    expect((await readModel(join(FIXTURES, 'TwoCubes.glb'))).codecs).toEqual({
      draco: false,
      meshopt: false,
    });
    const draco = await readModel(join(FIXTURES, 'Box_Draco.glb'));
    expect(draco.codecs.draco).toBe(true);
    expect(codecNeedsOf(draco.document).draco).toBe(true);
    expect(draco.document.getRoot().listAccessors()[0]!.getCount()).toBeGreaterThan(0);
    expect((await readModel(join(FIXTURES, 'BoxMeshopt.glb'))).codecs.meshopt).toBe(true);
  });

  it('repairs a GLB whose JSON chunk is not 4-byte aligned', async () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'trimesh_pins.glb')));
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(view.getUint32(12, true) % 4).not.toBe(0);
    const repaired = repairGLBAlignment(bytes);
    expect(new DataView(repaired.buffer).getUint32(12, true) % 4).toBe(0);
    expect(new DataView(repaired.buffer).getUint32(8, true)).toBe(repaired.byteLength);
    const { document } = await readModel(bytes);
    expect(document.getRoot().listMeshes().length).toBeGreaterThan(0);
  });

  it('refuses external resources outside the model folder (no local file leaks into parts)', async () => {
    const secret = join(work, 'secret.bin');
    writeFileSync(secret, new Uint8Array(12));
    const folder = join(work, 'model');
    mkdirSync(folder, { recursive: true });
    for (const uri of ['../secret.bin', secret, '%2E%2E/secret.bin']) {
      const path = join(folder, 'leaky.gltf');
      writeFileSync(path, JSON.stringify({ asset: { version: '2.0' }, buffers: [{ uri, byteLength: 12 }] }));
      await expect(readModel(path)).rejects.toThrow(/outside its folder/);
    }
    // A resource beside the model is fine.
    writeFileSync(join(folder, 'data.bin'), new Uint8Array(12));
    writeFileSync(
      join(folder, 'ok.gltf'),
      JSON.stringify({ asset: { version: '2.0' }, buffers: [{ uri: 'data.bin', byteLength: 12 }] }),
    );
    expect((await readModel(join(folder, 'ok.gltf'))).document.getRoot().listBuffers()).toHaveLength(1);
  });

  /** A GLB container around `text` as its JSON chunk (padded with spaces, as the spec pads). */
  const glbWithJson = (text: string): Uint8Array => {
    const json = new TextEncoder().encode(text.padEnd(Math.ceil(text.length / 4) * 4, ' '));
    const bytes = new Uint8Array(20 + json.byteLength);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 0x46546c67, true); // 'glTF'
    view.setUint32(4, 2, true);
    view.setUint32(8, bytes.byteLength, true);
    view.setUint32(12, json.byteLength, true);
    view.setUint32(16, 0x4e4f534a, true); // 'JSON'
    bytes.set(json, 20);
    return bytes;
  };
  const cases: Array<[string, Uint8Array | string, RegExp]> = [
    ['a missing file', join(FIXTURES, 'no-such-model.glb'), /no such file/],
    ['a folder', FIXTURES, /folder/],
    ['random bytes', new Uint8Array([1, 2, 3, 4, 5]), /neither a GLB file nor glTF JSON/],
    [
      'a GLB whose JSON chunk is not JSON',
      glbWithJson('{"asset": '),
      /is a corrupt GLB file \(its JSON chunk: /,
    ],
    ['an empty file', new Uint8Array(0), /is empty \(0 bytes\)$/],
    ['glTF JSON cut short', new TextEncoder().encode('{"asset": {'), /is not valid glTF JSON: .*position 11/],
    [
      'a truncated GLB',
      new Uint8Array(readFileSync(join(FIXTURES, 'TwoCubes.glb')).subarray(0, 40)),
      /corrupt|truncated/,
    ],
    ['JSON that is not glTF', new TextEncoder().encode('{"hello": 1}'), /not a glTF 2.0/],
    ['glTF 1.0', new TextEncoder().encode('{"asset": {"version": "1.0"}}'), /not a glTF 2.0/],
    [
      'an unsupported required extension',
      new TextEncoder().encode(
        '{"asset":{"version":"2.0"},"extensionsUsed":["EXT_nope"],"extensionsRequired":["EXT_nope"]}',
      ),
      /unsupported glTF extension.*EXT_nope/,
    ],
    ['a missing external buffer', '', /cannot read .* as glTF/],
  ];
  it.each(cases)('%s is a one-line ModelReadError', async (title, input, message) => {
    let source = input;
    if (title === 'a missing external buffer') {
      source = join(work, 'external.gltf');
      writeFileSync(
        source,
        JSON.stringify({
          asset: { version: '2.0' },
          buffers: [{ uri: 'missing.bin', byteLength: 12 }],
          bufferViews: [{ buffer: 0, byteLength: 12 }],
          accessors: [{ bufferView: 0, componentType: 5126, count: 1, type: 'VEC3' }],
          meshes: [{ primitives: [{ attributes: { POSITION: 0 } }] }],
          nodes: [{ mesh: 0 }],
          scenes: [{ nodes: [0] }],
        }),
      );
    }
    const error = await readModel(source).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelReadError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('external resources swapped after their check (D19)', () => {
  /** A .gltf with one external buffer, checked; then `swap` replaces the buffer before the read. */
  async function checkThenSwap(name: string, swap: (bin: string) => void) {
    const folder = join(work, name);
    mkdirSync(folder, { recursive: true });
    const bin = join(folder, 'data.bin');
    writeFileSync(bin, new Uint8Array(12));
    const json = { asset: { version: '2.0' }, buffers: [{ uri: 'data.bin', byteLength: 12 }] };
    const checked = await assertResourcesInside(json, join(folder, 'model.gltf'), 'model.gltf');
    expect(checked.bufferLengths.get(0)).toBe(12);
    swap(bin);
    // A hang would be the bug: the read must settle at once (the race turns a hang into a failure).
    const hang = new Promise((resolve) => setTimeout(() => resolve('hung'), 5_000));
    return Promise.race([
      readCheckedResources(json, checked, 'model.gltf').catch((error: unknown) => error),
      hang,
    ]);
  }

  it('refuses a FIFO put in its place at once instead of blocking forever', async () => {
    const result = await checkThenSwap('fifo', (bin) => {
      rmSync(bin);
      execFileSync('mkfifo', [bin]);
    });
    expect(result).toBeInstanceOf(ModelReadError);
    expect((result as Error).message).toMatch(
      /data\.bin.*stopped being a regular file|data\.bin.*was replaced/,
    );
  });

  it('refuses a link or another file put in its place, and reads the checked file as it is', async () => {
    const linked = await checkThenSwap('link', (bin) => {
      rmSync(bin);
      writeFileSync(join(work, 'secret.bin'), new Uint8Array(12).fill(7));
      symlinkSync(join(work, 'secret.bin'), bin);
    });
    expect((linked as Error).message).toMatch(/became a link|could not be opened/);
    const replaced = await checkThenSwap('other', (bin) => {
      rmSync(bin);
      writeFileSync(bin, new Uint8Array(24).fill(9)); // bigger than the preflight checked
    });
    expect((replaced as Error).message).toMatch(/was replaced/);
    const same = await checkThenSwap('same', () => undefined);
    expect(same).toEqual({ 'data.bin': new Uint8Array(12) });
  });

  it('reads a .gltf with external files through those checked handles', async () => {
    const model = await readModel(join(FIXTURES, 'SimpleSkin.embedded.gltf'));
    const folder = join(work, 'external');
    mkdirSync(folder, { recursive: true });
    const { json, resources } = await (await createIO()).writeJSON(model.document, { basename: 'skin' });
    for (const [uri, bytes] of Object.entries(resources)) writeFileSync(join(folder, uri), bytes);
    writeFileSync(join(folder, 'skin.gltf'), JSON.stringify(json));
    const read = await readModel(join(folder, 'skin.gltf'));
    expect(read.document.getRoot().listSkins()).toHaveLength(1);
    expect(read.document.getRoot().listAccessors().length).toBe(
      model.document.getRoot().listAccessors().length,
    );
  });
});
