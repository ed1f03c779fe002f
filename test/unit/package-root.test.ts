import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { PACKAGE_NAME, packageRoot, packageRootFrom } from '../../catalog/package-root.js';

describe('packageRootFrom', () => {
  let top: string;
  beforeEach(() => {
    top = mkdtempSync(path.join(tmpdir(), 'ra2-root-'));
  });
  afterEach(() => rmSync(top, { recursive: true, force: true }));

  function packageJson(dir: string, name: string): void {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name }));
  }

  it('finds our package.json however deep the module sits (compiled, bundled, in a chunk)', () => {
    packageJson(top, PACKAGE_NAME);
    for (const dir of ['dist/catalog', 'dist/cli/ra2', 'dist/cli/chunks', 'dist/test/unit']) {
      mkdirSync(path.join(top, dir), { recursive: true });
      expect(packageRootFrom(path.join(top, dir)), dir).to.equal(top);
    }
  });

  it("passes over another package's package.json on the way up", () => {
    packageJson(top, PACKAGE_NAME);
    packageJson(path.join(top, 'node_modules', 'yaml'), 'yaml');
    expect(packageRootFrom(path.join(top, 'node_modules', 'yaml'))).to.equal(top);
  });

  it('is undefined when no ancestor holds our package.json', () => {
    packageJson(path.join(top, 'other'), 'other');
    expect(packageRootFrom(path.join(top, 'other'))).to.equal(undefined);
  });

  it('locates this repository from the compiled tests (dist/test/unit/)', () => {
    expect(packageRoot()).to.equal(path.resolve(import.meta.dirname, '..', '..', '..'));
  });
});
