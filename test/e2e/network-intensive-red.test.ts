/**
 * The red side of the network-intensive rows that pass on the network-intensive
 * bed (test/network-intensive): on the basic cluster, with one worker labelled
 * for the network-intensive profile, each of them must fail, because that
 * worker has no static CPU manager, no NFD, no device plugin, no load balancer
 * and no Ingress controller. The label is the test's own fixture and is
 * removed afterwards.
 */
import path from 'node:path';
import { expect } from 'chai';
import { PatchStrategy, setHeaderOptions, type V1Node } from '@kubernetes/client-node';
import { NO_LOAD_BALANCER_WAIT, outputDir, runCli, type CliResult } from './support/cli.js';
import { openCluster, waitForNoLeftovers, type TestCluster } from './support/cluster.js';
import { requireKubeconfig } from './support/env.js';
import {
  expectOutcomeExit,
  readCompletedReport,
  resultOf,
  verdictTable,
  type JsonReport,
} from './support/results.js';
import { e2eTimeouts, withMargin } from './support/timeouts.js';

const profileLabel = 'anuket.io/profile-network-intensive';

/** Each row, and a word its failure must name (what the basic cluster lacks). */
const brokenOnBasic: Record<string, RegExp> = {
  'ra2.k8s.006': /cpuManagerPolicy|topologyManagerPolicy/,
  'ra2.k8s.009': /not static/,
  'ra2.ch.018': /NFD|feature/,
  'ra2.k8s.007': /device plugin|extended resource/i,
  'ra2.ntw.012': /device plugin|extended resource/i,
  'ra2.k8s.015': /LoadBalancer|address/,
  'ra2.k8s.016': /IngressClass/,
};
const ids = Object.keys(brokenOnBasic);

async function setProfileLabel(cluster: TestCluster, node: string, value: string | null) {
  await cluster.core.patchNode(
    { name: node, body: { metadata: { labels: { [profileLabel]: value } } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

describe('network-intensive rows on the basic cluster (red side)', function () {
  this.timeout(withMargin(e2eTimeouts.fullRun));
  const kubeconfig = requireKubeconfig('basic');
  const cluster = openCluster(kubeconfig);
  let worker: V1Node | undefined;
  let run: CliResult;
  let report: JsonReport;

  before(async () => {
    const nodes = (await cluster.core.listNode()).items;
    worker = nodes.find(
      (n) => !('node-role.kubernetes.io/control-plane' in (n.metadata?.labels ?? {})),
    );
    if (!worker) throw new Error('the basic cluster has no worker');
    await setProfileLabel(cluster, worker.metadata!.name!, 'true');
    const file = path.join(outputDir('ni-red'), 'results.json');
    run = await runCli(
      [
        'run',
        '--kubeconfig',
        kubeconfig,
        '--profile',
        'network-intensive',
        '--focus',
        ids.join(','),
        '--json',
        file,
        ...NO_LOAD_BALANCER_WAIT,
      ],
      e2eTimeouts.fullRun,
    );
    report = readCompletedReport(run, file);
    console.log(verdictTable(report, ids).replace(/^/gm, '      '));
  });

  after(async () => {
    if (worker) await setProfileLabel(cluster, worker.metadata!.name!, null);
  });

  for (const [id, lacking] of Object.entries(brokenOnBasic)) {
    it(`${id} fails, naming what is missing`, () => {
      const result = resultOf(report, id);
      expect(result.status, `${id}: ${result.message}`).to.equal('failed');
      expect(result.message, id).to.match(lacking);
    });
  }

  it('exits with the outcome its MUST rows call for', () => {
    expectOutcomeExit(run, report);
  });

  it('leaves nothing behind', async () => {
    await waitForNoLeftovers(cluster, [report.runId]);
  });
});
