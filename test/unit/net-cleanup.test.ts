/**
 * ra2.ntw.007 leaves no bridge on the node: the net-admin shell's template,
 * and removeLink's reading of `ip link` (green: gone after the delete; red:
 * still listed). ra2.app.006: which pods have an attachment to judge.
 */
import { expect } from 'chai';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../../helpers/framework/context.js';
import type { ExecResult } from '../../helpers/k8s/exec.js';
import { nodeNetAdminPod, removeLink } from '../../helpers/probes/node-links.js';
import { networkStatusAnnotation } from '../../helpers/probes/network-attachment.js';
import { podsWithAttachments } from '../../suites/rules/networking-attachments.js';
import { reservationsOf } from '../../helpers/probes/whereabouts.js';

const ctx = { labels: { run: 'r1' }, probeImage: 'probe:1' } as unknown as CheckContext;
const node: V1Node = { metadata: { name: 'w1', labels: { 'kubernetes.io/hostname': 'w1' } } };

/** A node's links as `ip link` sees them, changed by `ip link del`. */
function fakeNode(links: Set<string>, deleteWorks = true) {
  const ran: string[] = [];
  return {
    ran,
    exec: (_pod: string, command: string[]): Promise<ExecResult> => {
      ran.push(command.join(' '));
      const link = command.at(-1)!;
      if (command[2] === 'del') {
        if (deleteWorks) links.delete(link);
        return Promise.resolve({
          exitCode: deleteWorks ? 0 : 2,
          stdout: '',
          stderr: deleteWorks ? '' : 'RTNETLINK answers: Operation not permitted',
        });
      }
      return Promise.resolve(
        links.has(link)
          ? { exitCode: 0, stdout: `7: ${link}: <BROADCAST,MULTICAST,UP>`, stderr: '' }
          : { exitCode: 1, stdout: '', stderr: `Device "${link}" does not exist.` },
      );
    },
  };
}

describe('ra2.ntw.007 bridge cleanup', () => {
  it('runs as root with only NET_ADMIN in the node network namespace, on that node', () => {
    const pod = nodeNetAdminPod(ctx, 'link-cleanup', node);
    expect(pod.spec?.hostNetwork).to.equal(true);
    expect(pod.spec?.securityContext?.runAsUser).to.equal(0);
    expect(pod.spec?.containers[0]?.securityContext?.capabilities).to.deep.equal({
      drop: ['ALL'],
      add: ['NET_ADMIN'],
    });
    expect(pod.spec?.containers[0]?.securityContext?.privileged).to.equal(undefined);
    expect(pod.spec?.nodeSelector).to.deep.equal({ 'kubernetes.io/hostname': 'w1' });
  });

  it('green: the bridge was there, is deleted, and ip link no longer finds it', async () => {
    const links = new Set(['eth0', 'ra2br-abc123']);
    const fake = fakeNode(links);
    const r = await removeLink(fake, 'shell', 'w1', 'ra2br-abc123');
    expect(r).to.include({ existedBefore: true, goneAfter: true, node: 'w1' });
    expect(fake.ran).to.include('ip link del dev ra2br-abc123');
    expect(links.has('ra2br-abc123')).to.equal(false);
  });

  it('red: a delete that did not take leaves the bridge listed, and says so', async () => {
    const fake = fakeNode(new Set(['ra2br-abc123']), false);
    const r = await removeLink(fake, 'shell', 'w1', 'ra2br-abc123');
    expect(r.goneAfter).to.equal(false);
    expect(r.detail).to.contain('Operation not permitted');
  });

  it('a bridge that was never made is gone without a delete', async () => {
    const fake = fakeNode(new Set(['eth0']));
    const r = await removeLink(fake, 'shell', 'w1', 'ra2br-abc123');
    expect(r).to.include({ existedBefore: false, goneAfter: true });
    expect(fake.ran.some((c) => c.includes(' del '))).to.equal(false);
  });
});

describe('ra2.app.006 pods to judge', () => {
  const pod = (name: string, status?: unknown[]): V1Pod => ({
    metadata: {
      namespace: 'ns',
      name,
      annotations: status ? { [networkStatusAnnotation]: JSON.stringify(status) } : {},
    },
    spec: { containers: [{ name: 'c' }] },
  });

  it('has nothing to judge when every pod has only its default network', () => {
    const pods = [
      pod('plain'),
      pod('default-only', [{ name: 'kube-router', interface: 'eth0', default: true }]),
    ];
    expect(podsWithAttachments(pods)).to.deep.equal([]);
  });

  it('judges pods whose network-status lists a non-default attachment', () => {
    const pods = [
      pod('plain'),
      pod('attached', [
        { name: 'kube-router', interface: 'eth0', default: true },
        { name: 'ns/ni-net1', interface: 'net1', ips: ['10.250.1.130'] },
      ]),
    ];
    expect(podsWithAttachments(pods)).to.deep.equal([
      { pod: 'ns/attached', attachments: ['ns/ni-net1 (net1)'] },
    ]);
  });
});

describe('whereabouts reservations left by a check (ra2.ntw.015)', () => {
  it('lists IPPool allocations and overlapping reservations naming a pod of the namespace only', () => {
    const pools = [
      {
        metadata: { namespace: 'kube-system', name: '198.18.16.0-24' },
        spec: {
          range: '198.18.16.0/24',
          allocations: {
            '1': { podref: 'ra2-ntw-015-x/server' },
            '2': { podref: 'other/app' },
          },
        },
      },
    ];
    const overlapping = [
      {
        metadata: { namespace: 'kube-system', name: '198.18.16.1' },
        spec: { podref: 'ra2-ntw-015-x/server' },
      },
      {
        metadata: { namespace: 'kube-system', name: '198.18.16.2' },
        spec: { podref: 'other/app' },
      },
    ];
    expect(reservationsOf('ra2-ntw-015-x', pools, overlapping)).to.deep.equal([
      'IPPool kube-system/198.18.16.0-24 (198.18.16.0/24) offset 1: ra2-ntw-015-x/server',
      'OverlappingRangeIPReservation kube-system/198.18.16.1: ra2-ntw-015-x/server',
    ]);
    expect(reservationsOf('ra2-ntw-015-x', [], [])).to.deep.equal([]);
  });
});
