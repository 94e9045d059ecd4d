/** How a command prints: readable text by default, JSON for scripts (`--json`). */
export interface Output {
  json: boolean;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** A plain text table: a header row, then one row per record, columns padded to fit. */
export function printTable(headers: string[], rows: string[][]): void {
  if (rows.length === 0) {
    printLine('(none)');
    return;
  }
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  printLine(format(headers));
  for (const row of rows) printLine(format(row));
}

/** Aligned "label: value" lines. */
export function printFields(fields: [string, string][]): void {
  const width = Math.max(...fields.map(([label]) => label.length)) + 1;
  for (const [label, value] of fields) printLine(`${`${label}:`.padEnd(width)} ${value}`);
}

export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

/** 3600 → "3600 s (1 h)" for people. */
export function seconds(value: number): string {
  if (value % 86400 === 0) return `${value} s (${value / 86400} d)`;
  if (value % 3600 === 0) return `${value} s (${value / 3600} h)`;
  if (value % 60 === 0) return `${value} s (${value / 60} min)`;
  return `${value} s`;
}
