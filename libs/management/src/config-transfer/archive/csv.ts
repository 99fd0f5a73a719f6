/** CSV (RFC 4180) with PostgreSQL's NULL marker: `\N` unquoted is NULL, `"\N"` is the text. */

export type CsvValue = string | null;

const NULL = '\\N';

export function writeCsv(columns: string[], rows: CsvValue[][]): string {
  return [columns, ...rows].map((row) => row.map(cell).join(',')).join('\n') + '\n';
}

function cell(value: CsvValue): string {
  if (value === null) return NULL;
  return /[",\r\n]/.test(value) || value === NULL ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Header row, then the rows, every cell text or null. */
export function readCsv(text: string): { columns: string[]; rows: CsvValue[][] } {
  const records: CsvValue[][] = [];
  let record: CsvValue[] = [];
  let value = '';
  let quoted = false;
  let wasQuoted = false;
  const endCell = (): void => {
    record.push(!wasQuoted && value === NULL ? null : value);
    value = '';
    wasQuoted = false;
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        value += '"';
        index++;
      } else if (char === '"') quoted = false;
      else value += char;
    } else if (char === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (char === ',') endCell();
    else if (char === '\n') {
      endCell();
      records.push(record);
      record = [];
    } else if (char !== '\r') value += char;
  }
  if (quoted) throw new Error('Unterminated quoted CSV value');
  if (value !== '' || wasQuoted || record.length > 0) {
    endCell();
    records.push(record);
  }
  const [header, ...rows] = records;
  return { columns: (header ?? []).map((column) => column ?? ''), rows };
}
