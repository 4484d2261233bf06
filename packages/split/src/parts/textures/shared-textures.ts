import { type Document, Format, type NodeIO } from '@gltf-transform/core';
import { sha256Hex } from '../../hash.js';

/** Where shared images live in a pack, and how part files (in `parts/`) reach them. */
export const TEXTURES_DIR = 'textures';
const FROM_PARTS = '../';

/** One image file of the pack's `textures/` folder. */
export interface SharedTextureFile {
  /** Relative to the pack: `textures/<file>`. */
  path: string;
  bytes: Uint8Array;
  mimeType: string;
}

/** What a part file written by {@link SharedTextures.writePart} refers to. */
export interface SharedPartFile {
  /** The part's GLB: geometry and materials, images by URI. */
  bytes: Uint8Array;
  /** The images it refers to: pack-relative path and size (for the manifest). */
  images: Array<{ path: string; byteLength: number }>;
}

const EXTENSION: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/ktx2': 'ktx2',
  'image/avif': 'avif',
};

/** A file name from a texture's name or URI: letters, digits, `_`, `-`; never empty, `.` or `..`. */
function baseName(hint: string): string {
  const last = hint.split(/[\\/]/).pop() ?? '';
  const stem = last.replace(/\.[A-Za-z0-9]+$/, '');
  const safe = stem
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^[-_]+|_+$/g, '')
    .slice(0, 64);
  return safe || 'texture';
}

/**
 * `--textures shared`: one copy of each distinct image (by content) in the pack's `textures/` folder,
 * referenced from every part file by the relative URI `../textures/<file>`. One instance per pack.
 *
 * A GLB whose images are external files is valid glTF 2.0 (a GLB's images may use `uri`); which
 * engines load it is in README.md. Use {@link uriFor} from the direct encoder (write `uri` instead of
 * a bufferView) and {@link writePart} for part Documents; then write {@link files} beside `parts/`.
 */
export class SharedTextures {
  readonly #byContent = new Map<string, SharedTextureFile>();
  readonly #names = new Set<string>();

  /**
   * The URI, relative to a part file in `parts/`, of the shared copy of `bytes`; registers the image
   * on first sight. `nameHint`: the texture's name or URI (the file is named after it, made unique).
   */
  uriFor(bytes: Uint8Array, mimeType: string, nameHint: string): string {
    return FROM_PARTS + this.#register(bytes, mimeType, nameHint).path;
  }

  #register(bytes: Uint8Array, mimeType: string, nameHint: string): SharedTextureFile {
    const key = sha256Hex(bytes);
    let file = this.#byContent.get(key);
    if (!file) {
      const extension = EXTENSION[mimeType] ?? 'bin';
      const base = baseName(nameHint);
      let name = `${base}.${extension}`;
      for (let n = 2; this.#names.has(name.toLowerCase()); n++) name = `${base}_${n}.${extension}`;
      this.#names.add(name.toLowerCase());
      file = { path: `${TEXTURES_DIR}/${name}`, bytes, mimeType };
      this.#byContent.set(key, file);
    }
    return file;
  }

  /**
   * Writes a part Document as a GLB whose images are not embedded but referenced by URI: each texture
   * gets the URI of its shared copy (registered here). glTF-Transform always embeds images in a GLB,
   * so the part is written as JSON + resources, and the GLB is assembled from the JSON and the one
   * buffer (part Documents hold one buffer).
   */
  async writePart(document: Document, io: NodeIO): Promise<SharedPartFile> {
    const images: SharedPartFile['images'] = [];
    for (const texture of document.getRoot().listTextures()) {
      const bytes = texture.getImage();
      if (!bytes) continue;
      const file = this.#register(bytes, texture.getMimeType(), texture.getName() || texture.getURI());
      texture.setURI(FROM_PARTS + file.path);
      if (!images.some((image) => image.path === file.path))
        images.push({ path: file.path, byteLength: bytes.byteLength });
    }
    const { json, resources } = await io.writeJSON(document, { format: Format.GLTF, basename: 'part' });
    const buffers = json.buffers ?? [];
    if (buffers.length > 1)
      throw new Error(`a part Document must hold one buffer, it holds ${buffers.length}`);
    let bin: Uint8Array | undefined;
    const buffer = buffers[0];
    if (buffer?.uri) {
      bin = resources[buffer.uri];
      delete buffer.uri;
    }
    return { bytes: assembleGlb(json, bin), images };
  }

  /** The files of `textures/`, in the order they were first seen. */
  files(): SharedTextureFile[] {
    return [...this.#byContent.values()];
  }
}

const pad4 = (n: number): number => (n + 3) & ~3;

/** A GLB from its JSON and optional BIN chunk (JSON padded with spaces, BIN with zeros). */
function assembleGlb(json: object, bin: Uint8Array | undefined): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(json));
  const jsonLength = pad4(text.byteLength);
  const binLength = bin ? pad4(bin.byteLength) : 0;
  const total = 12 + 8 + jsonLength + (bin ? 8 + binLength : 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x46546c67, true); // 'glTF'
  view.setUint32(4, 2, true);
  view.setUint32(8, total, true);
  view.setUint32(12, jsonLength, true);
  view.setUint32(16, 0x4e4f534a, true); // 'JSON'
  out.set(text, 20);
  out.fill(0x20, 20 + text.byteLength, 20 + jsonLength);
  if (bin) {
    const at = 20 + jsonLength;
    view.setUint32(at, binLength, true);
    view.setUint32(at + 4, 0x004e4942, true); // 'BIN\0'
    out.set(bin, at + 8);
  }
  return out;
}
