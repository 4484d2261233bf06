import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../packages/cli/src/index.js';
import { modelDigest } from '../packages/cli/src/pipeline/hash.js';
import { createIO, readModel } from '../packages/split/src/index.js';
import { FIXTURES } from './helpers/paths.js';
import { useWorkspace } from './helpers/workspace.js';

/**
 * A .gltf is known to the pipeline by its JSON and the files it names (pipeline/hash.ts, modelDigest):
 * the trial replaced a texture of a .gltf and reran, and the run skipped it ("input unchanged"), the
 * pack keeping the old image; with Tripo, an edited .bin would have reused the old paid segmentation.
 */
const ws = useWorkspace('gltf-identity', []);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** CesiumMilkTruck written as a .gltf with its .bin and its PNG beside it, in `dir`. */
async function truckGltf(dir: string): Promise<{ gltf: string; bin: string; image: string }> {
  const { document } = await readModel(join(FIXTURES, 'CesiumMilkTruck.glb'));
  document.getRoot().listBuffers()[0]!.setURI('truck.bin');
  document.getRoot().listTextures()[0]!.setURI('truck.png');
  await mkdir(dir, { recursive: true });
  const gltf = join(dir, 'truck.gltf');
  await (await createIO()).write(gltf, document);
  return { gltf, bin: join(dir, 'truck.bin'), image: join(dir, 'truck.png') };
}

/** The bytes of the one image inside a pack's part files that holds images. */
async function packedImage(packDir: string): Promise<Uint8Array> {
  const manifest = JSON.parse(await readFile(join(packDir, 'manifest.json'), 'utf8')) as {
    parts: { file: string; textures: number }[];
  };
  const part = manifest.parts.find((p) => p.textures > 0)!;
  const { document } = await readModel(join(packDir, part.file));
  return document.getRoot().listTextures()[0]!.getImage()!;
}

describe('a .gltf with files beside it', () => {
  it('is a new model when its texture or its .bin changes, and the pack then holds the new image', async () => {
    const { gltf, image, bin } = await truckGltf(ws.inputs);
    const first = await runPipeline({ inputs: [ws.inputs], outDir: ws.out, segmenter: 'local' });
    expect(first.results[0]?.outcome).toBe('packed');
    const before = await packedImage(first.results[0]!.packDir!);
    const again = await runPipeline({ inputs: [ws.inputs], outDir: ws.out, segmenter: 'local' });
    expect(again.plans[0]?.action).toBe('skip');

    // Another PNG in place of the texture (the sword's atlas), the .gltf untouched.
    const sword = await readModel(join(FIXTURES, 'PartCrafter_sword.glb'));
    const replacement = sword.document.getRoot().listTextures()[0]!.getImage()!;
    await writeFile(image, replacement);
    const edited = await runPipeline({ inputs: [ws.inputs], outDir: ws.out, segmenter: 'local' });
    expect(edited.plans[0]?.action).toBe('segment');
    expect(edited.results[0]?.outcome).toBe('packed');
    const manifest = JSON.parse(await readFile(edited.results[0]!.manifestPath!, 'utf8'));
    expect(manifest.source.sha256).toBe(await modelDigest(gltf));
    expect(manifest.source.sha256).not.toBe(sha256(await readFile(gltf)));
    // The part that carries the texture now carries (a crop of) the new image, not the old one.
    const packed = await packedImage(edited.results[0]!.packDir!);
    expect(sha256(packed)).not.toBe(sha256(before));

    // The geometry's .bin edited in place (one byte of the last vertex data): a new model again.
    const data = await readFile(bin);
    data[data.length - 1] = data[data.length - 1]! ^ 1;
    await writeFile(bin, data);
    const rebinned = await runPipeline({
      inputs: [ws.inputs],
      outDir: ws.out,
      segmenter: 'local',
      dryRun: true,
    });
    expect(rebinned.plans[0]?.action).toBe('segment');
  });

  it('is known by its file alone when it names no file, as a .glb is', async () => {
    const glb = join(FIXTURES, 'TwoCubes.glb');
    expect(await modelDigest(glb)).toBe(sha256(await readFile(glb)));
    const embedded = join(FIXTURES, 'SimpleMorph.embedded.gltf');
    expect(await modelDigest(embedded)).toBe(sha256(await readFile(embedded)));
  });

  it('reads no file outside its folder: a URI that leads out counts by its text', async () => {
    const folder = join(ws.dir, 'model');
    await mkdir(folder, { recursive: true });
    const outside = join(ws.dir, 'secret.bin');
    await writeFile(outside, 'one');
    const gltf = join(folder, 'escape.gltf');
    await writeFile(
      gltf,
      JSON.stringify({ asset: { version: '2.0' }, buffers: [{ uri: '../secret.bin', byteLength: 3 }] }),
    );
    const digest = await modelDigest(gltf);
    await writeFile(outside, 'two');
    expect(await modelDigest(gltf)).toBe(digest);
    // A link inside that leads out is not followed, and a FIFO does not hang the run: the split's
    // resource checks refuse both, and the digest is the JSON's alone, as the split then refuses it.
    await symlink(outside, join(folder, 'link.bin'));
    execFileSync('mkfifo', [join(folder, 'pipe.bin')]);
    for (const uri of ['link.bin', 'pipe.bin']) {
      const text = JSON.stringify({ asset: { version: '2.0' }, buffers: [{ uri, byteLength: 3 }] });
      await writeFile(gltf, text);
      expect(await modelDigest(gltf), uri).toBe(sha256(new TextEncoder().encode(text)));
    }
    // A file inside that the checks accept counts by its bytes.
    await writeFile(
      gltf,
      JSON.stringify({ asset: { version: '2.0' }, buffers: [{ uri: 'inside.bin', byteLength: 3 }] }),
    );
    await writeFile(join(folder, 'inside.bin'), 'one');
    const present = await modelDigest(gltf);
    await writeFile(join(folder, 'inside.bin'), 'two');
    expect(await modelDigest(gltf)).not.toBe(present);
  });

  it('never blocks on a model that is a FIFO (one swapped in after the scan): it is refused at once', async () => {
    // Opened without O_NONBLOCK, a FIFO's open waits for a writer: the run hung for good (the
    // adversarial probe swapped a model for one between the scan and the hashing).
    const folder = join(ws.dir, 'fifo-model');
    await mkdir(folder, { recursive: true });
    for (const name of ['swapped.glb', 'swapped.gltf']) {
      execFileSync('mkfifo', [join(folder, name)]);
      await expect(modelDigest(join(folder, name)), name).rejects.toMatchObject({ code: 'ENOTREGULAR' });
      await expect(readModel(join(folder, name)), name).rejects.toThrow(/it is not a regular file/);
    }
  }, 10_000);
});
