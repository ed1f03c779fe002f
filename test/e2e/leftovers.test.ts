/**
 * No leftovers on the basic cluster: a run interrupted by SIGTERM cleans up
 * and exits 2; what a SIGKILLed run left is removed by the next run; a live
 * run's objects are never touched, and a run whose heartbeat went stale is
 * cleaned up.
 */
import { hostname } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { CoordinationV1Api, V1MicroTime } from '@kubernetes/client-node';
import { EXIT_USAGE_OR_ENVIRONMENT } from '../../helpers/framework/result.js';
import { controlName, STALE_AFTER_MS } from '../../helpers/framework/heartbeat.js';
import { runControlLabels, runLabels } from '../../helpers/framework/labels.js';
import {
  describeResult,
  outputDir,
  printedRunId,
  runCli,
  spawnCli,
  type CliProcess,
  type CliResult,
} from './support/cli.js';
import {
  formatObject,
  isNotFound,
  listManagedObjects,
  managedNamespaces,
  openCluster,
  pollUntil,
  waitForNoLeftovers,
  type LabelledObject,
  type TestCluster,
} from './support/cluster.js';
import { requireKubeconfig } from './support/env.js';
import { expectOutcomeExit, readCompletedReport } from './support/results.js';
import { e2eTimeouts, withMargin } from './support/timeouts.js';

/** Probe checks that create a namespace and pods, so a run lasts long enough to interrupt. */
const probes = ['ra2.k8s.010', 'ra2.stg.005'];
/** An inspect check: a run that needs the cluster but creates nothing of its own. */
const quickCheck = 'ra2.k8s.012b';

/** The quick check, run to completion: its exit code is the one its results call for. */
async function runQuickCheck(cluster: TestCluster): Promise<CliResult> {
  const file = path.join(outputDir('quick'), 'results.json');
  const run = await runCli(
    ['run', '--kubeconfig', cluster.kubeconfig, '--focus', quickCheck, '--json', file],
    e2eTimeouts.focusedRun,
  );
  expectOutcomeExit(run, readCompletedReport(run, file));
  return run;
}

function startProbeRun(cluster: TestCluster): CliProcess {
  return spawnCli(
    ['run', '--kubeconfig', cluster.kubeconfig, '--focus', probes.join(',')],
    e2eTimeouts.focusedRun,
  );
}

/** Waits until the spawned run has created a check namespace; returns its run id and namespaces. */
async function waitForCheckNamespace(
  cluster: TestCluster,
  cli: CliProcess,
): Promise<{ runId: string; namespaces: LabelledObject[] }> {
  let runId: string | undefined;
  const namespaces = await pollUntil(
    'a check namespace of the spawned run',
    async () => {
      if (cli.child.exitCode !== null)
        throw new Error(`the run exited early (${cli.child.exitCode}): ${cli.stderr()}`);
      runId ??= printedRunId(cli.stdout());
      if (!runId) return [];
      return (await managedNamespaces(cluster)).filter((ns) => ns.run === runId);
    },
    (namespaces) => namespaces.some((ns) => ns.check !== undefined && !ns.terminating),
    e2eTimeouts.firstNamespace,
    (namespaces) =>
      `run ${runId ?? '(not printed yet)'}: ${namespaces.map(formatObject).join(', ')}`,
  );
  return { runId: runId ?? '', namespaces };
}

/** holderIdentity of a run's heartbeat lease. */
async function heartbeatHolder(cluster: TestCluster, runId: string): Promise<string | undefined> {
  const name = controlName(runId);
  const lease = await cluster.kc
    .makeApiClient(CoordinationV1Api)
    .readNamespacedLease({ name, namespace: name });
  return lease.spec?.holderIdentity;
}

describe('leftovers on the basic cluster', function () {
  let cluster: TestCluster;

  before(async function () {
    this.timeout(withMargin(e2eTimeouts.noLeftovers));
    cluster = openCluster(requireKubeconfig('basic'));
    // No dead run's objects to start with (live runs of others may share the cluster).
    await waitForNoLeftovers(cluster);
  });

  it('SIGTERM midway: the run cleans up, exits 2, and leaves nothing behind', async function () {
    this.timeout(
      withMargin(
        e2eTimeouts.firstNamespace + e2eTimeouts.interruptedExit + e2eTimeouts.noLeftovers,
      ),
    );
    const cli = startProbeRun(cluster);
    const { runId, namespaces } = await waitForCheckNamespace(cluster, cli);
    expect(namespaces.map((ns) => ns.name)).to.include(controlName(runId));
    expect(cli.child.kill('SIGTERM')).to.equal(true);
    const result = await cli.exited;
    expect(result.exitCode, describeResult(result)).to.equal(EXIT_USAGE_OR_ENVIRONMENT);
    expect(result.stderr).to.contain('SIGTERM received');
    expect(result.stderr).to.not.match(/^\s+at /m);
    expect(result.stdout).to.contain('Interrupted: SIGTERM received');
    expect(await waitForNoLeftovers(cluster, [runId])).to.deep.equal([]);
  });

  it('SIGKILL midway: the objects stay, and the next run removes them', async function () {
    this.timeout(
      withMargin(e2eTimeouts.firstNamespace + e2eTimeouts.focusedRun + 2 * e2eTimeouts.noLeftovers),
    );
    const cli = startProbeRun(cluster);
    const { runId: killedRun } = await waitForCheckNamespace(cluster, cli);
    const holder = await heartbeatHolder(cluster, killedRun);
    expect(holder, "the heartbeat names this host and the run's pid").to.equal(
      `${hostname()}/${cli.child.pid}`,
    );
    expect(cli.child.kill('SIGKILL')).to.equal(true);
    const killed = await cli.exited;
    expect(killed.signal).to.equal('SIGKILL');

    const left = (await listManagedObjects(cluster)).filter((o) => o.run === killedRun);
    const leftNamespaces = left.filter((o) => o.kind === 'Namespace' && !o.terminating);
    expect(leftNamespaces.map((o) => o.name)).to.include(controlName(killedRun));
    expect(
      leftNamespaces.some((o) => o.check !== undefined),
      left.map(formatObject).join(', '),
    ).to.equal(true);

    const next = await runQuickCheck(cluster);
    expect(next.stderr).to.contain(`Removed leftovers of run ${killedRun}`);
    expect(next.stderr).to.contain('no longer exists');
    for (const ns of leftNamespaces) expect(next.stderr).to.contain(`namespace/${ns.name}`);
    const nextRun = printedRunId(next.stdout) ?? '';
    expect(await waitForNoLeftovers(cluster, [killedRun, nextRun])).to.deep.equal([]);
  });

  describe('runs judged by their heartbeat', () => {
    const created: string[] = [];
    const fakeRuns: string[] = [];

    /** A run of someone else, by hand: its control namespace and lease, and one check namespace. */
    async function fakeRun(runId: string, holder: string, renewedAgoMs: number) {
      fakeRuns.push(runId);
      const control = controlName(runId);
      const check = `ra2-e2e-check-${runId}`;
      await cluster.core.createNamespace({
        body: { metadata: { name: control, labels: runControlLabels(runId) } },
      });
      created.push(control);
      const renewed = new V1MicroTime(Date.now() - renewedAgoMs);
      await cluster.kc.makeApiClient(CoordinationV1Api).createNamespacedLease({
        namespace: control,
        body: {
          metadata: { name: control, labels: runControlLabels(runId) },
          spec: {
            holderIdentity: holder,
            renewTime: renewed,
            acquireTime: renewed,
            leaseDurationSeconds: 30,
          },
        },
      });
      await cluster.core.createNamespace({
        body: { metadata: { name: check, labels: runLabels(runId, 'ra2.k8s.010') } },
      });
      created.push(check);
      return { control, check };
    }

    after(async function () {
      this.timeout(withMargin(e2eTimeouts.noLeftovers));
      for (const name of created)
        await cluster.core.deleteNamespace({ name }).catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
      await waitForNoLeftovers(cluster, fakeRuns);
    });

    it('never touches a live run elsewhere, and removes one whose heartbeat went stale', async function () {
      this.timeout(withMargin(e2eTimeouts.focusedRun + e2eTimeouts.noLeftovers));
      const stamp = Date.now().toString(36);
      // A fresh heartbeat from another machine, and one from a process that stopped renewing.
      const live = await fakeRun(`e2e-live-${stamp}`, 'some-other-host/4242', 2_000);
      const stale = await fakeRun(
        `e2e-stale-${stamp}`,
        'some-other-host/4243',
        STALE_AFTER_MS + 60_000,
      );
      expect(hostname()).to.not.equal('some-other-host');

      const next = await runQuickCheck(cluster);
      expect(next.stderr).to.contain(`Removed leftovers of run e2e-stale-${stamp}`);
      expect(next.stderr).to.not.contain(`e2e-live-${stamp}`);

      const names = async () =>
        (await managedNamespaces(cluster)).filter((ns) => !ns.terminating).map((ns) => ns.name);
      const remaining = await pollUntil(
        "the stale run's namespaces to be gone",
        names,
        (list) => !list.includes(stale.control) && !list.includes(stale.check),
        e2eTimeouts.noLeftovers,
      );
      expect(remaining).to.include.members([live.control, live.check]);
    });
  });
});
