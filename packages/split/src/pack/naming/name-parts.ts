import { applyCaseStyle, CASE_STYLES, type CaseStyle } from './case-style.js';
import { dedupeNames } from './dedupe.js';
import { guardEngineSuffix } from './engine-suffix.js';
import { applyRenameMap, type RenameMap } from './rename-map.js';
import { assertNameBudget, FALLBACK_NAME, safeFileName } from './safe-file-name.js';
import { assertTemplate, renderTemplate } from './template.js';

export interface NamingOptions {
  /** Name template with `{name}`, `{index}`, `{id}`, `{model}`. Default `{name}`. */
  template?: string;
  /** Ordered rename rules, applied to the source name before the template (first match wins). */
  rename?: RenameMap;
  /** Case style applied to the filled template. Default `keep`. */
  case?: CaseStyle;
  /** Model name for `{model}` (e.g. the input file's stem). Default `model`. */
  model?: string;
  /**
   * Maximum UTF-8 bytes of a final name, dedup suffix included, without the `.glb` extension.
   * From 16 to 240. Default 100: far inside the 255-byte component limit, and short enough that
   * `<out>/parts/<name>.glb` stays usable under Windows' 260-character path limit.
   */
  maxLength?: number;
}

/** Defaults of {@link NamingOptions}. */
export const NAMING_DEFAULTS: Required<Omit<NamingOptions, 'rename' | 'model'>> = Object.freeze({
  template: '{name}',
  case: 'keep',
  maxLength: 100,
});

/** One part to name. `sourceName` is the name in the model (may be empty or hostile). */
export interface NameInput {
  sourceName: string;
  index: number;
  id: string;
}

/**
 * Final names for parts, in input order. Per part: rename map (first matching rule) → template
 * (`{name}` is the renamed source name, or `part` when empty; `{index}` zero-padded to the width
 * of the largest index) → case style → {@link safeFileName} → engine import-suffix guard
 * (`door-col` → `door-col_part`) → case-insensitive, NFC deduplication (`head`, `head_2`).
 *
 * Every result is non-empty, NFC, unique case-insensitively, safe as a file name on Linux,
 * macOS and Windows, at most `maxLength` UTF-8 bytes, and ends in no Godot import suffix.
 * Names that are already fine are unchanged: `head` stays `head`.
 *
 * @throws Error for an unknown template placeholder, an unknown case style or a bad `maxLength`.
 */
export function nameParts(inputs: readonly NameInput[], options: NamingOptions = {}): string[] {
  const template = options.template ?? NAMING_DEFAULTS.template;
  const caseStyle = options.case ?? NAMING_DEFAULTS.case;
  const maxLength = options.maxLength ?? NAMING_DEFAULTS.maxLength;
  const rename = options.rename ?? [];
  const model = options.model?.trim() ? options.model : 'model';
  assertTemplate(template);
  assertNameBudget(maxLength);
  if (!CASE_STYLES.includes(caseStyle)) {
    throw new Error(`unknown case style ${JSON.stringify(caseStyle)} (use ${CASE_STYLES.join(', ')})`);
  }
  const width = String(Math.max(0, ...inputs.map((input) => input.index))).length;
  const names = inputs.map((input) => {
    const renamed = applyRenameMap(input.sourceName, rename) ?? input.sourceName;
    const filled = renderTemplate(template, {
      name: renamed.trim() === '' ? FALLBACK_NAME : renamed,
      index: String(input.index).padStart(width, '0'),
      id: input.id,
      model,
    });
    const safe = safeFileName(applyCaseStyle(filled, caseStyle), maxLength);
    return guardEngineSuffix(safe, maxLength);
  });
  return dedupeNames(names, maxLength);
}
