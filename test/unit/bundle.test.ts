import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

/**
 * The plugin image's program is scripts/bundle.mjs's output laid out as the
 * Dockerfile lays it out (/app: package.json, catalog/releases/, dist/), in a
 * directory with no node_modules/ above it: what runs there runs in the image.
 */
describe('the bundled program (the plugin image /app)', function () {
  this.timeout(60_000);
  let app: string;

  before(() => {
    app = mkdtempSync(path.join(tmpdir(), 'ra2-app-'));
    execFileSync(process.execPath, ['scripts/bundle.mjs', path.join(app, 'bundle')], {
      cwd: root,
      stdio: 'pipe',
    });
    cpSync(path.join(app, 'bundle', 'dist'), path.join(app, 'dist'), { recursive: true });
    rmSync(path.join(app, 'bundle'), { recursive: true });
    cpSync(path.join(root, 'package.json'), path.join(app, 'package.json'));
    cpSync(path.join(root, 'catalog', 'releases'), path.join(app, 'catalog', 'releases'), {
      recursive: true,
    });
  });
  after(() => rmSync(app, { recursive: true, force: true }));

  const ra2 = (dir: string, ...args: string[]) =>
    spawnSync(process.execPath, [path.join(dir, 'cli', 'ra2', 'main.js'), ...args], {
      encoding: 'utf8',
    });

  it('lists the same catalog as dist/ and names the same version', () => {
    const bundled = ra2(path.join(app, 'dist'), 'list');
    expect(bundled.status, bundled.stderr).to.equal(0);
    expect(bundled.stdout).to.equal(ra2(path.join(root, 'dist'), 'list').stdout);
    expect(ra2(path.join(app, 'dist'), 'version').stdout).to.equal(
      ra2(path.join(root, 'dist'), 'version').stdout,
    );
  });

  it('gives the one-line usage error, not a stack trace, for a missing kubeconfig', () => {
    const r = ra2(path.join(app, 'dist'), 'run', '--kubeconfig', path.join(app, 'none'));
    expect(r.status).to.equal(2);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
  });

  it('runs the Sonobuoy entry point, which names what it misses outside a plugin pod', () => {
    const r = spawnSync(process.execPath, [path.join(app, 'dist', 'cli', 'sonobuoy', 'main.js')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(r.status).to.not.equal(0);
    expect(r.stderr).to.contain('SONOBUOY_RESULTS_DIR is not set');
  });

  it('leaves dockerode out: the kind disruptive probe imports it by name, on first use', () => {
    const files = readdirSync(path.join(app, 'dist'), { recursive: true, encoding: 'utf8' });
    const code = files
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(path.join(app, 'dist', f), 'utf8'))
      .join('\n');
    expect(code).to.match(/import\(\s*["']dockerode["']\s*\)/);
    expect(files.some((f) => /docker-modem|ssh2/.test(f))).to.equal(false);
  });
});
