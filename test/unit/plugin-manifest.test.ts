import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Command, CommanderError } from 'commander';
import { parse } from 'yaml';
import { addImagesCommand, defaultPluginImage, SONOBUOY_IMAGE } from '../../cli/ra2/images.js';
import { addPluginCommand, pluginFlag } from '../../cli/ra2/plugin-command.js';
import { renderPluginManifest, yamlString } from '../../cli/ra2/plugin-manifest.js';
import { PLUGIN_ENV_KEYS } from '../../cli/sonobuoy/config.js';
import { DEFAULT_PROBE_IMAGE } from '../../helpers/framework/images.js';
import { DEFAULT_PARALLEL } from '../../helpers/framework/scheduler.js';
import { settingNamed } from '../../helpers/framework/settings.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const version = (JSON.parse(read('package.json')) as { version: string }).version;

interface Manifest {
  spec: { image: string; env: { name: string; value: string }[] };
}

/** Runs `ra2 <argv>` on a program with only the command under test; stdout, or the commander error. */
async function ra2(
  add: (program: Command, out: { write: (t: string) => unknown }) => void,
  argv: string[],
) {
  const out: string[] = [];
  const program = new Command('ra2').exitOverride().configureOutput({
    writeOut: (t) => out.push(t),
    writeErr: () => {},
  });
  add(program, { write: (t: string) => out.push(t) });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return { stdout: out.join('') };
  } catch (err) {
    return { stdout: out.join(''), error: err as CommanderError };
  }
}
const plugin = (argv: string[]) =>
  ra2((program, out) => addPluginCommand(program, out, version), ['plugin', ...argv]);
const envOf = (manifest: Manifest) =>
  Object.fromEntries(manifest.spec.env.map(({ name, value }) => [name, value]));

describe('ra2 plugin: the Sonobuoy manifest rendered from the settings table', () => {
  it('renders the committed sonobuoy/ra2.yaml with every default (make plugin-manifest)', async () => {
    expect(renderPluginManifest({ version })).to.equal(read('sonobuoy/ra2.yaml'));
    expect((await plugin([])).stdout).to.equal(read('sonobuoy/ra2.yaml'));
  });

  it('has one env entry per plugin key of the table, at its default', () => {
    const manifest = parse(renderPluginManifest({ version })) as Manifest;
    const perSetting = PLUGIN_ENV_KEYS.filter((k) => !k.name.startsWith('RA2_TIMEOUT_'));
    expect(manifest.spec.env).to.deep.equal(
      perSetting.map((k) => ({ name: k.name, value: k.default })),
    );
    expect(manifest.spec.image).to.equal(defaultPluginImage(version));
    expect(envOf(manifest).RA2_PROBE_IMAGE).to.equal(DEFAULT_PROBE_IMAGE);
  });

  it("writes the user's image and options, as given, into the manifest", async () => {
    const { stdout, error } = await plugin([
      '--image',
      'registry.example.org/ra2:0.2.0',
      '--focus',
      'ra2.k8s.*',
      '--focus',
      'ra2.stg.001',
      '--disruptive',
      '--timeout',
      '90s',
      '--deadline',
      '1h',
      '--profile',
      'basic',
      '--probe-image',
      'registry.k8s.io/e2e-test-images/agnhost:2.59',
    ]);
    expect(error).to.equal(undefined);
    const manifest = parse(stdout) as Manifest;
    expect(manifest.spec.image).to.equal('registry.example.org/ra2:0.2.0');
    expect(envOf(manifest)).to.include({
      RA2_FOCUS: 'ra2.k8s.*,ra2.stg.001',
      RA2_DISRUPTIVE: 'true',
      RA2_TIMEOUT: '90s',
      RA2_DEADLINE: '1h',
      RA2_PROFILE: 'basic',
      RA2_PROBE_IMAGE: 'registry.k8s.io/e2e-test-images/agnhost:2.59',
      RA2_SKIP: '',
      RA2_PARALLEL: String(DEFAULT_PARALLEL),
    });
  });

  it('puts --image-prefix in front of the plugin image and hands it to the plugin', async () => {
    const { stdout } = await plugin(['--image-prefix', 'mirror.local:5000/m']);
    const manifest = parse(stdout) as Manifest;
    expect(manifest.spec.image).to.equal(`mirror.local:5000/m/${defaultPluginImage(version)}`);
    expect(envOf(manifest).RA2_IMAGE_PREFIX).to.equal('mirror.local:5000/m');
  });

  it("refuses a value the table's parser refuses, and a choice not offered", async () => {
    const timeout = await plugin(['--timeout', 'soon']);
    expect(timeout.error).to.be.instanceOf(CommanderError);
    expect(timeout.error?.message).to.contain('--timeout');
    expect(timeout.stdout).to.equal('');
    expect((await plugin(['--parallel', '0'])).error).to.be.instanceOf(CommanderError);
    expect((await plugin(['--profile', 'huge'])).error?.code).to.equal('commander.invalidArgument');
  });

  it('names plugin-only keys after the key', () => {
    expect(pluginFlag(settingNamed('deadlineMs'))).to.equal('--deadline <value>');
    expect(pluginFlag(settingNamed('timeoutMs'))).to.equal('--timeout <duration>');
  });

  it('quotes a value only when YAML would read it as something else', () => {
    for (const plain of ['auto', '5m0s', '2h50m', 'ra2-testbed/agnhost:v1.35.4', 'ra2.k8s.*'])
      expect(yamlString(plain), plain).to.equal(plain);
    for (const value of ['', '1', 'false', 'yes', 'on', 'null', '1:20', 'a: b', '#x', '- x', '[x]'])
      expect(parse(`v: ${yamlString(value)}`), value).to.deep.equal({ v: value });
    expect(yamlString('1')).to.equal('"1"');
  });
});

describe('ra2 images', () => {
  const images = (argv: string[]) =>
    ra2((program, out) => addImagesCommand(program, out, version), ['images', ...argv]);

  it("lists the user's plugin image with the prefix, and Sonobuoy's image", async () => {
    const { stdout } = await images([
      '--plugin-image',
      'registry.example.org/ra2:0.2.0',
      '--image-prefix',
      'mirror.local/m',
    ]);
    expect(stdout.trim().split('\n')).to.deep.equal([
      `mirror.local/m/${DEFAULT_PROBE_IMAGE.replace(/^[^/]*[.:][^/]*\//, '')}`,
      'mirror.local/m/ra2:0.2.0',
      `mirror.local/m/${SONOBUOY_IMAGE.replace(/^docker\.io\//, '')}`,
    ]);
  });

  it('lists only the probe image for a run without Sonobuoy', async () => {
    expect((await images([])).stdout).to.equal(`${DEFAULT_PROBE_IMAGE}\n`);
  });
});
