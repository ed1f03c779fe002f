/**
 * ra2.k8s.003, 004, 012a and 002's fallbacks judged on the observations a broken
 * cluster gives (one API server, a lease not renewed, one worker, no zones) and
 * a healthy one.
 */
import { expect } from 'chai';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { ApiServerEndpoints, LeaseObservation } from '../../helpers/k8s/control-plane.js';
import {
  judgeControlPlaneHa,
  judgeWorkerHa,
  leaseState,
} from '../../suites/rules/control-plane.js';
import { judgeControlPlaneServices } from '../../suites/rules/control-plane-services.js';
import { judgeEtcdElsewhere } from '../../suites/rules/etcd.js';

const cpLabel = 'node-role.kubernetes.io/control-plane';
const zone = 'topology.kubernetes.io/zone';
function node(name: string, labels: Record<string, string> = {}, ready = true, ip = ''): V1Node {
  return {
    metadata: { name, labels },
    spec: {},
    status: {
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      addresses: ip ? [{ type: 'InternalIP', address: ip }] : [],
    },
  };
}
const endpoints = (...ready: string[]): ApiServerEndpoints => ({
  ready,
  notReady: [],
  slices: ['kubernetes'],
});
function lease(component: LeaseObservation['component'], renewed: boolean): LeaseObservation {
  return {
    component,
    lookedAt: [`kube-system/${component}`],
    found: true,
    holder: 'cp1_abc',
    leaseDurationSeconds: 15,
    firstRenewTime: '2026-01-01T00:00:00.000Z',
    lastRenewTime: renewed ? '2026-01-01T00:00:02.000Z' : '2026-01-01T00:00:00.000Z',
    watchedMs: 17_000,
  };
}
const absent = (component: LeaseObservation['component']): LeaseObservation => ({
  component,
  lookedAt: [`kube-system/${component}`],
  found: false,
  watchedMs: 0,
});
const liveLeases = [lease('kube-scheduler', true), lease('kube-controller-manager', true)];
const observedOf = (v: { status: string }) => (v as { observed?: string }).observed ?? '';

describe('leader leases', () => {
  it('tells renewed, not renewed and absent apart', () => {
    expect(leaseState(lease('kube-scheduler', true))).to.equal('renewed');
    expect(leaseState(lease('kube-scheduler', false))).to.equal('not renewed');
    expect(leaseState(absent('kube-scheduler'))).to.equal('absent');
  });
});

describe('highly available control plane (ra2.k8s.003)', () => {
  const unzoned = [node('cp1', { [cpLabel]: '' }), node('w1'), node('w2')];
  it('fails one API server endpoint where zones are not labelled', () => {
    const v = judgeControlPlaneHa({
      nodes: unzoned,
      endpoints: endpoints('10.0.0.1'),
      leases: liveLeases,
    });
    expect(v.status).to.equal('failed');
    expect(observedOf(v)).to.match(
      /no zone labels .* 1 ready API server endpoint\(s\) .*10\.0\.0\.1/,
    );
  });
  it('passes two API server endpoints without zones, even with control-plane nodes invisible (managed)', () => {
    const v = judgeControlPlaneHa({
      nodes: [node('w1'), node('w2')],
      endpoints: endpoints('10.0.0.1', '10.0.0.2'),
      leases: liveLeases,
    });
    expect(v.status).to.equal('passed');
  });
  it('fails a scheduler lease that is not renewed', () => {
    const v = judgeControlPlaneHa({
      nodes: unzoned,
      endpoints: endpoints('10.0.0.1', '10.0.0.2'),
      leases: [lease('kube-scheduler', false), lease('kube-controller-manager', true)],
    });
    expect(v.status).to.equal('failed');
    expect(observedOf(v)).to.match(
      /kube-scheduler: lease kube-system\/kube-scheduler held by cp1_abc, not renewed in 17 s/,
    );
  });
  it('keeps the zone rule where zones are labelled: a zone without a Ready control-plane node fails', () => {
    const zoned = [
      node('cp-a', { [cpLabel]: '', [zone]: 'a' }),
      node('cp-b', { [cpLabel]: '', [zone]: 'b' }, false),
      node('w-a', { [zone]: 'a' }),
      node('w-b', { [zone]: 'b' }),
    ];
    const v = judgeControlPlaneHa({
      nodes: zoned,
      endpoints: endpoints('10.0.0.1'),
      leases: liveLeases,
    });
    expect(observedOf(v)).to.equal('no Ready control-plane node in zone(s) b');
    zoned[1] = node('cp-b', { [cpLabel]: '', [zone]: 'b' });
    expect(
      judgeControlPlaneHa({
        nodes: zoned,
        endpoints: endpoints('10.0.0.1', '10.0.0.2'),
        leases: liveLeases,
      }).status,
    ).to.equal('passed');
  });
  it('with zones but no listed control plane, needs as many API servers as zones', () => {
    const nodes = [node('w-a', { [zone]: 'a' }), node('w-b', { [zone]: 'b' })];
    expect(
      judgeControlPlaneHa({ nodes, endpoints: endpoints('10.0.0.1'), leases: liveLeases }).status,
    ).to.equal('failed');
  });
});

describe('highly available workers (ra2.k8s.004)', () => {
  it('fails one worker where zones are not labelled, passes two Ready schedulable ones', () => {
    const one = [node('cp1', { [cpLabel]: '' }), node('w1')];
    expect(observedOf(judgeWorkerHa(one))).to.match(/1 Ready schedulable worker\(s\): w1/);
    const cordoned = node('w2');
    cordoned.spec = { unschedulable: true };
    expect(judgeWorkerHa([...one, cordoned]).status).to.equal('failed');
    expect(judgeWorkerHa([...one, node('w2', {}, false)]).status).to.equal('failed');
    expect(judgeWorkerHa([...one, node('w2')]).status).to.equal('passed');
  });
  it('needs a Ready schedulable worker in every zone where zones are labelled', () => {
    const nodes = [node('cp-b', { [cpLabel]: '', [zone]: 'b' }), node('w-a', { [zone]: 'a' })];
    expect(observedOf(judgeWorkerHa(nodes))).to.equal('no Ready schedulable worker in zone(s) b');
    expect(judgeWorkerHa([...nodes, node('w-b', { [zone]: 'b' })]).status).to.equal('passed');
  });
});

function apiServerPod(nodeName: string, address: string, ready = true): V1Pod {
  return {
    metadata: { name: `kube-apiserver-${nodeName}`, labels: { component: 'kube-apiserver' } },
    spec: {
      nodeName,
      containers: [
        {
          name: 'kube-apiserver',
          command: [
            'kube-apiserver',
            `--advertise-address=${address}`,
            '--etcd-servers=https://127.0.0.1:2379',
          ],
        },
      ],
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}
function componentPod(component: string, nodeName: string): V1Pod {
  return {
    metadata: { name: `${component}-${nodeName}`, labels: { component } },
    spec: { nodeName, containers: [{ name: component }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

describe('control plane services (ra2.k8s.012a)', () => {
  const nodes = [node('cp1', { [cpLabel]: '' }), node('cp2', { [cpLabel]: '' }), node('w1')];
  const pods = ['cp1', 'cp2'].flatMap((n, i) => [
    apiServerPod(n, `10.0.0.${i + 1}`),
    componentPod('kube-scheduler', n),
    componentPod('kube-controller-manager', n),
  ]);
  it('passes every control-plane node running the three, each API server an endpoint', () => {
    const v = judgeControlPlaneServices({
      nodes,
      pods,
      endpoints: endpoints('10.0.0.1', '10.0.0.2'),
      leases: liveLeases,
    });
    expect(v.status).to.equal('passed');
  });
  it('fails naming the node whose API server dropped out of the endpoints (a stopped node)', () => {
    const v = judgeControlPlaneServices({
      nodes,
      pods,
      endpoints: endpoints('10.0.0.1'),
      leases: liveLeases,
    });
    expect(observedOf(v)).to.match(
      /kube-apiserver on cp2 \(advertise address 10\.0\.0\.2\) is not among/,
    );
  });
  it('without pods, passes on API endpoints and renewed leases, fails a stale lease, and is not observed without leases', () => {
    const base = { nodes: [node('w1')], pods: [], endpoints: endpoints('10.0.0.1') };
    expect(judgeControlPlaneServices({ ...base, leases: liveLeases }).status).to.equal('passed');
    const stale = judgeControlPlaneServices({
      ...base,
      leases: [lease('kube-scheduler', true), lease('kube-controller-manager', false)],
    });
    expect(observedOf(stale)).to.match(/kube-controller-manager: .* not renewed/);
    const unseen = judgeControlPlaneServices({
      ...base,
      leases: [absent('kube-scheduler'), lease('kube-controller-manager', true)],
    });
    expect(unseen.status).to.equal('skipped');
    expect((unseen as { reason?: string }).reason).to.match(
      /no pods in kube-system matching component in .*kube-scheduler: no lease at kube-system\/kube-scheduler/,
    );
  });
});

describe('etcd without kubeadm pods (ra2.k8s.002)', () => {
  const nodes = [
    node('s1', { [cpLabel]: 'true', 'node-role.kubernetes.io/etcd': 'true' }, true, '10.0.0.1'),
    node('w1', {}, true, '10.0.0.9'),
  ];
  const none = { openshiftPods: [], etcdRoleNodes: [], apiServerEtcdServers: [] };
  it('counts k3s/RKE2 etcd-role nodes: one fails', () => {
    const judged = judgeEtcdElsewhere({ ...none, etcdRoleNodes: ['s1'] }, nodes);
    expect(judged?.ok).to.equal(false);
    expect(judged?.problems[0]).to.match(/1 etcd member\(s\) \(nodes with the etcd role label\)/);
    expect(judgeEtcdElsewhere({ ...none, etcdRoleNodes: ['s1', 's2', 's3'] }, nodes)?.ok).to.equal(
      true,
    );
  });
  it('counts the hosts of --etcd-servers, ignoring loopback, and sees a member on a worker', () => {
    const servers = ['https://10.0.0.1:2379', 'https://10.0.0.2:2379', 'https://10.0.0.9:2379'];
    const judged = judgeEtcdElsewhere(
      { ...none, apiServerEtcdServers: [{ pod: 'kube-apiserver-s1', servers }] },
      nodes,
    );
    expect(judged?.voting).to.equal(3);
    expect(judged?.problems.join()).to.match(/member at 10\.0\.0\.9 on w1/);
    const local = { pod: 'a', servers: ['https://127.0.0.1:2379'] };
    expect(judgeEtcdElsewhere({ ...none, apiServerEtcdServers: [local] }, nodes)).to.equal(
      undefined,
    );
    expect(judgeEtcdElsewhere(none, nodes)).to.equal(undefined);
  });
});
