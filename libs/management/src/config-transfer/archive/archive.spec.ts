import { readCsv, writeCsv } from './csv';
import { readTar, writeTar } from './tar';

describe('backup archive formats', () => {
  it('CSV round-trips text with quotes, commas, newlines, empty strings, NULL and the text \\N', () => {
    const columns = ['id', 'note', 'data'];
    const rows = [
      ['1', 'plain', '{"a":[1,2]}'],
      ['2', 'a "quoted", multi\nline\r\nvalue', null],
      ['3', '', '\\N'],
    ];
    const text = writeCsv(columns, rows);
    expect(text.trimEnd().split('\n').at(-1)).toBe('3,,"\\N"');
    expect(readCsv(text)).toEqual({ columns, rows });
    expect(readCsv(writeCsv(['only'], []))).toEqual({ columns: ['only'], rows: [] });
    expect(() => readCsv('a\n"open')).toThrow('Unterminated');
  });

  it('tar round-trips files of any size, and refuses a truncated archive', () => {
    const entries = [
      { name: 'manifest.json', content: Buffer.from('{"version":1}') },
      { name: 'empty.csv.gz', content: Buffer.alloc(0) },
      { name: 'big.bin', content: Buffer.alloc(1500, 7) },
    ];
    const archive = writeTar(entries);
    expect(archive.length % 512).toBe(0);
    expect(readTar(archive)).toEqual(entries);
    expect(() => readTar(archive.subarray(0, 700))).toThrow('truncated');
  });
});
