/**
 * The NetworkPolicy rows against basic whose CNI enforces no NetworkPolicy: a
 * variant made in place, by restarting kube-router's DaemonSet with its firewall
 * controller off (`--run-firewall=false`), so the policies the checks create are
 * accepted by the API and ignored on the nodes. The after hook turns the
 * firewall back on whatever happened, and waits for the rollout.
 */
import path from 'node:path';
import { expect } from 'chai';
import { AppsV1Api, type V1DaemonSet } from '@kubernetes/client-node';
import { describeResult, outputDir, runCli } from './support/cli.js';
import {
  openCluster,
  pollUntil,
  waitForNoLeftovers,
  waitForNoLiveRuns,
  type TestCluster,
} from './support/cluster.js';
import { requireKubeconfig } from './support/env.js';
import { expectOutcomeExit, readJsonReport, resultOf, verdictTable } from './support/results.js';
import { e2eTimeouts, withMargin } from './support/timeouts.js';

const daemonSet = { name: 'kube-router', namespace: 'kube-system' };
const firewallOn = '--run-firewall=true';
const firewallOff = '--run-firewall=false';
/** The rows whose verdict rests on a NetworkPolicy being enforced. */
const policyRows = ['ra2.k8s.014', 'ra2.ntw.001', 'ra2.ntw.014'];
/** kube-router restarts one node at a time; three nodes take well under this. */
const rolloutTimeout = 4 * 60_000;

/** The kube-router container's args, with one flag swapped for another. */
function swapFlag(ds: V1DaemonSet, from: string, to: string): V1DaemonSet {
  const container = ds.spec?.template.spec?.containers.find((c) => c.name === 'kube-router');
  const args = container?.args ?? [];
  if (!container || !args.some((a) => a.includes(from)))
    throw new Error(`the kube-router container's args do not contain ${from}: ${args.join(' ')}`);
  container.args = args.map((a) => a.replace(from, to));
  return ds;
}

/** Replaces the DaemonSet with the flag swapped; retries on conflicts. */
async function setFirewall(apps: AppsV1Api, from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const ds = await apps.readNamespacedDaemonSet(daemonSet);
    try {
      await apps.replaceNamespacedDaemonSet({ ...daemonSet, body: swapFlag(ds, from, to) });
      return;
    } catch (err) {
      if (attempt >= 5 || (err as { code?: number }).code !== 409) throw err;
    }
  }
}

/** Every kube-router pod runs the current template and is available. */
function rolledOut(ds: V1DaemonSet): boolean {
  const s = ds.status;
  const desired = s?.desiredNumberScheduled ?? -1;
  return (
    (s?.observedGeneration ?? 0) >= (ds.metadata?.generation ?? 1) &&
    s?.updatedNumberScheduled === desired &&
    s?.numberAvailable === desired
  );
}

function waitForRollout(apps: AppsV1Api, description: string): Promise<V1DaemonSet> {
  return pollUntil(
    description,
    () => apps.readNamespacedDaemonSet(daemonSet),
    rolledOut,
    rolloutTimeout,
    (ds) => JSON.stringify(ds.status),
  );
}

describe('NetworkPolicy rows when the CNI enforces no NetworkPolicy', function () {
  this.timeout(withMargin(e2eTimeouts.focusedRun));
  let cluster: TestCluster;
  let apps: AppsV1Api;
  let changed = false;

  before(async function () {
    this.timeout(e2eTimeouts.otherRuns + rolloutTimeout + e2eTimeouts.hook);
    cluster = openCluster(requireKubeconfig('basic'));
    apps = cluster.kc.makeApiClient(AppsV1Api);
    // Turning enforcement off would break the policy rows of anyone else's run.
    await waitForNoLiveRuns(cluster, e2eTimeouts.otherRuns);
    changed = true;
    await setFirewall(apps, firewallOn, firewallOff);
    await waitForRollout(apps, 'kube-router to restart without its firewall');
  });

  after(async function () {
    this.timeout(rolloutTimeout + e2eTimeouts.hook);
    if (!changed || !apps) return;
    await setFirewall(apps, firewallOff, firewallOn);
    await waitForRollout(apps, 'kube-router to restart with its firewall');
  });

  it('fails every policy row, naming the path that stayed open', async () => {
    const dir = outputDir('policy-unenforced');
    const json = path.join(dir, 'results.json');
    // Each row waits out its network-policy wait for a block that never comes: 20 s shows the
    // path open as surely as the default 60 s, and where kube-router enforces, blocks take it
    // a few seconds.
    const run = await runCli(
      [
        'run',
        '--kubeconfig',
        cluster.kubeconfig,
        '--focus',
        policyRows.join(','),
        '--json',
        json,
        '--wait',
        'network-policy=20s',
      ],
      e2eTimeouts.focusedRun,
    );
    const report = readJsonReport(json);
    const table = verdictTable(report, policyRows);
    for (const id of policyRows) {
      const result = resultOf(report, id);
      expect(result.status, `${id}\n${table}\n${describeResult(run)}`).to.equal('failed');
      // A path the policy must block was seen open, not merely left unobserved.
      expect(`${result.observed} ${JSON.stringify(result.evidence)}`, id).to.match(
        /: reachable \(expected blocked\)/,
      );
    }
    expectOutcomeExit(run, report);
    expect(await waitForNoLeftovers(cluster, [report.runId])).to.deep.equal([]);
  });
});
