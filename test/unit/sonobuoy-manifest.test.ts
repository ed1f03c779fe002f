import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parse } from 'yaml';
import { PLUGIN_REPOSITORY, SONOBUOY_VERSION, usedImages } from '../../cli/ra2/images.js';
import { run } from '../../cli/ra2/run.js';
import { PLUGIN_ENV_KEYS } from '../../cli/sonobuoy/config.js';
import { JUNIT_FILE } from '../../cli/sonobuoy/results-dir.js';
import { DEFAULT_PROBE_IMAGE } from '../../helpers/framework/images.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const version = (JSON.parse(read('package.json')) as { version: string }).version;

interface Manifest {
  'sonobuoy-config': Record<string, unknown>;
  spec: {
    name: string;
    image: string;
    command: string[];
    env: { name: string; value: string }[];
    volumeMounts?: unknown[];
    securityContext?: Record<string, unknown>;
  };
}

describe('Sonobuoy plugin manifest sonobuoy/ra2.yaml', () => {
  const text = read('sonobuoy/ra2.yaml');
  const manifest = parse(text) as Manifest;

  it('is a Job plugin named ra2 whose JUnit file is the one the entry point writes', () => {
    const config = manifest['sonobuoy-config'];
    expect(config).to.include({ driver: 'Job', 'plugin-name': 'ra2', 'result-format': 'junit' });
    expect(config['result-files']).to.deep.equal([JUNIT_FILE]);
    expect(config['source-url'])
      .to.be.a('string')
      .and.match(/^https:\/\//);
    expect(config).not.to.have.property('source_url');
  });

  it('runs the sonobuoy entry point of the image of this version', () => {
    expect(manifest.spec.image).to.equal(`${PLUGIN_REPOSITORY}:${version}`);
    expect(manifest.spec.command).to.deep.equal(['node', '/app/dist/cli/sonobuoy/main.js']);
    expect(existsSync(path.join(root, 'dist', 'cli', 'sonobuoy', 'main.js'))).to.equal(true);
    // The image's /app/dist is the bundle, which keeps dist/'s entry points.
    expect(read('Dockerfile')).to.contain('cp -r bundle/dist /rootfs/app/dist');
    expect(read('scripts/bundle.mjs')).to.contain("'dist/cli/sonobuoy/main.js'");
    expect(manifest.spec.securityContext).to.include({ runAsNonRoot: true, runAsUser: 1000 });
  });

  it('hard-codes no results path: Sonobuoy mounts and names it', () => {
    expect(manifest.spec.volumeMounts ?? []).to.deep.equal([]);
    expect(text.replace(/^\s*#.*$/gm, '')).not.to.contain('/tmp/sonobuoy');
  });

  it("declares only known keys, with the entry point's defaults", () => {
    const known = new Map(PLUGIN_ENV_KEYS.map((k) => [k.name, k.default]));
    expect(manifest.spec.env.length).to.be.above(5);
    for (const { name, value } of manifest.spec.env) {
      expect(known.has(name), name).to.equal(true);
      expect(value, name).to.equal(known.get(name));
    }
  });

  it('documents every key in docs/sonobuoy.md', () => {
    const docs = read('docs/sonobuoy.md');
    // The per-wait keys follow helpers/framework/timeouts.ts; the docs give their pattern and list.
    for (const key of PLUGIN_ENV_KEYS.filter((k) => !k.name.startsWith('RA2_TIMEOUT_')))
      expect(docs, key.name).to.contain(key.name);
    expect(docs).to.contain('RA2_TIMEOUT_<NAME>');
    expect(docs).to.contain('sonobuoy run --plugin sonobuoy/ra2.yaml');
    expect(docs).to.contain('kind load docker-image');
  });
});

describe('ra2 images', () => {
  const capture = async (argv: string[]) => {
    const out: string[] = [];
    const code = await run(argv, {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: () => true },
    });
    return { code, lines: out.join('').trim().split('\n') };
  };

  it('lists the probe image, with the prefix applied', async () => {
    expect(await capture(['images'])).to.deep.equal({ code: 0, lines: [DEFAULT_PROBE_IMAGE] });
    const prefixed = await capture(['images', '--image-prefix', 'registry.local:5000/mirror/']);
    // The default names upstream's registry; the prefix takes its place.
    expect(prefixed.lines).to.deep.equal([
      'registry.local:5000/mirror/e2e-test-images/agnhost:2.59',
    ]);
  });

  it('adds the plugin and Sonobuoy images with --sonobuoy', async () => {
    const { lines } = await capture(['images', '--sonobuoy', '--image-prefix', 'mirror.example']);
    expect(lines).to.deep.equal([
      'mirror.example/e2e-test-images/agnhost:2.59',
      `mirror.example/${PLUGIN_REPOSITORY}:${version}`,
      `mirror.example/sonobuoy/sonobuoy:${SONOBUOY_VERSION}`,
    ]);
    const wide = await capture(['images', '--wide']);
    expect(wide.lines[0]).to.match(/\tprobe pods/);
  });

  it('applies --probe-image like ra2 run does', () => {
    expect(
      usedImages({
        probeImage: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
        imagePrefix: 'm',
        version,
      }),
    ).to.deep.equal([
      {
        image: 'm/e2e-test-images/agnhost:2.53',
        usedFor: 'probe pods (agnhost: netexec, connect, sh)',
      },
    ]);
  });

  it('names the Sonobuoy version scripts/build-sonobuoy.sh builds', () => {
    expect(read('scripts/build-sonobuoy.sh')).to.contain(`SONOBUOY_VERSION:-${SONOBUOY_VERSION}}`);
    expect(read('scripts/go/sonobuoy/go.mod')).to.contain(
      `github.com/vmware-tanzu/sonobuoy ${SONOBUOY_VERSION}`,
    );
  });
});
