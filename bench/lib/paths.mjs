/** Where bench inputs, outputs and built packages live. Everything generated goes under bench/.work/. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WORK = fileURLToPath(new URL('../.work/', import.meta.url));
export const MODELS = `${WORK}models/`;
/**
 * Where the measured processes write (copies, packs, downloads). `BENCH_OUT` moves it, e.g. to a tmpfs
 * (`BENCH_OUT=/dev/shm/meshparts-bench`) to take the file system's metadata cost out of a comparison.
 */
export const OUT = process.env.BENCH_OUT ? `${resolve(process.env.BENCH_OUT)}/` : `${WORK}out/`;
export const CHILDREN = fileURLToPath(new URL('../children/', import.meta.url));
export const CLI_BIN = `${ROOT}packages/cli/dist/bin.js`;
export const SPLIT_DIST = `${ROOT}packages/split/dist/index.js`;
/** The lighter entry for splitting files (no @gltf-transform/functions until a part needs it). */
export const SPLIT_PACK_DIST = `${ROOT}packages/split/dist/pack.js`;
/** `@meshparts/split/split-model`: splitModel alone (the byte-level split, the Document path on demand). */
export const SPLIT_MODEL_DIST = `${ROOT}packages/split/dist/split-model.js`;
export const CLIENT_DIST = `${ROOT}packages/client/dist/index.js`;
export const TESTING_DIST = `${ROOT}packages/client/dist/testing/index.js`;
