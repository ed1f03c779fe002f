/**
 * Reads a gzip'd tar archive (what `sonobuoy retrieve` writes) into memory:
 * ustar headers in 512-byte blocks, GNU long names ('L' entries) and PAX
 * `path` records ('x' entries, which Go's archive/tar writes for long names).
 * Small on purpose: `ra2 results` needs a few files out of one tarball, and a
 * dependency for that is not worth its weight.
 */
import { gunzipSync } from 'node:zlib';

const BLOCK = 512;

export interface TarEntry {
  /** The path inside the archive, as written ("plugins/ra2/results/global/ra2-results.json"). */
  name: string;
  type: 'file' | 'directory' | 'other';
  data: Buffer;
}

/** Not a gzip'd tar, or a damaged one: the message says what was wrong and where. */
export class TarFormatError extends Error {
  override name = 'TarFormatError';
}

/** A NUL-terminated string field of a header. */
function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

/** An octal number field, or GNU's base-256 form (high bit of the first byte set). */
function number(block: Buffer, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  if ((field[0] ?? 0) & 0x80) {
    let value = (field[0] ?? 0) & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const digits = text(block, start, length).trim();
  return digits === '' ? 0 : parseInt(digits, 8);
}

/** The header's checksum: the sum of its bytes with the checksum field read as spaces. */
function checksumHolds(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  return sum === number(block, 148, 8);
}

/** The `path` of a PAX extended header's records ("LEN path=VALUE\n"...), if it has one. */
function paxPath(data: Buffer): string | undefined {
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    const length = parseInt(data.subarray(offset, space).toString('ascii'), 10);
    if (space === -1 || !(length > 0)) return undefined;
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    if (record.startsWith('path=')) return record.slice('path='.length);
    offset += length;
  }
  return undefined;
}

/** Every entry of an uncompressed tar archive, in order. */
export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let longName: string | undefined;
  let offset = 0;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break; // the end-of-archive blocks
    if (!checksumHolds(header))
      throw new TarFormatError(`not a tar archive: bad header checksum at byte ${offset}`);
    const size = number(header, 124, 12);
    const start = offset + BLOCK;
    if (start + size > archive.length)
      throw new TarFormatError(
        `truncated tar archive: an entry at byte ${offset} ends past the end`,
      );
    const data = archive.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
    const type = String.fromCharCode(header[156] ?? 0);
    if (type === 'L') {
      longName = text(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === 'g' || type === 'K') continue; // global PAX records, long link names
    const prefix = text(header, 257, 6) === 'ustar' ? text(header, 345, 155) : '';
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    entries.push({
      name,
      type:
        type === '0' || type === '\0' || type === '7'
          ? 'file'
          : type === '5'
            ? 'directory'
            : 'other',
      data,
    });
  }
  return entries;
}

/** Every entry of a gzip'd tar archive. */
export function readTarGz(bytes: Buffer): TarEntry[] {
  let archive: Buffer;
  try {
    archive = gunzipSync(bytes);
  } catch (err) {
    throw new TarFormatError(`not a gzip'd tar archive: ${(err as Error).message}`);
  }
  return readTar(archive);
}
