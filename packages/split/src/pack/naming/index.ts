/**
 * Part naming: rename maps, templates, case styles, file-name safety, engine import-suffix
 * guard and deduplication. {@link nameParts} is the one call the splitter makes; the pieces are
 * exported for callers that need one step (e.g. a safe file name for a model).
 */
export { applyCaseStyle, splitWords } from './case-style.js';
export { dropExporterDebris } from './debris.js';
export { collisionKey, dedupeNames } from './dedupe.js';
export {
  ENGINE_IMPORT_SUFFIXES,
  ENGINE_SUFFIX_GUARD,
  guardEngineSuffix,
  hasEngineImportSuffix,
} from './engine-suffix.js';
export { type NameInput, nameParts } from './name-parts.js';
export { applyRenameMap, parseRenameMap, type RenameMap } from './rename-map.js';
export { isDeviceName, isSafeFileName, safeFileName } from './safe-file-name.js';
export { utf8Length } from './utf8.js';
