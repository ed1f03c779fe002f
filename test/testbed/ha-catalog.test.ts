/**
 * The whole catalog on the `ha` test bed (kind-configs/ha.yaml: 3 control-plane
 * nodes with stacked etcd in two zones, 2 workers): one `ra2 run`, and every
 * row must get the verdict expectations/ha.yaml pins, none in error. ha.test.ts
 * stops a control-plane node but waits for it to rejoin and etcd to heal, so
 * this run sees the whole cluster in either order. Needs
 * RA2_TESTBED_HA_KUBECONFIG pointing at the running ra2-ha cluster.
 */
import path from 'node:path';
import { expect } from 'chai';
import { loadCatalog } from '../../catalog/index.js';
import { NO_LOAD_BALANCER_WAIT, outputDir, runCli, type CliResult } from '../e2e/support/cli.js';
import { openCluster, waitForNoLeftovers } from '../e2e/support/cluster.js';
import { assertPinnedVerdicts } from '../e2e/support/expectations.js';
import {
  expectOutcomeExit,
  readCompletedReport,
  resultOf,
  verdictTable,
  type JsonReport,
} from '../e2e/support/results.js';
import { e2eTimeouts, withMargin } from '../e2e/support/timeouts.js';

/** The rows this bed exists for: a highly available control plane and etcd. */
const haRows = ['ra2.k8s.002', 'ra2.k8s.003', 'ra2.k8s.004', 'ra2.k8s.012a'];

function kubeconfigOfHa(): string {
  const file = process.env.RA2_TESTBED_HA_KUBECONFIG;
  if (!file) throw new Error('RA2_TESTBED_HA_KUBECONFIG is not set: bring up the ha test bed first');
  return file;
}

describe('ra2 run on the ha cluster', function () {
  this.timeout(withMargin(e2eTimeouts.fullRun));
  let kubeconfig: string;
  let run: CliResult;
  let report: JsonReport;

  before(async () => {
    kubeconfig = kubeconfigOfHa();
    const dir = outputDir('ha');
    const json = path.join(dir, 'results.json');
    // The ha bed runs three API servers and etcds beside its workers on CI's 2 cores; at the
    // default of six checks at once, probe execs there took over their 30 s (seen in a CI
    // rehearsal). Three at a time is a bound that fits this cluster, as --parallel is for.
    run = await runCli(
      ['run', '--kubeconfig', kubeconfig, '--json', json, '--parallel', '3', ...NO_LOAD_BALANCER_WAIT],
      e2eTimeouts.fullRun,
    );
    report = readCompletedReport(run, json);
    console.log(`      full run took ${(run.durationMs / 1000).toFixed(1)} s, exit ${run.exitCode}`);
    console.log(`      results: ${json}`);
    console.log(verdictTable(report, haRows).replace(/^/gm, '      '));
  });

  it('passes the highly available control plane and etcd rows', () => {
    for (const id of haRows) {
      const result = resultOf(report, id);
      expect(result.status, `${id}: ${result.message}`).to.equal('passed');
    }
  });

  it('gives every row the verdict expectations/ha.yaml pins, and none ends in error', () => {
    assertPinnedVerdicts(
      'ha',
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
