import type { CaseStyle } from '../../options.js';

/**
 * Words of a name, the way lodash and change-case split them, but Unicode-aware:
 * separators are anything other than letters, marks, digits and emoji (so spaces, `-`, `_`, `.`
 * and other punctuation); inside a run, camelCase and acronym boundaries split
 * (`leftArmIK2` → `left`, `Arm`, `IK`, `2`; `HTTPServer` → `HTTP`, `Server`). Uncased scripts
 * (CJK, Arabic, Hebrew) and emoji stay whole words.
 */
export function splitWords(name: string): string[] {
  const runs = name.split(
    /(?:(?!\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u200D|\uFE0F)[^\p{L}\p{M}\p{N}])+/u,
  );
  const words: string[] = [];
  for (const run of runs) {
    if (run === '') continue;
    const parts = run.match(
      /\p{Lu}[\p{Ll}\p{M}]+|\p{Lu}+\p{M}*(?!\p{Ll})|[\p{Ll}\p{M}]+|\p{N}+|[^\p{Lu}\p{Ll}\p{N}]+/gu,
    );
    if (parts) words.push(...parts);
  }
  return words;
}

function capitalize(word: string): string {
  const [first = ''] = word;
  return first.toUpperCase() + word.slice(first.length).toLowerCase();
}

/**
 * Apply a case style. Lower/upper casing is locale-independent (`I` → `i`, also in Turkish
 * locales), so the same input gives the same file name on every machine.
 */
export function applyCaseStyle(name: string, style: CaseStyle): string {
  if (style === 'keep') return name;
  const words = splitWords(name);
  switch (style) {
    case 'snake':
      return words.map((w) => w.toLowerCase()).join('_');
    case 'kebab':
      return words.map((w) => w.toLowerCase()).join('-');
    case 'camel':
      return words.map((w, i) => (i === 0 ? w.toLowerCase() : capitalize(w))).join('');
    case 'pascal':
      return words.map(capitalize).join('');
  }
}
