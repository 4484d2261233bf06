import { readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import validator from 'gltf-validator';
import { readModel, splitModel, verifyPack } from '../../packages/split/src/index.js';

/**
 * One fuzz case in process: readModel + splitModel of hostile bytes into a fresh folder, judged the
 * way a user would judge the CLI. The case passes when it either
 * - refuses the input with one of @meshparts/split's input errors (the CLI turns those into exit 2 and
 *   one line), a one-line message, and nothing written, or
 * - writes a sound pack: verifyPack says complete, every part reads back with glTF-Transform and
 *   passes the Khronos validator with zero errors, except the data-value errors of
 *   {@link PASS_THROUGH_ERRORS} that the input itself already had (split copies vertex data verbatim;
 *   it must refuse what breaks readers, not repair weights),
 * and in both cases ends within `timeBoundMs`, keeps no more than a bounded amount of heap and buffer
 * memory, leaves no temporary folder, and pollutes no prototype.
 * Anything else (a TypeError, a RangeError, a hang, a multi-line message) is returned as a problem.
 */

/** Errors of @meshparts/split that mean "bad input" (the CLI maps them to exit 2). */
export const INPUT_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ModelReadError',
  'NoPartsError',
  'NoLabelsError',
  'PackWriteError',
]);

/**
 * Validator errors about values inside the data (not about structure) that split copies as they are:
 * a part may carry one only when the input has it too. Everything structural (indices or accessors
 * out of range, lengths past a buffer, broken references) must be refused by split, never written.
 */
export const PASS_THROUGH_ERRORS: ReadonlySet<string> = new Set([
  'ACCESSOR_WEIGHTS_NON_NORMALIZED',
  'ACCESSOR_JOINTS_INDEX_DUPLICATE',
  'ACCESSOR_JOINTS_USED_ZERO_WEIGHT',
  'ACCESSOR_INVALID_FLOAT',
  'ACCESSOR_NON_UNIT',
  'ACCESSOR_ANIMATION_INPUT_NEGATIVE',
  'ANIMATION_SAMPLER_INPUT_ACCESSOR_NON_INCREASING',
  'ACCESSOR_INVALID_SIGN',
]);

export interface FuzzOutcome {
  kind: 'packed' | 'refused';
  /** Empty when the case behaved. */
  problems: string[];
  ms: number;
  message?: string;
}

export async function runFuzzCase(
  bytes: Uint8Array,
  packDir: string,
  timeBoundMs: number,
): Promise<FuzzOutcome> {
  const problems: string[] = [];
  const memoryBefore = retainedBytes();
  const started = performance.now();
  let kind: FuzzOutcome['kind'] = 'refused';
  let message: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const work = (async () => {
      // Through the name, as the CLI reads a path: the error messages then name the file.
      const model = await readModel(bytes, { name: 'fuzzed.glb', logger: silentLogger() });
      return splitModel(model, packDir, { logger: silentLogger() });
    })();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeBoundError(timeBoundMs)), timeBoundMs);
    });
    await Promise.race([work, timeout]);
    kind = 'packed';
  } catch (error) {
    if (error instanceof TimeBoundError) problems.push(error.message);
    else if (!(error instanceof Error)) problems.push(`threw a non-Error: ${String(error)}`);
    else {
      message = error.message;
      if (!INPUT_ERROR_NAMES.has(error.name))
        problems.push(`crashed with ${error.name}: ${error.message.split('\n')[0]}`);
      else if (error.message.includes('\n') || error.message.length > 400 || error.message.trim() === '')
        problems.push(`${error.name} message is not one clear line: ${JSON.stringify(error.message)}`);
    }
  } finally {
    clearTimeout(timer);
  }
  const ms = performance.now() - started;
  if (ms > timeBoundMs) problems.push(`took ${Math.round(ms)} ms (bound ${timeBoundMs} ms)`);
  const grown = retainedBytes() - memoryBefore;
  if (grown > MAX_RETAINED_GROWTH)
    problems.push(`kept ${Math.round(grown / 2 ** 20)} MiB of heap and buffers`);
  if (kind === 'packed') problems.push(...(await packProblems(packDir, await errorCodes(bytes))));
  else if (await exists(packDir)) problems.push('refused, but a pack folder was written');
  const leftovers = (await readdir(dirname(packDir))).filter((name) => name.includes('.tmp-'));
  if (leftovers.length > 0) problems.push(`temporary files left: ${leftovers.join(', ')}`);
  if ((Object.prototype as Record<string, unknown>).polluted !== undefined) {
    delete (Object.prototype as Record<string, unknown>).polluted;
    problems.push('Object.prototype was polluted');
  }
  await rm(packDir, { recursive: true, force: true });
  return { kind, problems, ms, ...(message !== undefined ? { message } : {}) };
}

/** Heap and ArrayBuffer memory a case may still hold when it ends (the inputs are a few KiB). */
const MAX_RETAINED_GROWTH = 256 * 1024 * 1024;

/** JS heap plus ArrayBuffers: where a size taken from a hostile file would be allocated. */
function retainedBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

class TimeBoundError extends Error {
  constructor(ms: number) {
    super(`did not end within ${ms} ms`);
  }
}

/** The validator's error codes for some GLB bytes. */
export async function errorCodes(bytes: Uint8Array): Promise<Set<string>> {
  const report = await validator.validateBytes(new Uint8Array(bytes), { maxIssues: 200 });
  return new Set(
    (report.issues.messages as unknown as { code: string; severity: number }[])
      .filter((m) => m.severity === 0)
      .map((m) => m.code),
  );
}

/**
 * What is wrong with a pack that was reported as written (empty when it is sound). `inputErrors` are
 * the validator error codes of the input: those in PASS_THROUGH_ERRORS may reappear in parts.
 */
export async function packProblems(
  packDir: string,
  inputErrors: ReadonlySet<string> = new Set(),
): Promise<string[]> {
  const check = await verifyPack(packDir);
  if (!check.complete || !check.manifest) return [`pack incomplete: ${check.problems.join('; ')}`];
  const problems: string[] = [];
  if (check.manifest.parts.length === 0) problems.push('pack has no parts');
  for (const part of check.manifest.parts) {
    const bytes = new Uint8Array(await readFile(join(packDir, part.file)));
    const codes = [...(await errorCodes(bytes))].filter(
      (code) => !(PASS_THROUGH_ERRORS.has(code) && inputErrors.has(code)),
    );
    if (codes.length > 0) problems.push(`${part.file}: validator errors ${codes.join(', ')}`);
    try {
      await readModel(bytes, { name: part.file, logger: silentLogger() });
    } catch (error) {
      problems.push(`${part.file} does not read back: ${(error as Error).message}`);
    }
  }
  return problems;
}

async function exists(path: string): Promise<boolean> {
  try {
    await readdir(path);
    return true;
  } catch {
    return false;
  }
}

/** glTF-Transform's default logger prints warnings to the console: the fuzz run keeps them quiet. */
function silentLogger() {
  const quiet = () => undefined;
  return { debug: quiet, info: quiet, warn: quiet, error: quiet };
}
