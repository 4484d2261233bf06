import stringWidth from 'string-width';
import { printable } from './output.js';

/** Terminal tables: loaded by the commands that print one (string-width takes ~20 ms to load). */

/** Options of {@link formatTable}. */
export interface TableOptions {
  /** Column indexes whose cells are right-aligned (numbers). */
  rightAligned?: readonly number[];
}

/**
 * A plain-text table for terminals: columns padded to their widest cell as the terminal shows it
 * (string-width: CJK and emoji take two columns, combining marks none), numbers right-aligned, cells
 * made {@link printable}.
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const right = new Set(options.rightAligned ?? []);
  const cells = rows.map((row) => headers.map((_, c) => printable(row[c] ?? '')));
  const widths = headers.map((header, c) =>
    Math.max(stringWidth(header), ...cells.map((row) => stringWidth(row[c]!))),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, c) => {
        const pad = ' '.repeat(widths[c]! - stringWidth(cell));
        return right.has(c) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
