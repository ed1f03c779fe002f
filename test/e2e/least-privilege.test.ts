/**
 * The least-privilege role on a real run: the whole catalog on the basic
 * cluster as a ServiceAccount bound only to the ClusterRole of
 * sonobuoy/rbac-least-privilege.yaml (not cluster-admin). No row errors, no
 * check log mentions a 403, and the leftover sweep removes what a dead run
 * left of every kind it handles: its namespaces and one cluster-scoped object
 * of each kind in clusterScopedKinds.
 */
import path from 'node:path';
import { expect } from 'chai';
import { CoordinationV1Api, V1MicroTime, type KubernetesObject } from '@kubernetes/client-node';
import { STALE_AFTER_MS, controlName } from '../../helpers/framework/heartbeat.js';
import { runControlLabels, runLabels } from '../../helpers/framework/labels.js';
import { clusterScopedKinds } from '../../helpers/framework/leftovers.js';
import {
  describeResult,
  NO_LOAD_BALANCER_WAIT,
  outputDir,
  runCli,
  type CliResult,
} from './support/cli.js';
import {
  isNotFound,
  openCluster,
  waitForNoLeftovers,
  type TestCluster,
} from './support/cluster.js';
import { requireKubeconfig } from './support/env.js';
import {
  applyObjects,
  may,
  readLeastPrivilegeManifest,
  serviceAccountOf,
  writeTokenKubeconfig,
} from './support/least-privilege.js';
import {
  expectOutcomeExit,
  readCompletedReport,
  type JsonReport,
  type JsonResult,
} from './support/results.js';
import { e2eTimeouts, withMargin } from './support/timeouts.js';

/** A 403 as the API server, the client or the suite words it. */
const forbidden = /\b403\b|forbidden/i;

/** Every string in a value (messages, log lines, evidence), to search for a 403. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

/** "ra2.x.001: <the first string that mentions a 403>" for each row that has one. */
function rowsMentioning403(results: readonly JsonResult[]): string[] {
  return results.flatMap((r) => {
    // Strings only: a number (a duration of 403 ms) is not a 403.
    const hit = stringsIn(r).find((s) => forbidden.test(s));
    return hit ? [`${r.id} (${r.status}): ${hit.slice(0, 300)}`] : [];
  });
}

/** The cluster-scoped objects the sweep handles, one of each kind, labelled as a run's. */
function clusterScopedLeftovers(runId: string, name: string): KubernetesObject[] {
  const labels = runLabels(runId, 'ra2.k8s.010');
  const byKind: Record<string, KubernetesObject> = {
    ClusterRole: { metadata: { name, labels }, rules: [] } as KubernetesObject,
    ClusterRoleBinding: {
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [],
    } as KubernetesObject,
    StorageClass: {
      metadata: { name, labels },
      provisioner: 'ra2.anuket.io/never-provisions',
    } as KubernetesObject,
    // Of the planted class, which no claim asks for, so nothing binds to it.
    PersistentVolume: {
      metadata: { name, labels },
      spec: {
        capacity: { storage: '1Mi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: name,
        hostPath: { path: `/tmp/${name}` },
      },
    } as KubernetesObject,
  };
  return clusterScopedKinds.map(({ apiVersion, kind }) => {
    const object = byKind[kind];
    if (!object) throw new Error(`no planted leftover of kind ${kind}: add one here`);
    return { apiVersion, kind, ...object };
  });
}

describe('the whole catalog as the least-privilege ServiceAccount on the basic cluster', function () {
  let cluster: TestCluster;
  let dir: string;
  let kubeconfig: string;
  let run: CliResult;
  let report: JsonReport;
  const rbacCreated: KubernetesObject[] = [];
  const stamp = Date.now().toString(36);
  const staleRun = `e2e-lp-stale-${stamp}`;
  const planted = {
    control: controlName(staleRun),
    check: `ra2-e2e-lp-check-${stamp}`,
    clusterScoped: clusterScopedLeftovers(staleRun, `ra2-e2e-lp-${stamp}`),
  };

  /** A dead run by hand, as cluster-admin: control namespace, stale heartbeat, check namespace, one object of each cluster-scoped kind. */
  async function plantStaleRun(): Promise<void> {
    await cluster.core.createNamespace({
      body: { metadata: { name: planted.control, labels: runControlLabels(staleRun) } },
    });
    const renewed = new V1MicroTime(Date.now() - STALE_AFTER_MS - 60_000);
    await cluster.kc.makeApiClient(CoordinationV1Api).createNamespacedLease({
      namespace: planted.control,
      body: {
        metadata: { name: planted.control, labels: runControlLabels(staleRun) },
        spec: {
          holderIdentity: 'some-other-host/4243',
          renewTime: renewed,
          acquireTime: renewed,
          leaseDurationSeconds: 30,
        },
      },
    });
    await cluster.core.createNamespace({
      body: { metadata: { name: planted.check, labels: runLabels(staleRun, 'ra2.k8s.010') } },
    });
    for (const object of planted.clusterScoped) await cluster.objects.create(object);
  }

  async function deleteIgnoringMissing(object: KubernetesObject): Promise<void> {
    await cluster.objects.delete(object).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  before(async function () {
    this.timeout(withMargin(e2eTimeouts.noLeftovers + e2eTimeouts.hook + e2eTimeouts.fullRun));
    cluster = openCluster(requireKubeconfig('basic'));
    // No dead run's objects to start with, so whatever the sweep reports is ours.
    await waitForNoLeftovers(cluster);

    const manifest = readLeastPrivilegeManifest();
    rbacCreated.push(...(await applyObjects(cluster, manifest)));
    dir = outputDir('least-privilege');
    kubeconfig = await writeTokenKubeconfig(
      cluster,
      serviceAccountOf(manifest),
      path.join(dir, 'least-privilege.kubeconfig'),
    );
    await plantStaleRun();

    run = await runCli(
      [
        'run',
        '--kubeconfig',
        kubeconfig,
        '--json',
        path.join(dir, 'results.json'),
        ...NO_LOAD_BALANCER_WAIT,
      ],
      e2eTimeouts.fullRun,
    );
    console.log(
      `      full run as the ServiceAccount took ${(run.durationMs / 1000).toFixed(1)} s, exit ${run.exitCode}`,
    );
    report = readCompletedReport(run, path.join(dir, 'results.json'));
  });

  after(async function () {
    this.timeout(withMargin(e2eTimeouts.noLeftovers + e2eTimeouts.hook));
    if (!cluster) return;
    for (const name of [planted.check, planted.control])
      await deleteIgnoringMissing({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    for (const object of planted.clusterScoped) await deleteIgnoringMissing(object);
    // Binding before role, the namespace (and its ServiceAccount) last.
    for (const object of [...rbacCreated].reverse()) await deleteIgnoringMissing(object);
    await waitForNoLeftovers(cluster, [staleRun]);
  });

  it('runs as an account that is not cluster-admin', async () => {
    expect(await may(kubeconfig, 'create', 'namespaces'), 'create namespaces').to.equal(true);
    expect(await may(kubeconfig, 'delete', 'nodes'), 'delete nodes').to.equal(false);
    expect(
      await may(kubeconfig, 'create', 'clusterrolebindings', 'rbac.authorization.k8s.io'),
    ).to.equal(false);
    expect(await may(kubeconfig, 'get', 'secrets'), 'get secrets').to.equal(false);
  });

  it('gives every catalog row a verdict: none in error', () => {
    const errors = report.results
      .filter((r) => r.status === 'error')
      .map((r) => `${r.id}: ${r.message}`);
    expect(errors, describeResult(run)).to.deep.equal([]);
  });

  it('exits with the outcome its MUST rows call for', () => {
    expectOutcomeExit(run, report);
  });

  it('has no 403 in any check message, log line or evidence', () => {
    expect(rowsMentioning403(report.results)).to.deep.equal([]);
  });

  it('says nothing of a 403 on its own output', () => {
    expect(run.stderr).to.not.match(forbidden);
    expect(run.stderr).to.not.contain('could not remove');
    expect(run.stderr).to.not.contain('could not look for leftover');
  });

  it('sweeps the dead run: its namespaces and one object of each cluster-scoped kind', async function () {
    this.timeout(withMargin(e2eTimeouts.noLeftovers));
    expect(run.stderr).to.contain(`Removed leftovers of run ${staleRun}`);
    const sweep = run.stderr.split('\n').find((line) => line.includes(staleRun)) ?? '';
    const names = [
      `namespace/${planted.check}`,
      `namespace/${planted.control}`,
      ...planted.clusterScoped.map((o) => `${o.kind?.toLowerCase()}/${o.metadata?.name}`),
    ];
    for (const name of names) expect(sweep, name).to.contain(name);
    expect(await waitForNoLeftovers(cluster, [staleRun])).to.deep.equal([]);
  });

  it('leaves no object of its own behind', async function () {
    this.timeout(withMargin(e2eTimeouts.noLeftovers));
    expect(await waitForNoLeftovers(cluster, [report.runId])).to.deep.equal([]);
  });
});
