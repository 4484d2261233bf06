import { CASE_STYLES, NAMING_DEFAULTS, type NamingOptions } from '../../options.js';
import { applyCaseStyle } from './case-style.js';
import { dropExporterDebris } from './debris.js';
import { dedupeNames } from './dedupe.js';
import { guardEngineSuffix } from './engine-suffix.js';
import { applyRenameMap } from './rename-map.js';
import { assertNameBudget, FALLBACK_NAME, safeFileName } from './safe-file-name.js';
import { assertTemplate, renderTemplate } from './template.js';

/** One part to name. `sourceName` is the name in the model (may be empty or hostile). */
export interface NameInput {
  sourceName: string;
  index: number;
  id: string;
  /** For `{region}`: where the part sits in the model (see detect/name-inputs.ts). */
  region?: string;
  /** For `{color}`: the nearest common colour name of the part's base colour. */
  color?: string;
}

/**
 * Final names for parts, in input order. Per part: rename map (first matching rule; else the source
 * name without exporter debris such as `.obj` or Blender's `.001`) → template
 * (`{name}` is the renamed source name, or `part_<index>` when it is empty, blank or dots only;
 * `{index}` zero-padded to the width of the largest index) → case style → {@link safeFileName} → engine import-suffix guard
 * (`door-col` → `door-col_part`) → case-insensitive, NFC deduplication (`head`, `head_2`).
 *
 * Every result is non-empty, NFC, unique case-insensitively, safe as a file name on Linux,
 * macOS and Windows and as a URL path segment, at most `maxLength` UTF-8 bytes, and carries no Godot
 * node import suffix.
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
    // A rename rule's value is the user's own name: only a name that came from the model loses its
    // exporter debris (`barrel_1.obj_3` → `barrel_1_3`, `Cube.001` → `Cube`).
    const renamed = applyRenameMap(input.sourceName, rename) ?? dropExporterDebris(input.sourceName);
    const index = String(input.index).padStart(width, '0');
    const filled = renderTemplate(template, {
      // A part without a name is numbered by its index, as {index} is: `part_03` beside `part_11`
      // sorts as the parts come, where `part`, `part_2` … `part_11` did not (`part_11` before `part_2`).
      name: /^[\s.]*$/u.test(renamed) ? `${FALLBACK_NAME}_${index}` : renamed,
      index,
      id: input.id,
      model,
      region: input.region ?? '',
      color: input.color ?? '',
    });
    const safe = safeFileName(applyCaseStyle(filled, caseStyle), maxLength);
    return guardEngineSuffix(safe, maxLength);
  });
  return dedupeNames(names, maxLength);
}
