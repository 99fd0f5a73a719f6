import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import { InvalidArchiveError, readBackupArchive, readEntryText, type ArchiveLimits } from './backup-archive.reader';

const LIMITS: ArchiveLimits = { maxBytes: 1024 * 1024, maxEntries: 4 };

async function tarOf(entries: Array<[name: string, content: Buffer | string]>): Promise<Buffer> {
  const pack = tarPack();
  for (const [name, content] of entries) pack.entry({ name }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function read(archive: Buffer, limits = LIMITS): Promise<Record<string, string>> {
  const seen: Record<string, string> = {};
  await readBackupArchive(Readable.from([archive]), limits, async (name, content) => {
    seen[name] = await readEntryText(content, 1024 * 1024);
  });
  return seen;
}

describe('readBackupArchive', () => {
  it('hands over every entry in order, gzipped entries decompressed', async () => {
    const archive = gzipSync(
      await tarOf([
        ['manifest.json', '{}'],
        ['usage.csv.gz', gzipSync('a,b\n1,2\n')],
      ]),
    );
    expect(await read(archive)).toEqual({ 'manifest.json': '{}', 'usage.csv': 'a,b\n1,2\n' });
  });

  it('refuses an archive that unpacks past the byte limit, nested gzip included', async () => {
    const bomb = gzipSync(await tarOf([['usage.csv.gz', gzipSync(Buffer.alloc(4 * 1024 * 1024))]]));
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expect(read(bomb)).rejects.toThrow(/more than 1048576 bytes/);
    const flat = gzipSync(await tarOf([['big.json', Buffer.alloc(2 * 1024 * 1024)]]));
    await expect(read(flat)).rejects.toBeInstanceOf(InvalidArchiveError);
  });

  it('refuses more entries than allowed', async () => {
    const many = gzipSync(
      await tarOf(Array.from({ length: 5 }, (_, index) => [`t${index}.json`, '{}'] as [string, string])),
    );
    await expect(read(many)).rejects.toThrow(/more than 4 entries/);
  });

  it('refuses truncated gzip, at either level, and what is not gzip at all', async () => {
    const archive = gzipSync(await tarOf([['usage.csv.gz', gzipSync('a\n'.repeat(10_000))]]));
    await expect(read(archive.subarray(0, archive.length - 20))).rejects.toBeInstanceOf(InvalidArchiveError);
    const inner = gzipSync('a\n'.repeat(10_000));
    const innerCut = gzipSync(await tarOf([['usage.csv.gz', inner.subarray(0, inner.length - 10)]]));
    await expect(read(innerCut)).rejects.toThrow();
    await expect(read(Buffer.from('{"plexus_backup":true}'))).rejects.toBeInstanceOf(InvalidArchiveError);
  });

  it('refuses entries outside the archive root', async () => {
    const sneaky = gzipSync(await tarOf([['../etc/passwd', 'x']]));
    await expect(read(sneaky)).rejects.toThrow(/unexpected entry/);
  });
});
