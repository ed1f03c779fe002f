/**
 * The node and networking probes' pod templates and tweaks, their exec-based
 * observations (with a fake exec), and the rules and preconditions the
 * suites put on top of them.
 */
import { expect } from 'chai';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../../helpers/framework/context.js';
import { CheckEnded } from '../../helpers/framework/result.js';
import type { ExecResult } from '../../helpers/k8s/exec.js';
import type { NamespaceHandle, Started } from '../../helpers/k8s/namespace-handle.js';
import { hugePageSizes, mapHugePages, mountHugePages } from '../../helpers/probes/hugepages.js';
import {
  attachmentsOf,
  networkAttachment,
  networksAnnotation,
  networkStatusAnnotation,
  observeAttachments,
  requestNetworks,
} from '../../helpers/probes/network-attachment.js';
import { sleeperPod } from '../../helpers/probes/pod.js';
import { serverOnNode, startCrossNodePair } from '../../helpers/probes/pod-network.js';
import { machineProbePod, readMachine } from '../../helpers/probes/virtualisation.js';
import { hugePageUsed } from '../../suites/rules/hugepages.js';
import { attachmentSeen, multiplexerUsed } from '../../suites/rules/networking-attachments.js';
import { mustStart } from '../../helpers/framework/preconditions.js';
import { withPodLabels } from '../../helpers/probes/tweaks.js';
import { judgeVirtualisation } from '../../suites/rules/node-virtualisation.js';

const ctx = { labels: { run: 'r1' }, probeImage: 'probe:1' } as unknown as CheckContext;

const worker = (name: string, hostname = name): V1Node => ({
  metadata: { name, labels: { 'kubernetes.io/hostname': hostname } },
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
});

/** An exec that answers every command with `stdout` and records what it ran. */
function fakeExec(stdout: string) {
  const ran: { pod: string; command: string[] }[] = [];
  return {
    ran,
    exec: (pod: string, command: string[]): Promise<ExecResult> => {
      ran.push({ pod, command });
      return Promise.resolve({ exitCode: 0, stdout, stderr: '' });
    },
  };
}

describe('node and networking probes', () => {
  it('mounts one HugePages emptyDir per size, writable by the probe user', () => {
    const pod = sleeperPod(ctx, 'hugepages');
    mountHugePages(hugePageSizes)(pod);
    expect(pod.spec?.securityContext?.fsGroup).to.equal(65534);
    expect(pod.spec?.volumes).to.deep.equal([
      { name: 'hugepages-2Mi', emptyDir: { medium: 'HugePages-2Mi' } },
      { name: 'hugepages-1Gi', emptyDir: { medium: 'HugePages-1Gi' } },
    ]);
    expect(pod.spec?.containers[0]?.volumeMounts).to.deep.equal([
      { name: 'hugepages-2Mi', mountPath: '/hugepages-2Mi' },
      { name: 'hugepages-1Gi', mountPath: '/hugepages-1Gi' },
    ]);
  });

  it('maps huge pages through exec and judges the use in the suite rule', async () => {
    const pods = fakeExec(
      'mount.2MB=hugetlbfs\nallocated.2MB=2097152\nusage.2MB=2097152\nlimit.2MB=2097152\n',
    );
    const uses = await mapHugePages(pods, 'hugepages', hugePageSizes.slice(0, 1));
    expect(pods.ran[0]?.pod).to.equal('hugepages');
    expect(pods.ran[0]?.command.slice(0, 2)).to.deep.equal(['sh', '-c']);
    expect(uses[0]).to.include({ size: 'hugepages-2Mi', mounted: true, cgroupUsageBytes: 2097152 });
    expect(hugePageUsed(uses[0]!, hugePageSizes[0]!)).to.equal(true);
  });

  it('pins the machine probe to its node, tolerating every taint, and judges what it read', async () => {
    const pod = machineProbePod(ctx, 'cpu-0', worker('w1', 'w1-host'));
    expect(pod.spec?.nodeSelector).to.deep.equal({ 'kubernetes.io/hostname': 'w1-host' });
    expect(pod.spec?.tolerations).to.deep.equal([{ operator: 'Exists' }]);
    const report = await readMachine(
      fakeExec('hypervisorflag=0\nvendor=VMware, Inc.\nproduct=VMware7,1\n'),
      'cpu-0',
    );
    expect(judgeVirtualisation(report)).to.deep.equal({
      virtualMachine: true,
      evidence: 'no hypervisor CPU flag; DMI VMware, Inc. / VMware7,1',
    });
  });

  it('requests attachments by annotation only when there are some', () => {
    const plain = sleeperPod(ctx, 'plain');
    requestNetworks([])(plain);
    expect(plain.metadata?.annotations).to.equal(undefined);
    const attached = sleeperPod(ctx, 'attached');
    requestNetworks([{ name: 'extra', interface: 'net1' }])(attached);
    expect(attached.metadata?.annotations).to.deep.equal({
      [networksAnnotation]: '[{"name":"extra","interface":"net1"}]',
    });
    expect(networkAttachment('extra', { cniVersion: '0.3.1', type: 'macvlan' })).to.deep.equal({
      metadata: { name: 'extra' },
      spec: { config: '{"cniVersion":"0.3.1","type":"macvlan"}' },
    });
  });

  it('observes the interfaces inside a pod beside its network-status', async () => {
    const pod: V1Pod = {
      metadata: {
        name: 'attached',
        annotations: {
          [networkStatusAnnotation]: JSON.stringify([
            { name: 'kindnet', interface: 'eth0', ips: ['10.244.1.5'], default: true },
            { name: 'ns/extra', interface: 'net1', ips: ['198.18.6.2'] },
          ]),
        },
      },
      spec: { nodeName: 'w1', containers: [] },
    };
    const pods = fakeExec(
      [
        '2: eth0    inet 10.244.1.5/24 brd 10.244.1.255 scope global eth0',
        '3: net1@if2    inet 198.18.6.2/24 scope global net1',
      ].join('\n'),
    );
    const observed = await observeAttachments(pods, pod, [{ name: 'extra', interface: 'net1' }]);
    expect(pods.ran[0]?.command).to.deep.equal(['ip', '-o', 'addr', 'show']);
    expect(observed.evidence.pod).to.equal('attached on w1');
    expect(observed.evidence.networkStatus).to.deep.equal([
      'kindnet eth0 10.244.1.5 (default)',
      'ns/extra net1 198.18.6.2',
    ]);
    expect(attachmentSeen(observed, 'net1')).to.equal(true);
    expect(attachmentSeen(observed, 'net2')).to.equal(false);
    expect(attachmentsOf(pod)).to.deep.equal({
      pod: '/attached',
      attachments: ['ns/extra (net1)'],
      annotated: false,
      resources: [],
    });
  });

  it('counts a multiplexer as used when its API is served and a pod of it exists', () => {
    const nad = { served: true, groupVersions: ['k8s.cni.cncf.io/v1'] };
    const pod = {
      namespace: 'kube-system',
      pod: 'kube-multus-ds-x',
      node: 'w1',
      owner: 'DaemonSet/kube-multus-ds',
      phase: 'Running',
      ready: true,
      images: [],
    };
    expect(multiplexerUsed({ nad, pods: [pod] })).to.equal(true);
    expect(multiplexerUsed({ nad, pods: [] })).to.equal(false);
    expect(multiplexerUsed({ nad: { ...nad, served: false }, pods: [pod] })).to.equal(false);
  });

  it('pins servers by hostname and labels clients for policies', () => {
    const server = serverOnNode(ctx, 'server', worker('w1', 'w1-host'));
    expect(server.spec?.nodeSelector).to.deep.equal({ 'kubernetes.io/hostname': 'w1-host' });
    expect(server.metadata?.labels).to.include({ 'ra2.anuket.io/role': 'server', run: 'r1' });
    const client = sleeperPod(ctx, 'client');
    withPodLabels({ 'ra2.anuket.io/access': 'granted' })(client);
    expect(client.metadata?.labels).to.include({ 'ra2.anuket.io/access': 'granted', run: 'r1' });
  });

  describe('a server and a client on two workers', () => {
    const contextWith = (nodes: V1Node[]) =>
      ({
        ...ctx,
        cluster: { inventory: { nodes: () => Promise.resolve(nodes) } },
      }) as unknown as CheckContext;
    const handleStarting = (started: (pods: readonly V1Pod[]) => Started[]) => {
      const asked: V1Pod[][] = [];
      const ns = {
        pods: {
          tryStartAll: (pods: readonly V1Pod[]) => {
            asked.push([...pods]);
            const results = started(pods);
            const failed = results.find((r) => !r.started);
            return Promise.resolve({
              started: results.flatMap((r) => (r.started ? [r.pod] : [])),
              ...(failed && !failed.started ? { failed } : {}),
            });
          },
        },
      } as unknown as NamespaceHandle;
      return { ns, asked };
    };

    it('says so when there are fewer than two workers', async () => {
      const { ns } = handleStarting(() => []);
      const outcome = await startCrossNodePair(contextWith([worker('w1')]), ns);
      expect(outcome).to.deep.equal({ ok: false, why: 'too-few-workers', workers: ['w1'] });
    });

    it('pins each pod to its worker and applies the tweaks to both', async () => {
      const { ns, asked } = handleStarting((pods) => pods.map((pod) => ({ started: true, pod })));
      const outcome = await startCrossNodePair(
        contextWith([worker('w1'), worker('w2')]),
        ns,
        requestNetworks([{ name: 'shared', interface: 'net1' }]),
      );
      expect(outcome.ok).to.equal(true);
      if (!outcome.ok) return;
      expect(outcome.pair).to.include({ serverNode: 'w1', clientNode: 'w2' });
      const [server, client] = asked[0]!;
      expect(server?.spec?.nodeSelector).to.deep.equal({ 'kubernetes.io/hostname': 'w1' });
      expect(client?.spec?.nodeSelector).to.deep.equal({ 'kubernetes.io/hostname': 'w2' });
      for (const pod of [server, client])
        expect(pod?.metadata?.annotations?.[networksAnnotation]).to.contain('shared');
    });

    it('reports the pod that did not start', async () => {
      const { ns } = handleStarting(() => [
        { started: false, name: 'server', reason: 'timed out', described: { phase: 'Pending' } },
      ]);
      const outcome = await startCrossNodePair(contextWith([worker('w1'), worker('w2')]), ns);
      expect(outcome).to.deep.equal({
        ok: false,
        why: 'not-started',
        pod: 'server',
        reason: 'timed out',
        described: { phase: 'Pending' },
      });
    });
  });

  it('ends the check with a fail verdict when a pod that must run does not start', async () => {
    const pod = sleeperPod(ctx, 'ok');
    expect(await mustStart(Promise.resolve({ started: true, pod }), 'x')).to.equal(pod);
    const notStarted: Started = {
      started: false,
      name: 'hugepages',
      reason: 'pod default/hugepages to be running and ready; events: FailedScheduling',
      described: { phase: 'Pending' },
    };
    const ended = await mustStart(Promise.resolve(notStarted), 'a pod to run', { nodes: 2 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(ended).to.be.instanceOf(CheckEnded);
    expect((ended as CheckEnded).verdict).to.deep.equal({
      status: 'failed',
      expected: 'a pod to run',
      observed: notStarted.reason,
      evidence: { nodes: 2, pod: { phase: 'Pending' } },
    });
  });
});
