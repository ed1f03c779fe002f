/**
 * The suite on the network-intensive test bed (kind-configs/network-intensive.yaml):
 * the rows that only skip or fail on the basic bed (Multus, whereabouts, huge
 * pages, exclusive CPUs, NFD, device plugins) run against a cluster that has
 * them, and must pass, each with the evidence it observed. The run is the full
 * catalog, the bed's one, and every row must get the verdict
 * expectations/network-intensive.yaml pins.
 */
import path from 'node:path';
import { expect } from 'chai';
import { outputDir, runCli, type CliResult } from '../e2e/support/cli.js';
import { openCluster, waitForNoLeftovers } from '../e2e/support/cluster.js';
import { requireKubeconfig } from '../e2e/support/env.js';
import {
  expectOutcomeExit,
  readCompletedReport,
  resultOf,
  verdictTable,
  type JsonReport,
} from '../e2e/support/results.js';
import { e2eTimeouts, withMargin } from '../e2e/support/timeouts.js';
import { assertPinnedVerdicts } from '../e2e/support/expectations.js';
import { loadCatalog } from '../../catalog/index.js';

/** Rows the network-intensive bed is built to satisfy, and what in it satisfies them. */
const satisfiedByTheBed: Record<string, string> = {
  'ra2.ch.018': 'Node Feature Discovery labels on the workers',
  'ra2.k8s.006': 'topologyManagerPolicy single-numa-node and cpuManagerPolicy static',
  'ra2.k8s.007': 'the sample device plugin grants an extended resource to a pod',
  'ra2.k8s.009': 'a Guaranteed pod gets an exclusive CPU',
  'ra2.k8s.015': 'MetalLB gives a LoadBalancer Service an address a client reaches',
  'ra2.k8s.016': 'an Ingress controller serves the default IngressClass',
  'ra2.ntw.003': 'Multus: five extra connection points in one pod',
  'ra2.ntw.004': 'Multus: attachments appear when requested, and only then',
  'ra2.ntw.005': 'Multus runs as the multiplexer',
  'ra2.ntw.006': 'Multus delegates one CNI ADD to the default network and a secondary one',
  'ra2.ntw.007': 'macvlan and bridge attachments beside the default network',
  'ra2.ntw.009': 'NetworkAttachmentDefinitions carry CNI configurations',
  'ra2.ntw.012': 'a device plugin advertises devices a pod is granted',
  'ra2.ntw.015': 'whereabouts hands out distinct addresses across nodes',
};
/** Huge pages: 2 MiB pages are there, but this host cannot reserve 1 GiB pages, so the row stays red. */
const hugePagesRow = 'ra2.ch.001';
const ids = [...Object.keys(satisfiedByTheBed), hugePagesRow];

describe('ra2 run on the network-intensive cluster', function () {
  this.timeout(withMargin(e2eTimeouts.fullRun));
  const kubeconfig = requireKubeconfig('networkIntensive');
  let run: CliResult;
  let report: JsonReport;

  before(async () => {
    const dir = outputDir('network-intensive');
    run = await runCli(
      ['run', '--kubeconfig', kubeconfig, '--json', path.join(dir, 'results.json')],
      e2eTimeouts.fullRun,
    );
    report = readCompletedReport(run, path.join(dir, 'results.json'));
    console.log(
      `      full run took ${(run.durationMs / 1000).toFixed(1)} s, exit ${run.exitCode}`,
    );
    console.log(`      results: ${path.join(dir, 'results.json')}`);
    console.log(verdictTable(report, ids).replace(/^/gm, '      '));
  });

  it('detects the network-intensive profile from the workers’ labels', () => {
    expect(report.profile).to.equal('network-intensive');
  });

  for (const [id, reason] of Object.entries(satisfiedByTheBed)) {
    it(`${id} passes (${reason})`, () => {
      const result = resultOf(report, id);
      expect(result.status, `${id}: ${result.message}`).to.equal('passed');
      expect(result.message, id).to.be.a('string').and.have.length.above(0);
    });
  }

  it(`${hugePagesRow} fails only for hugepages-1Gi, with hugepages-2Mi allocatable on the workers`, () => {
    const result = resultOf(report, hugePagesRow);
    expect(result.status, result.message).to.equal('failed');
    const byNode = (result.evidence?.allocatableByNode ?? {}) as Record<
      string,
      Record<string, number>
    >;
    expect(Object.keys(byNode), 'nodes in the evidence').to.have.length.above(0);
    for (const [node, sizes] of Object.entries(byNode)) {
      expect(sizes['hugepages-2Mi'], `${node}: ${result.observed}`).to.be.above(0);
      expect(sizes['hugepages-1Gi'], `${node}: ${result.observed}`).to.equal(0);
    }
  });

  it('gives every row the verdict expectations/network-intensive.yaml pins, and none ends in error', () => {
    assertPinnedVerdicts(
      'network-intensive',
      report.results,
      loadCatalog().rows.map((r) => r.id),
    );
  });

  it('exits with the outcome its MUST rows call for', () => {
    expectOutcomeExit(run, report);
  });

  it('leaves nothing behind', async () => {
    await waitForNoLeftovers(openCluster(kubeconfig), [report.runId]);
  });
});
