/** Markdown output for bench results. */

/** A Markdown table from a header row and rows of cells. */
export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export const ms = (value) => `${Math.round(value)} ms`;
export const mib = (value) => `${Math.round(value)} MiB`;
export const ratio = (value) => `${value.toFixed(2)}x`;
