/**
 * ra2.ntw.011: the judge of the source address a host-network server on
 * another node saw (red: the client node's address after masquerading; green:
 * the pod's own address), per family, and the host-network probe templates.
 */
import { expect } from 'chai';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../../helpers/framework/context.js';
import {
  NAT_CONFIRMATIONS,
  hostNetworkServerPod,
  sourceSeenByNode,
  hostProbePort,
  internalIps,
  masqueradeSettings,
} from '../../helpers/probes/host-network.js';
import type { Verdict } from '../../helpers/framework/result.js';
import { judgeEgressNat, type EgressObservation } from '../../suites/rules/egress-nat.js';

/** A text field of a verdict (observed, reason, summary), '' when it has none. */
const field = (v: Verdict, key: 'observed' | 'reason' | 'summary'): string =>
  ((v as Record<string, unknown>)[key] as string | undefined) ?? '';

const ctx = { labels: { run: 'r1' }, probeImage: 'probe:1' } as unknown as CheckContext;
const clientNode = { clientNodeIps: ['172.18.0.3', 'fc00:f853:ccd:e793::3'] };

const v4 = (seen?: string, error?: string): EgressObservation => ({
  family: 'IPv4',
  podIp: '10.244.1.5',
  target: '172.18.0.4',
  seen,
  error,
});
const v6 = (seen?: string): EgressObservation => ({
  family: 'IPv6',
  podIp: 'fd00:10:244:1::5',
  target: 'fc00:f853:ccd:e793::4',
  seen,
});

describe('ra2.ntw.011 egress NAT judge', () => {
  it('fails when the server saw the client node address over IPv4 (masqueraded)', () => {
    const v = judgeEgressNat([v4('172.18.0.3'), v6('fd00:10:244:1::5')], clientNode);
    expect(v.status).to.equal('failed');
    expect(field(v, 'observed')).to.contain(
      'IPv4: pod 10.244.1.5 -> 172.18.0.4, the server saw 172.18.0.3',
    );
    expect(field(v, 'observed')).to.contain("the client node's address");
    expect(field(v, 'observed')).not.to.contain('IPv6');
  });

  it('fails on IPv6 alone when only IPv6 is masqueraded', () => {
    const v = judgeEgressNat([v4('10.244.1.5'), v6('fc00:f853:ccd:e793::3')], clientNode);
    expect(v.status).to.equal('failed');
    expect(field(v, 'observed')).to.match(/^IPv6: pod fd00:10:244:1::5/);
  });

  it('fails naming every answer when the rewrite came on one connection and not the next', () => {
    const once = { ...v4('172.18.0.3'), answers: ['172.18.0.3', '10.244.1.5', '10.244.1.5'] };
    const v = judgeEgressNat([once, v6('fd00:10:244:1::5')], clientNode);
    expect(v.status).to.equal('failed');
    expect(field(v, 'observed')).to.contain('asked 3 times: 172.18.0.3, 10.244.1.5, 10.244.1.5');
  });

  it('passes when the pod address arrived unchanged in every family', () => {
    const v = judgeEgressNat([v4('10.244.1.5'), v6('fd00:10:244:1::5')], clientNode);
    expect(v.status).to.equal('passed');
    expect(field(v, 'summary')).to.contain('IPv4 10.244.1.5').and.contain('IPv6 fd00:10:244:1::5');
  });

  it('passes a single-stack cluster on its one family', () => {
    expect(judgeEgressNat([v4('10.244.1.5')], clientNode).status).to.equal('passed');
  });

  it('skips, never passes, when a family was not observed', () => {
    const v = judgeEgressNat([v4('10.244.1.5'), v6(undefined)], clientNode);
    expect(v.status).to.equal('skipped');
    expect(field(v, 'reason')).to.contain('IPv6').and.contain('preserved over IPv4');
    const noNodeIp = judgeEgressNat([{ family: 'IPv6', podIp: 'fd00::5' }], clientNode);
    expect(noNodeIp.status).to.equal('skipped');
    expect(field(noNodeIp, 'reason')).to.contain('no InternalIP of this family');
    expect(judgeEgressNat([], clientNode).status).to.equal('skipped');
  });

  it('a NATed family fails even when another was not observed', () => {
    const v = judgeEgressNat([v4('172.18.0.3'), v6(undefined)], clientNode);
    expect(v.status).to.equal('failed');
  });
});

describe('host-network probe', () => {
  const node: V1Node = {
    metadata: { name: 'w1', labels: { 'kubernetes.io/hostname': 'w1' } },
    status: {
      addresses: [
        { type: 'Hostname', address: 'w1' },
        { type: 'InternalIP', address: '172.18.0.4' },
        { type: 'InternalIP', address: 'fc00:f853:ccd:e793::4' },
      ],
    },
  };

  it('runs netexec in the node network namespace on the chosen port, pinned, non-root', () => {
    const pod = hostNetworkServerPod(ctx, 'host-server', node, 19123);
    expect(pod.spec?.hostNetwork).to.equal(true);
    expect(pod.spec?.nodeSelector).to.deep.equal({ 'kubernetes.io/hostname': 'w1' });
    expect(pod.spec?.containers[0]?.args).to.include('--http-port=19123');
    expect(pod.spec?.securityContext?.runAsNonRoot).to.equal(true);
  });

  it('reads InternalIPs per family and picks a port outside the NodePort range', () => {
    expect(internalIps(node)).to.deep.equal({
      ipv4: '172.18.0.4',
      ipv6: 'fc00:f853:ccd:e793::4',
    });
    expect(hostProbePort(() => 0)).to.equal(19000);
    expect(hostProbePort(() => 0.9999)).to.equal(19999);
  });

  it('lists the masquerade flags of host-network CNI agents as evidence', () => {
    const agent: V1Pod = {
      metadata: { namespace: 'kube-system', name: 'kube-router-x', ownerReferences: [] },
      spec: {
        hostNetwork: true,
        containers: [
          {
            name: 'kube-router',
            args: ['--run-router=true --enable-pod-egress=false'],
            env: [{ name: 'CALICO_IPV4POOL_NAT_OUTGOING', value: 'true' }],
          },
        ],
      },
    };
    const plain: V1Pod = {
      metadata: { namespace: 'default', name: 'app' },
      spec: { containers: [{ name: 'c', args: ['--masquerade=yes'] }] },
    };
    expect(masqueradeSettings([agent, plain])).to.deep.equal([
      'kube-system/kube-router-x kube-router: --enable-pod-egress=false CALICO_IPV4POOL_NAT_OUTGOING=true',
    ]);
  });
});

describe('ra2.ntw.011 probe: asking the host-network server', () => {
  const probeCtx = {
    timeouts: { pollInterval: 1, serviceEndpoints: 1_000 },
    log: () => undefined,
    signal: new AbortController().signal,
  } as unknown as CheckContext;
  const serverNode = {
    status: { addresses: [{ type: 'InternalIP', address: '172.18.0.4' }] },
  } as V1Node;
  /** An exec whose curl prints each of `remotes` in turn ("ip:port", as netexec's /clientip). */
  const answering = (...remotes: string[]) => {
    const asked: string[][] = [];
    return {
      asked,
      pods: {
        exec: (_pod: string, command: string[]) => {
          asked.push(command);
          const remote = remotes[Math.min(asked.length, remotes.length) - 1]!;
          return Promise.resolve({ stdout: remote, stderr: '', exitCode: 0 });
        },
      },
    };
  };
  /** The client 10.244.1.5 asks the server on 172.18.0.4 through an exec answering `remotes`. */
  const ask = async (...remotes: string[]) => {
    const fake = answering(...remotes);
    const [observation] = await sourceSeenByNode(
      probeCtx,
      fake.pods,
      { name: 'client', ips: ['10.244.1.5'] },
      serverNode,
      19001,
    );
    return { asked: fake.asked, o: observation! };
  };

  it('asks again after an answer that is not the pod address, and keeps every answer', async () => {
    const { asked, o } = await ask('172.18.0.3:40000', '10.244.1.5:40001', '172.18.0.3:40002');
    expect(asked).to.have.length(1 + NAT_CONFIRMATIONS);
    expect(o).to.include({ family: 'IPv4', seen: '172.18.0.3', target: '172.18.0.4' });
    expect(o.answers).to.deep.equal(['172.18.0.3', '10.244.1.5', '172.18.0.3']);
  });

  it('asks once when the pod address arrived', async () => {
    const { asked, o } = await ask('10.244.1.5:40000');
    expect(asked).to.have.length(1);
    expect(o).to.include({ seen: '10.244.1.5' });
    expect(o.answers).to.equal(undefined);
  });
});
