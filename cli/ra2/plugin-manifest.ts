/**
 * sonobuoy/ra2.yaml, rendered: the plugin image and one env entry per setting
 * with a plugin key (helpers/framework/settings.ts), valued as given or at the
 * table's default, so the manifest cannot drift from the table. `make
 * plugin-manifest` writes the default; `ra2 plugin` renders a user's.
 */
import { parse } from 'yaml';
import { withImagePrefix } from '../../helpers/framework/images.js';
import { SETTINGS } from '../../helpers/framework/settings.js';
import { defaultPluginImage } from './images.js';
import { packageVersion } from './package-version.js';

export interface PluginManifestOptions {
  /** The plugin image before --image-prefix; default: the test bed's (images.ts). */
  image?: string;
  /** Plugin key -> the value as a user writes it; keys not given keep the table's default. */
  env?: Readonly<Record<string, string>>;
  /** The package version, for the default image's tag. */
  version?: string;
}

const HEADER = `# Sonobuoy plugin "ra2": the RA2 chapter 4 conformance suite as a Job plugin.
#
#   sonobuoy run --plugin sonobuoy/ra2.yaml --wait
#   sonobuoy run --plugin sonobuoy/ra2.yaml --plugin-env ra2.RA2_PROFILE=basic \\
#     --plugin-env ra2.RA2_FOCUS='ra2.k8s.*' --wait
#
# Configuration is the container's environment; every key below can be set with
# --plugin-env ra2.KEY=VALUE (docs/sonobuoy.md lists all keys, including the
# RA2_TIMEOUT_* waits). The plugin writes $SONOBUOY_RESULTS_DIR/ra2/ (the JUnit
# file Sonobuoy reads, plus results JSON and a Markdown report) and then
# $SONOBUOY_RESULTS_DIR/done naming that directory, on every way out: a
# finished run, RA2_DEADLINE, SIGTERM, a crash or a configuration error.
#
# Rendered by \`ra2 plugin\` (\`make plugin-manifest\` for this default) from the
# settings table, helpers/framework/settings.ts: change the table, not this file.
`;

/** Comments kept above an env entry. */
const NOTES: Readonly<Record<string, string[]>> = {
  RA2_DEADLINE: [
    "Below Sonobuoy's plugin timeout (`sonobuoy run --timeout`, 21600s by default",
    'in v0.57.3); keep it a few minutes under whatever --timeout you choose.',
  ],
};

/**
 * A YAML scalar: plain when both YAML 1.2 and 1.1 readers get that string back
 * (5m0s, auto), else double-quoted ("1", "false", "").
 */
export function yamlString(value: string): string {
  const safe = /^[\w.][\w./:@*+,-]*$/.test(value) && !/:$/.test(value);
  const yaml11 = /^(y|n|yes|no|on|off)$/i.test(value) || /^[-+]?[\d_]+(:[0-5]?\d)+$/.test(value);
  const readsBack = ['1.1', '1.2'].every((version) => {
    try {
      return parse(value, { version: version as '1.1' | '1.2' }) === value;
    } catch {
      return false;
    }
  });
  return safe && !yaml11 && readsBack ? value : JSON.stringify(value);
}

/** Every plugin key of the table with its value: given, else the default as shown. */
export function pluginEnv(given: Readonly<Record<string, string>> = {}): {
  name: string;
  value: string;
}[] {
  return SETTINGS.flatMap((s) => (s.env ? [{ name: s.env, value: given[s.env] ?? s.shown }] : []));
}

export function renderPluginManifest(options: PluginManifestOptions = {}): string {
  const env = options.env ?? {};
  const image = withImagePrefix(
    options.image ?? defaultPluginImage(options.version ?? packageVersion()),
    env.RA2_IMAGE_PREFIX,
  );
  const entries = pluginEnv(env).flatMap(({ name, value }) => [
    ...(NOTES[name] ?? []).map((line) => `    # ${line}`),
    `    - name: ${name}`,
    `      value: ${yamlString(value)}`,
  ]);
  return `${HEADER}sonobuoy-config:
  driver: Job
  plugin-name: ra2
  result-format: junit
  result-files:
    - ra2-junit.xml
  source-url: https://github.com/ra2-conformance/ra2-conformance/raw/main/sonobuoy/ra2.yaml
  description: >-
    Checks the cluster against Anuket Reference Architecture 2 chapter 4: one JUnit
    test case per RA2 spec id, passed, failed with evidence, or skipped with the reason.
spec:
  name: plugin
  image: ${yamlString(image)}
  imagePullPolicy: IfNotPresent
  command: ["node", "/app/dist/cli/sonobuoy/main.js"]
  env:
${entries.join('\n')}
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
    runAsGroup: 1000
    allowPrivilegeEscalation: false
    capabilities:
      drop: ["ALL"]
    seccompProfile:
      type: RuntimeDefault
  resources:
    requests:
      cpu: 100m
      memory: 128Mi
    limits:
      memory: 512Mi
  # No volumeMounts: Sonobuoy mounts its "results" volume at $SONOBUOY_RESULTS_DIR
  # in the plugin container and sets that variable; the plugin reads only the variable.
`;
}
