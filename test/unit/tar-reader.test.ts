import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { readTar, readTarGz, TarFormatError } from '../../cli/ra2/tar-reader.js';
import { systemTarball } from './tarball-fixture.js';

// 130 characters before the file name: longer than the 100 of a ustar name field.
const deep = `plugins/ra2/results/global/${'d'.repeat(60)}/${'e'.repeat(40)}`;

describe('tar reader', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ra2-tar-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const format of ['gnu', 'pax', 'ustar']) {
    it(`reads files, directories and long names of a ${format} archive made by tar`, () => {
      const entries = readTarGz(
        systemTarball(dir, { 'plugins/ra2/a.json': '{"a":1}', [`${deep}/b.txt`]: 'bee\n' }, format),
      );
      const files = Object.fromEntries(
        entries.filter((e) => e.type === 'file').map((e) => [e.name, e.data.toString()]),
      );
      expect(files).to.deep.equal({ 'plugins/ra2/a.json': '{"a":1}', [`${deep}/b.txt`]: 'bee\n' });
      expect(entries.filter((e) => e.type === 'directory').map((e) => e.name)).to.include(
        'plugins/ra2/',
      );
    });
  }

  it('reads an empty file and one of exactly a block', () => {
    const block = 'x'.repeat(512);
    const entries = readTarGz(systemTarball(dir, { 'plugins/empty': '', 'plugins/block': block }));
    const data = (name: string) => entries.find((e) => e.name === name)?.data.toString();
    expect(data('plugins/empty')).to.equal('');
    expect(data('plugins/block')).to.equal(block);
  });

  it('refuses what is not gzip, naming the problem', () => {
    expect(() => readTarGz(Buffer.from('{"results":[]}'))).to.throw(
      TarFormatError,
      /not a gzip'd tar/,
    );
  });

  it('refuses a gzip that holds no tar: a bad header checksum', () => {
    expect(() => readTarGz(gzipSync(Buffer.alloc(1024, 'a')))).to.throw(
      TarFormatError,
      /bad header checksum at byte 0/,
    );
  });

  it('refuses a damaged header and a truncated entry', () => {
    const archive = gunzipSync(systemTarball(dir, { 'plugins/f': 'y'.repeat(2000) }));
    const damaged = Buffer.from(archive);
    damaged[0] = (damaged[0] ?? 0) ^ 0x01;
    expect(() => readTar(damaged)).to.throw(TarFormatError, /checksum/);
    expect(() => readTar(archive.subarray(0, 3 * 512))).to.throw(TarFormatError, /truncated/);
  });

  it('reads an archive that ends without its end-of-archive blocks', () => {
    const archive = gunzipSync(systemTarball(dir, { 'plugins/f': 'z' }, 'ustar'));
    // plugins/ (1 block), plugins/f (header + 1 data block): cut the trailing zero blocks
    expect(readTar(archive.subarray(0, 3 * 512)).map((e) => e.name)).to.deep.equal([
      'plugins/',
      'plugins/f',
    ]);
  });
});
