/**
 * Which 3D format a submission is, decided before paying. Content wins where the format has a magic
 * number (GLB `glTF`, binary FBX `Kaydara FBX Binary  \0`); the extension decides for the text formats
 * (.gltf, .obj, ASCII .fbx) and for STL. A file whose extension promises a binary format its content
 * contradicts (a `.glb` without the `glTF` magic) is rejected: it is corrupt or misnamed, and the
 * upstream would fail after the credits were spent.
 */

export type ModelFormat = 'glb' | 'gltf' | 'fbx' | 'obj' | 'stl';

/** The MIME type sent with each format in the multipart body. */
export const MODEL_CONTENT_TYPES: Record<ModelFormat, string> = {
  glb: 'model/gltf-binary',
  gltf: 'model/gltf+json',
  fbx: 'application/octet-stream',
  obj: 'model/obj',
  stl: 'model/stl',
};

/** Bytes of the file head the detector needs. */
export const FORMAT_SNIFF_BYTES = 32;

const FBX_MAGIC = 'Kaydara FBX Binary  \0';

function ascii(head: Uint8Array, length: number): string {
  return String.fromCharCode(...head.subarray(0, length));
}

/** The lower-cased extension of a file name, without the dot ('' when none). */
export function extensionOf(filename: string | undefined): string {
  if (filename === undefined) return '';
  const base = filename.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

export type FormatDetection = { ok: true; format: ModelFormat } | { ok: false; reason: string };

/** Detect the format from the file head and name. */
export function detectFormat(head: Uint8Array, filename: string | undefined): FormatDetection {
  const ext = extensionOf(filename);
  const isGlb = head.length >= 4 && ascii(head, 4) === 'glTF';
  const isBinaryFbx = head.length >= FBX_MAGIC.length && ascii(head, FBX_MAGIC.length) === FBX_MAGIC;
  if (isGlb) {
    if (head.length >= 8 && head[4] !== 2) {
      return { ok: false, reason: `is a GLB of version ${head[4]}; only glTF 2.0 is supported` };
    }
    return { ok: true, format: 'glb' };
  }
  if (isBinaryFbx) return { ok: true, format: 'fbx' };
  switch (ext) {
    case 'glb':
      return { ok: false, reason: 'has the .glb extension but does not start with the GLB magic "glTF"' };
    case 'gltf':
      return { ok: true, format: 'gltf' };
    case 'fbx':
    case 'obj':
    case 'stl':
      return { ok: true, format: ext };
    case '':
      return {
        ok: false,
        reason: 'is not a GLB or binary FBX by content, and has no file name extension to tell its format',
      };
    default:
      return {
        ok: false,
        reason: `has the unsupported extension .${ext} (supported: GLB, glTF, FBX, OBJ, STL)`,
      };
  }
}

/**
 * The file name sent with an upload, reduced to printable ASCII. The API only needs the extension (it
 * tells OBJ from STL), and multipart parsers disagree on non-ASCII names (RFC 7578 leaves the charset
 * open; busboy reads latin1, browsers send UTF-8), so `modèle "final".glb` goes as `mod_le__final_.glb`.
 */
export function uploadFilename(filename: string, format: ModelFormat): string {
  const safe = (filename.split(/[\\/]/).pop() ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._() -]/g, '_');
  const dot = safe.lastIndexOf('.');
  const ext = (dot >= 0 ? safe.slice(dot + 1) : '').slice(0, 16) || format;
  const stem = (dot >= 0 ? safe.slice(0, dot) : safe).replace(/^[.\s]+/, '').slice(0, 200 - ext.length - 1);
  return `${stem === '' ? 'model' : stem}.${ext}`;
}
