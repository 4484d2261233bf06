/** Values a name template can use. */
export interface TemplateValues {
  name: string;
  index: string;
  id: string;
  model: string;
  /** Where the part sits in the model (`top_front_left`); empty when not computed. */
  region?: string;
  /** The nearest common colour name of the part's base colour; empty when not computed. */
  color?: string;
}

const PLACEHOLDER = /\{([^{}]*)\}/gu;
const KNOWN = new Set<string>(['name', 'index', 'id', 'model', 'region', 'color']);

/**
 * Check a template once, before naming anything: an unknown placeholder (`{nmae}`) is a user
 * error that would otherwise be silently written into every file name.
 * @throws Error naming the unknown placeholder.
 */
export function assertTemplate(template: string): void {
  for (const [, key = ''] of template.matchAll(PLACEHOLDER)) {
    if (!KNOWN.has(key)) {
      throw new Error(
        `name template ${JSON.stringify(template)}: unknown placeholder {${key}} (use {name}, {index}, {id}, {model}, {region}, {color})`,
      );
    }
  }
}

/** Fill `{name}`, `{index}`, `{id}`, `{model}`, `{region}` and `{color}` in one pass (values are never re-expanded). */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (whole, key: string) =>
    KNOWN.has(key) ? (values[key as keyof TemplateValues] ?? '') : whole,
  );
}
