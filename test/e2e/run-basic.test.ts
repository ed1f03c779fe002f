/**
 * Acceptance of the suite core on the `basic` test-bed cluster: one full
 * `ra2 run`, then its JUnit file, the verdicts of the first-slice checks with
 * the evidence the cluster deserves, and a cluster left as it was found.
 *
 * The run takes one check at a time (--parallel 1): scripts/sonobuoy-e2e.sh
 * compares the plugin's concurrent run with it row by row, reading its results
 * from RA2_E2E_SERIAL_JSON when set (run-e2e.sh sets it), so one serial run
 * serves both instead of two.
 */
import { isIPv4, isIPv6 } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import {
  ApiregistrationV1Api,
  ApisApi,
  CoreApi,
  StorageV1Api,
  type V1Node,
} from '@kubernetes/client-node';
import { loadCatalog } from '../../catalog/index.js';
import { EXIT_NOT_CONFORMANT } from '../../helpers/framework/result.js';
import {
  runCli,
  outputDir,
  describeResult,
  NO_LOAD_BALANCER_WAIT,
  type CliResult,
} from './support/cli.js';
import { openCluster, waitForNoLeftovers, type TestCluster } from './support/cluster.js';
import { requireKubeconfig } from './support/env.js';
import {
  expectOutcomeExit,
  parseJUnit,
  readCompletedReport,
  resultOf,
  verdictTable,
  type JsonReport,
  type JUnitCase,
} from './support/results.js';
import { e2eTimeouts, withMargin } from './support/timeouts.js';
import { assertPinnedVerdicts } from './support/expectations.js';

const firstSlice = {
  pass: [
    'ra2.k8s.012b',
    'ra2.k8s.013',
    'ra2.k8s.019',
    'ra2.k8s.004',
    'ra2.stg.005',
    'ra2.k8s.010',
    // NetworkPolicy enforced over IPv4 and IPv6 (the green case; red before the kube-router patch)
    'ra2.k8s.014',
    'ra2.ntw.014',
  ],
  // ch.006: kubeadm's and the CNI's kube-system pods set no CPU limit, so limits are unbounded.
  fail: ['ra2.ch.010', 'ra2.ch.012', 'ra2.k8s.003', 'ra2.ch.006'],
} as const;

const zoneLabel = 'topology.kubernetes.io/zone';
const controlPlaneLabel = 'node-role.kubernetes.io/control-plane';
const nodeName = (node: V1Node) => node.metadata?.name ?? '';

/** "ra2-basic-worker: 58.4 GiB (62.7 GB)" -> 62.7 for that node, from a failure text. */
function reportedGigabytes(text: string, node: string): number | undefined {
  const escaped = node.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}: [\\d.]+ GiB \\(([\\d.]+) GB\\)`).exec(text);
  return match ? Number(match[1]) : undefined;
}

/** A quantity as the nodes report it ("2", "1950m", "16302144Ki") as a plain number. */
function quantityValue(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|m|k|M|G|T)?$/.exec(quantity);
  if (!match) throw new Error(`unexpected quantity ${quantity}`);
  const unit = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(match[1]) * (match[2] ? unit[match[2] as keyof typeof unit] : 1);
}

describe('ra2 run on the basic cluster, one check at a time', function () {
  let cluster: TestCluster;
  /** Group versions whose APIService the API server registered itself at start (not CRDs, not aggregated). */
  const builtInGroupVersions = async () => {
    const list = await cluster.kc.makeApiClient(ApiregistrationV1Api).listAPIService();
    const onstart = list.items.filter(
      (s) => s.metadata?.labels?.['kube-aggregator.kubernetes.io/automanaged'] === 'onstart',
    );
    return new Set([
      'v1',
      'apiregistration.k8s.io/v1',
      ...onstart.map((s) => (s.spec?.group ? `${s.spec.group}/${s.spec.version}` : '')),
    ]);
  };
  let dir: string;
  let run: CliResult;
  let report: JsonReport;
  let nodes: V1Node[];

  before(async function () {
    this.timeout(withMargin(e2eTimeouts.fullRun));
    const kubeconfig = requireKubeconfig('basic');
    cluster = openCluster(kubeconfig);
    nodes = (await cluster.core.listNode()).items;
    dir = outputDir('full');
    const json = process.env.RA2_E2E_SERIAL_JSON || path.join(dir, 'results.json');
    run = await runCli(
      [
        'run',
        '--kubeconfig',
        kubeconfig,
        '--junit',
        path.join(dir, 'junit.xml'),
        '--json',
        json,
        '--parallel',
        '1',
        ...NO_LOAD_BALANCER_WAIT,
      ],
      e2eTimeouts.fullRun,
    );
    console.log(
      `      full run, one check at a time, took ${(run.durationMs / 1000).toFixed(1)} s, exit ${run.exitCode}`,
    );
    report = readCompletedReport(run, json);
    // Kept for scripts/expectations.sh when a verdict changes on purpose.
    console.log(`      results: ${json}`);
    console.log(
      verdictTable(report, [...firstSlice.pass, ...firstSlice.fail])
        .split('\n')
        .map((line) => `      ${line}`)
        .join('\n'),
    );
  });

  describe('JUnit output', () => {
    let cases: JUnitCase[];
    before(() => {
      cases = parseJUnit(path.join(dir, 'junit.xml')).cases;
    });

    it('has exactly one test case per catalog row, under unique names', () => {
      const rows = loadCatalog().rows;
      expect(cases).to.have.length(rows.length);
      expect(cases.map((c) => c.properties.id).sort()).to.deep.equal(rows.map((r) => r.id).sort());
      expect(new Set(cases.map((c) => c.name)).size).to.equal(cases.length);
      for (const c of cases) expect(c.name).to.contain(`[${c.properties.id}]`);
    });

    it('gives every test case a classname, a status property that matches its element, and a reason when not passed', () => {
      for (const c of cases) {
        expect(c.classname, c.name).to.match(/^4\.\d+ /);
        const declared = c.properties.status;
        const element = declared === 'not-implemented' ? 'skipped' : declared;
        expect(c.status, c.name).to.equal(element);
        if (c.status !== 'passed')
          expect(c.message, c.name).to.be.a('string').and.have.length.above(0);
      }
    });

    it('agrees with the JSON results row by row', () => {
      for (const c of cases) {
        expect(c.properties.status, c.name).to.equal(
          resultOf(report, c.properties.id ?? '').status,
        );
      }
    });
  });

  it('gives every row the verdict expectations/basic.yaml pins, and none ends in error', () => {
    const ids = loadCatalog().rows.map((r) => r.id);
    assertPinnedVerdicts('basic', report.results, ids);
  });

  it('exits with the outcome its MUST rows call for: 1 if one failed, else 3 if one was not observed, else 0', () => {
    expectOutcomeExit(run, report);
  });

  it('is not conformant on basic (MUST rows fail there): exit 1', () => {
    const failedMust = report.results.filter((r) => r.level === 'must' && r.status === 'failed');
    expect(failedMust.map((r) => r.id)).to.include.members(['ra2.ch.010', 'ra2.ch.012']);
    expect(report.outcome).to.equal('not-conformant');
    expect(run.exitCode, describeResult(run)).to.equal(EXIT_NOT_CONFORMANT);
  });

  describe('first-slice verdicts', () => {
    it('passes the checks the basic cluster satisfies', () => {
      const table = verdictTable(report, firstSlice.pass);
      for (const id of firstSlice.pass)
        expect(resultOf(report, id).status, table).to.equal('passed');
    });

    it('fails the checks the basic cluster does not satisfy', () => {
      const table = verdictTable(report, firstSlice.fail);
      for (const id of firstSlice.fail)
        expect(resultOf(report, id).status, table).to.equal('failed');
    });

    it('ra2.k8s.012b: judges the group versions the API server serves itself, and none is alpha', async () => {
      const apis = await cluster.kc.makeApiClient(ApisApi).getAPIVersions();
      const core = await cluster.kc.makeApiClient(CoreApi).getAPIVersions();
      const served = [
        ...core.versions,
        ...apis.groups.flatMap((g) => g.versions.map((v) => v.groupVersion)),
      ];
      const builtIn = await builtInGroupVersions();
      const result = resultOf(report, 'ra2.k8s.012b');
      const judged = result.evidence?.builtIn as string[];
      const notJudged = (result.evidence?.notJudged as string[]).map((gv) => gv.split(' ')[0]);
      expect(judged).to.have.members(served.filter((gv) => builtIn.has(gv)));
      expect([...judged, ...notJudged]).to.have.members(served);
      expect(judged).to.include.members(['v1', 'apps/v1']);
      expect(result.message).to.contain(`none of the ${judged.length} group versions`);
      expect(result.evidence?.alpha).to.deep.equal([]);
    });

    it('ra2.k8s.013: every GA group version upstream 1.35 serves is listed, and served', async () => {
      const apis = await cluster.kc.makeApiClient(ApisApi).getAPIVersions();
      const served = new Set([
        'v1',
        ...apis.groups.flatMap((g) => g.versions.map((v) => v.groupVersion)),
      ]);
      const result = resultOf(report, 'ra2.k8s.013');
      const expected = result.evidence?.expected as string[];
      expect(result.evidence?.comparedWith).to.equal('upstream 1.35');
      expect(expected).to.include.members([
        'apps/v1',
        'coordination.k8s.io/v1',
        'resource.k8s.io/v1',
      ]);
      expect(result.message).to.contain(`all ${expected.length} GA group versions`);
      for (const gv of expected) expect(served.has(gv), gv).to.equal(true);
      expect(result.evidence?.missing).to.deep.equal([]);
    });

    it('ra2.k8s.019: examined exactly the beta group versions the server serves itself', async () => {
      const apis = await cluster.kc.makeApiClient(ApisApi).getAPIVersions();
      const builtIn = await builtInGroupVersions();
      const betas = apis.groups.flatMap((g) =>
        g.versions
          .filter((v) => /^v\d+beta\d+$/.test(v.version) && builtIn.has(v.groupVersion))
          .map((v) => v.groupVersion),
      );
      const result = resultOf(report, 'ra2.k8s.019');
      expect(result.evidence?.betaGroupVersions).to.have.members(betas);
      expect(result.message).to.contain(`${betas.length} beta group versions examined`);
    });

    it('ra2.k8s.004: shows each worker with its zone', () => {
      const workers = nodes.filter((n) => n.metadata?.labels?.[controlPlaneLabel] === undefined);
      const expected = workers.map(
        (node) => `${nodeName(node)} (${node.metadata?.labels?.[zoneLabel] ?? 'no zone label'})`,
      );
      const shown = resultOf(report, 'ra2.k8s.004').evidence?.workers as string[];
      expect(shown).to.have.members(expected);
    });

    it('ra2.k8s.003: names the zones without a control-plane node', () => {
      const zones = new Set(nodes.map((n) => n.metadata?.labels?.[zoneLabel] ?? ''));
      const withControlPlane = new Set(
        nodes
          .filter((n) => n.metadata?.labels?.[controlPlaneLabel] !== undefined)
          .map((n) => n.metadata?.labels?.[zoneLabel] ?? ''),
      );
      const lacking = [...zones].filter((z) => !withControlPlane.has(z));
      expect(lacking, 'zones the cluster leaves without a control plane').to.have.length.above(0);
      const result = resultOf(report, 'ra2.k8s.003');
      for (const zone of lacking) expect(result.observed).to.contain(zone);
      for (const zone of withControlPlane) expect(result.observed).to.not.contain(zone);
    });

    it('ra2.ch.006: reports each node’s allocatable CPU, the committed requests, and the pods that leave limits unbounded', () => {
      const perNode = resultOf(report, 'ra2.ch.006').evidence?.nodes as {
        node: string;
        requests: number;
        limits: number | 'unbounded';
        allocatable: number;
        pods: number;
        unboundedPods?: string[];
      }[];
      expect(perNode.map((n) => n.node)).to.have.members(nodes.map(nodeName));
      for (const node of nodes) {
        const measured = perNode.find((n) => n.node === nodeName(node));
        const allocatable = quantityValue(node.status?.allocatable?.cpu ?? '0');
        expect(measured?.allocatable, nodeName(node)).to.equal(allocatable);
        expect(measured?.pods, nodeName(node)).to.be.above(0);
        expect(measured?.requests, nodeName(node)).to.be.a('number').and.below(allocatable);
        // Every node runs kube-system pods without a CPU limit: the sum is unbounded, and they are named.
        expect(measured?.limits, nodeName(node)).to.equal('unbounded');
        expect(measured?.unboundedPods, nodeName(node)).to.have.length.above(0);
      }
    });

    for (const [id, resource, minimumGb] of [
      ['ra2.ch.010', 'ephemeral-storage', 320],
      ['ra2.ch.012', 'memory', 32],
    ] as const) {
      it(`${id}: the failure text gives each short node’s measured ${resource}`, () => {
        const casesById = parseJUnit(path.join(dir, 'junit.xml')).cases;
        const junitCase = casesById.find((c) => c.properties.id === id);
        const failureText = `${junitCase?.message ?? ''}\n${junitCase?.details ?? ''}`;
        const short = nodes.filter(
          (n) => quantityValue(n.status?.capacity?.[resource] ?? '0') < minimumGb * 1e9,
        );
        expect(short, `nodes with less than ${minimumGb} GB of ${resource}`).to.have.length.above(
          0,
        );
        for (const node of short) {
          const actualGb = quantityValue(node.status?.capacity?.[resource] ?? '0') / 1e9;
          const reported = reportedGigabytes(failureText, nodeName(node));
          expect(reported, `${nodeName(node)} in: ${failureText}`).to.be.a('number');
          expect(reported).to.be.closeTo(actualGb, 0.1);
        }
        expect(failureText).to.contain(`${minimumGb}.0 GB`);
      });
    }

    it('ra2.k8s.010: the service got an IPv4 and an IPv6 ClusterIP and both were reached', () => {
      const evidence = resultOf(report, 'ra2.k8s.010').evidence ?? {};
      const clusterIPs = evidence.clusterIPs as string[];
      expect(clusterIPs.filter((ip) => isIPv4(ip))).to.have.length(1);
      expect(clusterIPs.filter((ip) => isIPv6(ip))).to.have.length(1);
      const attempts = evidence.attempts as { target: string; exitCode: number }[];
      expect(attempts).to.have.length(2);
      for (const attempt of attempts) expect(attempt.exitCode, attempt.target).to.equal(0);
    });

    it('ra2.stg.005: used the default StorageClass and saw every volume’s content', async () => {
      const classes = (await cluster.kc.makeApiClient(StorageV1Api).listStorageClass()).items;
      const defaults = classes
        .filter(
          (sc) =>
            sc.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true',
        )
        .map((sc) => sc.metadata?.name);
      const evidence = resultOf(report, 'ra2.stg.005').evidence ?? {};
      expect(evidence.defaultStorageClass).to.deep.equal(defaults);
      const observations = evidence.observations as {
        volume: string;
        ok: boolean;
        observed: string;
        expected: string;
      }[];
      expect(observations.map((o) => o.volume)).to.have.members([
        'emptyDir',
        'ConfigMap',
        'Secret',
        'PersistentVolumeClaim',
      ]);
      for (const o of observations) {
        expect(o.ok, o.volume).to.equal(true);
        expect(o.observed, o.volume).to.equal(o.expected);
      }
    });
  });

  it('leaves no object carrying the managed-by label behind', async function () {
    this.timeout(withMargin(e2eTimeouts.noLeftovers));
    expect(await waitForNoLeftovers(cluster, [report.runId])).to.deep.equal([]);
  });
});
