/**
 * Acceptance of the `ha` test bed: stacked etcd with 3 members; with one
 * control-plane node container stopped (through dockerode) the API still accepts
 * writes; started again, the node rejoins and etcd reports 3 healthy members.
 * Needs RA2_TESTBED_HA_KUBECONFIG pointing at the running ra2-ha cluster.
 */
import { expect } from 'chai';
import { CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';
import { execInContainer } from '../../helpers/k8s/exec.js';
import { KindNodeJig, kindContainerName } from '../../helpers/probes/kind-nodes.js';
import { waitFor } from '../../helpers/k8s/wait.js';

const timeouts = { rejoin: 4 * 60_000, writeAfterStop: 60_000, exec: 30_000, poll: 2_000 };
const log = (line: string) => console.log(`    ${line}`);
const etcdctl = [
  'etcdctl',
  '--endpoints=https://127.0.0.1:2379',
  '--cacert=/etc/kubernetes/pki/etcd/ca.crt',
  '--cert=/etc/kubernetes/pki/etcd/server.crt',
  '--key=/etc/kubernetes/pki/etcd/server.key',
];

function kubeConfig(): KubeConfig {
  const path = process.env.RA2_TESTBED_HA_KUBECONFIG;
  if (!path) throw new Error('RA2_TESTBED_HA_KUBECONFIG is not set: bring up the ha test bed first');
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

const isControlPlane = (n: V1Node) => 'node-role.kubernetes.io/control-plane' in (n.metadata?.labels ?? {});
const isReady = (n: V1Node) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

interface EtcdHealth {
  endpoint: string;
  health: boolean;
}

describe('ha test bed', function () {
  this.timeout(10 * 60_000);
  const kc = kubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const docker = new KindNodeJig();
  let controlPlanes: V1Node[] = [];
  let stopped: string | undefined;

  /** Runs etcdctl in the etcd pod of a control-plane node that is up. */
  async function etcd(args: string[], onNode: V1Node): Promise<string> {
    const pod = `etcd-${onNode.metadata?.name}`;
    const out = await execInContainer(kc, { namespace: 'kube-system', pod, container: 'etcd' }, [...etcdctl, ...args], timeouts.exec);
    if (out.exitCode !== 0) throw new Error(`etcdctl ${args.join(' ')} in ${pod}: ${out.stderr.trim()}`);
    return out.stdout;
  }

  before(async () => {
    expect(await docker.reachable(), 'the Docker API answers').to.equal(true);
    controlPlanes = (await core.listNode()).items.filter(isControlPlane);
    expect(controlPlanes, 'control-plane nodes').to.have.length(3);
  });

  after(async () => {
    if (stopped) await docker.start(stopped);
  });

  it('runs stacked etcd with 3 members', async () => {
    const members = JSON.parse(await etcd(['member', 'list', '-w', 'json'], controlPlanes[0]!)) as { members: unknown[] };
    expect(members.members).to.have.length(3);
  });

  it('accepts writes with one control-plane node stopped, and etcd heals when it returns', async () => {
    const victim = controlPlanes[1]!;
    const survivor = controlPlanes[0]!;
    const container = kindContainerName(victim);
    expect(container, `kind container behind ${victim.metadata?.name}`).to.be.a('string');
    log(`stopping ${container} through dockerode`);
    await docker.stop(container!);
    stopped = container;

    // The load balancer needs a few health checks to drop the stopped apiserver; writes must then succeed.
    const name = `ra2-ha-write-${Date.now()}`;
    await waitFor(
      `a ConfigMap write through the load balancer with ${container} stopped`,
      () => core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name }, data: { at: new Date().toISOString() } } }),
      () => true,
      { timeoutMs: timeouts.writeAfterStop, intervalMs: timeouts.poll, log },
    );
    for (let i = 0; i < 5; i++) {
      const current = await core.readNamespacedConfigMap({ name, namespace: 'default' });
      await core.replaceNamespacedConfigMap({ name, namespace: 'default', body: { ...current, data: { at: `write-${i}` } } });
    }
    const read = await core.readNamespacedConfigMap({ name, namespace: 'default' });
    expect(read.data?.at).to.equal('write-4');
    await core.deleteNamespacedConfigMap({ name, namespace: 'default' });

    log(`starting ${container} again`);
    await docker.start(container!);
    stopped = undefined;
    await waitFor(
      `${victim.metadata?.name} Ready again`,
      () => core.readNode({ name: victim.metadata!.name! }),
      isReady,
      { timeoutMs: timeouts.rejoin, intervalMs: timeouts.poll, log },
    );
    const health = await waitFor(
      'etcd to report 3 healthy members',
      async () => JSON.parse(await etcd(['endpoint', 'health', '--cluster', '-w', 'json'], survivor)) as EtcdHealth[],
      (endpoints) => endpoints.length === 3 && endpoints.every((e) => e.health),
      { timeoutMs: timeouts.rejoin, intervalMs: timeouts.poll * 2, log },
    );
    expect(health.map((e) => e.health)).to.deep.equal([true, true, true]);
  });
});
