/**
 * ra2.app.008, the disruptive probe, on the basic cluster: with --disruptive it
 * pauses the control-plane node container, shows the API server unreachable,
 * and passes only on the client's own record of answered requests; the
 * cluster is whole again afterwards. Without --disruptive it skips and says why.
 */
import path from 'node:path';
import { expect } from 'chai';
import { outputDir, runCli } from './support/cli.js';
import { openCluster, pollUntil, waitForNoLeftovers } from './support/cluster.js';
import { requireKubeconfig } from './support/env.js';
import { expectOutcomeExit, readCompletedReport, resultOf } from './support/results.js';
import { e2eTimeouts, withMargin } from './support/timeouts.js';

const row = 'ra2.app.008';
const NODES_READY_AFTER_OUTAGE_MS = 2 * 60_000;

async function runApp008(kubeconfig: string, extra: string[]) {
  const file = path.join(outputDir('app008'), 'results.json');
  const run = await runCli(
    ['run', '--kubeconfig', kubeconfig, '--focus', row, '--json', file, ...extra],
    e2eTimeouts.focusedRun,
  );
  const report = readCompletedReport(run, file);
  expectOutcomeExit(run, report);
  return { run, report };
}

describe(`${row} (control-plane outage) on the basic cluster`, function () {
  this.timeout(withMargin(e2eTimeouts.focusedRun));
  const kubeconfig = requireKubeconfig('basic');

  it('skips without --disruptive, saying how to run it', async () => {
    const { report } = await runApp008(kubeconfig, []);
    const result = resultOf(report, row);
    expect(result.status).to.equal('skipped');
    expect(result.message).to.contain('--disruptive');
  });

  it('passes with --disruptive: the API was unreachable and every request was answered meanwhile', async () => {
    const { report } = await runApp008(kubeconfig, ['--disruptive']);
    const result = resultOf(report, row);
    expect(result.status, result.message).to.equal('passed');
    const evidence = result.evidence as {
      apiServerDuringOutage: string;
      records: { target: string; attempts: number; failures: number }[];
    };
    expect(evidence.apiServerDuringOutage).to.equal('unreachable');
    expect(evidence.records.map((r) => r.target).sort()).to.deep.equal(['pod', 'service']);
    for (const r of evidence.records) {
      expect(r.attempts, r.target).to.be.at.least(8);
      expect(r.failures, r.target).to.equal(0);
    }
    // The cluster is whole again: every node Ready. A kubelet that was frozen with its node
    // can report NotReady for a few seconds after it thaws, so wait for it with a deadline.
    const cluster = openCluster(kubeconfig);
    const notReady = await pollUntil(
      'every node Ready after the outage',
      async () =>
        (await cluster.core.listNode()).items
          .filter((n) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True')
          .map((n) => n.metadata?.name ?? ''),
      (names) => names.length === 0,
      NODES_READY_AFTER_OUTAGE_MS,
      (names) => `not Ready: ${names.join(', ')}`,
    );
    expect(notReady, 'nodes not Ready after the outage').to.deep.equal([]);
    await waitForNoLeftovers(cluster, [report.runId]);
  });
});
