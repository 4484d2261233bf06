/**
 * A plain-text table for terminals: columns padded to their widest cell (by code points, so CJK and
 * emoji names may sit a little off — the content stays exact), numbers right-aligned.
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly string[][],
  rightAligned: readonly number[] = [],
): string {
  const width = (text: string) => [...text].length;
  const widths = headers.map((header, c) =>
    Math.max(width(header), ...rows.map((row) => width(row[c] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => {
        const pad = ' '.repeat(widths[c]! - width(cell));
        return rightAligned.includes(c) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
