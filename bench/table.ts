/** One benchmark table: right-aligned columns; integers as is, small fractions with two decimals. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? (Number.isInteger(c) || c >= 100 ? c.toFixed(0) : c.toFixed(2)) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  return cells.map((r) => r.map((c, i) => String(c).padStart(widths[i])).join('  ')).join('\n');
}
