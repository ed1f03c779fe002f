/**
 * ra2.ntw.002 and ra2.ntw.013: the judges of the default pod network across
 * two workers. Red: what a kubenet-like network (no cross-node pod
 * networking, or no pod address) and a single-stack or half-working
 * dual-stack network show; green: a dual-stack CNI that connects both pods
 * over both families.
 */
import { expect } from 'chai';
import type { Verdict } from '../../helpers/framework/result.js';
import type { ConnectAttempt } from '../../helpers/probes/netexec.js';
import {
  judgeCrossNodePodNetwork,
  judgeDualStack,
  missingFamilies,
  placementOf,
  type PodAddresses,
} from '../../suites/rules/networking-pod-network.js';

/** A text field of a verdict (observed, reason, summary), '' when it has none. */
const field = (v: Verdict, key: 'observed' | 'reason' | 'summary'): string =>
  ((v as Record<string, unknown>)[key] as string | undefined) ?? '';

const reached = (target: string): ConnectAttempt => ({
  from: 'client',
  target,
  reachable: true,
  outcome: 'reached',
  exitCode: 0,
  detail: '',
});
const blocked = (target: string, detail = 'TIMEOUT'): ConnectAttempt => ({
  from: 'client',
  target,
  reachable: false,
  outcome: 'blocked',
  exitCode: 1,
  detail,
});

describe('ra2.ntw.002 default pod network across nodes', () => {
  const server = placementOf('server', 'worker-a', ['10.244.1.5'], ['10.244.1.0/24']);
  const client = placementOf('client', 'worker-b', ['10.244.2.7'], ['10.244.2.0/24']);

  it('fails when the client cannot reach the server on another node (kubenet: no cross-node networking)', () => {
    const v = judgeCrossNodePodNetwork(
      [server, client],
      [blocked('10.244.1.5:8080', 'TIMEOUT: dial tcp 10.244.1.5:8080: i/o timeout')],
    );
    expect(v.status).to.equal('failed');
    expect(v).to.include({
      expected: 'pods on different nodes to reach each other over the default pod network',
    });
    expect(field(v, 'observed')).to.equal(
      '10.244.1.5:8080: TIMEOUT: dial tcp 10.244.1.5:8080: i/o timeout',
    );
  });

  it('fails when a pod got no address from the pod network', () => {
    const noIp = placementOf('client', 'worker-b', [], ['10.244.2.0/24']);
    const v = judgeCrossNodePodNetwork([server, noIp], [reached('10.244.1.5:8080')]);
    expect(v.status).to.equal('failed');
    expect(field(v, 'observed')).to.equal('no pod IP: client on worker-b');
  });

  it('fails when one of the server addresses is unreachable, naming only that one', () => {
    const dual = placementOf('server', 'worker-a', ['10.244.1.5', 'fd00:10:244:1::5'], []);
    const v = judgeCrossNodePodNetwork(
      [dual, client],
      [reached('10.244.1.5:8080'), blocked('[fd00:10:244:1::5]:8080', 'OTHER: no route to host')],
    );
    expect(v.status).to.equal('failed');
    expect(field(v, 'observed')).to.equal('[fd00:10:244:1::5]:8080: OTHER: no route to host');
  });

  it('skips, never passes, when no connection was attempted', () => {
    const v = judgeCrossNodePodNetwork([server, client], []);
    expect(v.status).to.equal('skipped');
    expect(field(v, 'reason')).to.contain('nothing to judge');
  });

  it('passes when pods on two workers got addresses and connected', () => {
    const v = judgeCrossNodePodNetwork([server, client], [reached('10.244.1.5:8080')]);
    expect(v.status).to.equal('passed');
    expect(field(v, 'summary')).to.equal(
      'pods on worker-a and worker-b got pod-network addresses (10.244.1.5, 10.244.2.7) and connected across nodes',
    );
  });

  it('records addresses outside the node podCIDRs as evidence only (CNIs with their own IPAM)', () => {
    expect(
      placementOf('server', 'a', ['192.168.7.3'], ['10.244.1.0/24']).outsidePodCIDRs,
    ).to.deep.equal(['192.168.7.3']);
    expect(placementOf('server', 'a', ['192.168.7.3'], []).outsidePodCIDRs).to.deep.equal([]);
    const calico = placementOf('server', 'worker-a', ['192.168.7.3'], ['10.244.1.0/24']);
    expect(
      judgeCrossNodePodNetwork([calico, client], [reached('192.168.7.3:8080')]).status,
    ).to.equal('passed');
  });
});

describe('ra2.ntw.013 dual-stack pod network', () => {
  const dual = (pod: string, node: string, n: number): PodAddresses => ({
    pod,
    node,
    ips: [`10.244.${n}.5`, `fd00:10:244:${n}::5`],
  });
  const server = dual('server', 'worker-a', 1);
  const client = dual('client', 'worker-b', 2);
  const both = [reached('10.244.1.5:8080'), reached('[fd00:10:244:1::5]:8080')];

  it('fails on a single-stack IPv4 cluster, naming each pod and the family it lacks', () => {
    const v4 = (pod: string, node: string, ip: string): PodAddresses => ({ pod, node, ips: [ip] });
    const v = judgeDualStack(
      v4('server', 'worker-a', '10.244.1.5'),
      v4('client', 'worker-b', '10.244.2.7'),
      [],
    );
    expect(v.status).to.equal('failed');
    expect(v).to.include({
      expected: 'every pod to get an IPv4 and an IPv6 address from the CNI plugin',
    });
    expect(field(v, 'observed')).to.equal(
      'server on worker-a has podIPs 10.244.1.5 (no IPv6); client on worker-b has podIPs 10.244.2.7 (no IPv6)',
    );
  });

  it('fails when one pod gets only one family, even if connections over it got through', () => {
    const v6only: PodAddresses = { pod: 'client', node: 'worker-b', ips: ['fd00:10:244:2::7'] };
    const v = judgeDualStack(server, v6only, both);
    expect(v.status).to.equal('failed');
    expect(field(v, 'observed')).to.equal(
      'client on worker-b has podIPs fd00:10:244:2::7 (no IPv4)',
    );
    expect(missingFamilies({ pod: 'x', node: 'n', ips: [] })).to.deep.equal(['IPv4', 'IPv6']);
  });

  it('fails when pods have both families but IPv6 does not cross nodes', () => {
    const v = judgeDualStack(server, client, [
      reached('10.244.1.5:8080'),
      blocked('[fd00:10:244:1::5]:8080', 'TIMEOUT'),
    ]);
    expect(v.status).to.equal('failed');
    expect(v).to.include({ expected: 'pod-to-pod connectivity across nodes over IPv4 and IPv6' });
    expect(field(v, 'observed')).to.equal('[fd00:10:244:1::5]:8080: TIMEOUT');
  });

  it('skips, never passes, when a family of the server was not tried', () => {
    const none = judgeDualStack(server, client, []);
    expect(none.status).to.equal('skipped');
    expect(field(none, 'reason')).to.contain('nothing to judge');
    const v4Only = judgeDualStack(server, client, [reached('10.244.1.5:8080')]);
    expect(v4Only.status).to.equal('skipped');
    expect(field(v4Only, 'reason')).to.contain('fd00:10:244:1::5');
  });

  it('passes when both pods are dual-stack and connect over both families', () => {
    const v = judgeDualStack(server, client, both);
    expect(v.status).to.equal('passed');
    expect(v.evidence).to.deep.include({
      server: { node: 'worker-a', ipv4: '10.244.1.5', ipv6: 'fd00:10:244:1::5' },
    });
  });
});
