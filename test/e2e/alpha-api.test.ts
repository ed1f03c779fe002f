/**
 * ra2.k8s.012b and ra2.k8s.019 against a cluster whose API server serves an
 * alpha group version (kind-configs/alpha-api.yaml), with a CRD beside it that
 * serves the same resource at v1alpha1, v1beta1 and v1, as add-ons such as NFD
 * and whereabouts do: 012b must fail naming the built-in alpha version only,
 * and 019 must not hold the CRD's beta version against the cluster. The run is
 * the full catalog, the bed's one, so every other row is held to the verdict
 * expectations/alpha-api.yaml pins for this single-node cluster.
 */
import path from 'node:path';
import { expect } from 'chai';
import {
  ApiextensionsV1Api,
  ApisApi,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import {
  describeResult,
  NO_LOAD_BALANCER_WAIT,
  outputDir,
  runCli,
  type CliResult,
} from './support/cli.js';
import { openCluster } from './support/cluster.js';
import { requireKubeconfig } from './support/env.js';
import {
  expectOutcomeExit,
  parseJUnit,
  readJsonReport,
  resultOf,
  type JsonReport,
} from './support/results.js';
import { waitFor } from '../../helpers/k8s/wait.js';
import { loadCatalog } from '../../catalog/index.js';
import { assertPinnedVerdicts } from './support/expectations.js';
import { e2eTimeouts, withMargin } from './support/timeouts.js';

const crdGroup = 'widgets.e2e.ra2.test';
const objectOnly = { openAPIV3Schema: { type: 'object' } };
const addOnCrd: V1CustomResourceDefinition = {
  metadata: { name: `widgets.${crdGroup}`, labels: { 'app.kubernetes.io/part-of': 'ra2-e2e' } },
  spec: {
    group: crdGroup,
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [
      { name: 'v1', served: true, storage: true, schema: objectOnly },
      { name: 'v1beta1', served: true, storage: false, schema: objectOnly },
      { name: 'v1alpha1', served: true, storage: false, schema: objectOnly },
    ],
  },
};

describe('ra2.k8s.012b and ra2.k8s.019 on the alpha-api cluster, with an add-on CRD', function () {
  this.timeout(withMargin(e2eTimeouts.fullRun));
  let kubeconfig: string;
  let builtInAlpha: string[];
  let run: CliResult;
  let report: JsonReport;
  let junitPath: string;

  before(async () => {
    kubeconfig = requireKubeconfig('alphaApi');
    const cluster = openCluster(kubeconfig);
    const crds = cluster.kc.makeApiClient(ApiextensionsV1Api);
    await crds.createCustomResourceDefinition({ body: addOnCrd });
    const apis = cluster.kc.makeApiClient(ApisApi);
    // Discovery serves the CRD's versions once it is Established.
    await waitFor(
      `the CRD group ${crdGroup} in discovery`,
      async () => (await apis.getAPIVersions()).groups.some((g) => g.name === crdGroup),
      (served) => served,
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    builtInAlpha = (await apis.getAPIVersions()).groups
      .filter((g) => g.name !== crdGroup)
      .flatMap((g) =>
        g.versions.filter((v) => /^v\d+alpha\d+$/.test(v.version)).map((v) => v.groupVersion),
      );
    const dir = outputDir('alpha');
    junitPath = path.join(dir, 'junit.xml');
    run = await runCli(
      [
        'run',
        '--kubeconfig',
        kubeconfig,
        '--junit',
        junitPath,
        '--json',
        path.join(dir, 'results.json'),
        ...NO_LOAD_BALANCER_WAIT,
      ],
      e2eTimeouts.fullRun,
    );
    report = readJsonReport(path.join(dir, 'results.json'));
    console.log(
      `      full run took ${(run.durationMs / 1000).toFixed(1)} s, exit ${run.exitCode}`,
    );
    console.log(`      results: ${path.join(dir, 'results.json')}`);
  });

  after(async () => {
    if (!kubeconfig) return;
    await openCluster(kubeconfig)
      .kc.makeApiClient(ApiextensionsV1Api)
      .deleteCustomResourceDefinition({ name: addOnCrd.metadata!.name! })
      .catch(() => undefined);
  });

  it('012b fails, naming every built-in alpha group version and not the CRD’s', () => {
    expect(
      builtInAlpha,
      'built-in alpha group versions the alpha-api cluster serves',
    ).to.have.length.above(0);
    const result = resultOf(report, 'ra2.k8s.012b');
    expect(result.status, describeResult(run)).to.equal('failed');
    // A MUST row that fails: not conformant, exit 1 (a SHOULD or MAY failure would leave it conformant).
    expectOutcomeExit(run, report);
    const junitCase = parseJUnit(junitPath).cases.find((c) => c.properties.id === 'ra2.k8s.012b');
    expect(junitCase?.status).to.equal('failed');
    for (const gv of builtInAlpha) {
      expect(result.observed).to.contain(gv);
      expect(junitCase?.message).to.contain(gv);
    }
    expect(result.evidence?.alpha).to.have.members(builtInAlpha);
    expect(result.observed).not.to.contain(crdGroup);
    expect(result.evidence?.notJudged).to.include(`${crdGroup}/v1alpha1 (custom-resource)`);
  });

  it('019 does not judge the CRD that serves one resource at a beta and a GA version', () => {
    const result = resultOf(report, 'ra2.k8s.019');
    expect(result.status, describeResult(run)).to.equal('passed');
    expect(result.evidence?.betaGroupVersions).not.to.include(`${crdGroup}/v1beta1`);
    expect(result.evidence?.notJudged).to.include(`${crdGroup}/v1beta1 (custom-resource)`);
  });

  it('gives every row the verdict expectations/alpha-api.yaml pins, and none ends in error', () => {
    assertPinnedVerdicts(
      'alpha-api',
      report.results,
      loadCatalog().rows.map((r) => r.id),
    );
  });
});
