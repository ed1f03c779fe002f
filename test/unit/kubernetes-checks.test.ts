import { expect } from 'chai';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { etcdctlCommand, parseMemberList } from '../../helpers/probes/etcd.js';
import { judgeEtcd } from '../../suites/rules/etcd.js';
import { gateEnabled, parseConfigz } from '../../helpers/k8s/kubelet-config.js';
import { kubeletSkew, supportStatus } from '../../suites/rules/kubernetes-releases.js';
import { matrixSettled, renderMatrix } from '../../helpers/probes/network-policy.js';
import { hostPort } from '../../helpers/probes/netexec.js';
import { chooseIngressClass } from '../../helpers/probes/publishing.js';
import {
  anuketProfileLabels,
  clusterDomainFromResolvConf,
  controlPlaneServicesPerNode,
  reservationOfNode,
  reservationsOf,
} from '../../suites/kubernetes.js';

const cp = 'node-role.kubernetes.io/control-plane';
function node(
  name: string,
  labels: Record<string, string> = {},
  extra: Partial<V1Node> = {},
): V1Node {
  return { metadata: { name, labels }, ...extra };
}
function pod(
  name: string,
  nodeName: string,
  labels: Record<string, string> = {},
  ready = true,
): V1Pod {
  return {
    metadata: { name, labels },
    spec: { nodeName, containers: [] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
}

describe('kubernetes release support (ra2.k8s.005)', () => {
  const on = (day: string) => new Date(`${day}T12:00:00Z`);
  it('supports a minor until its end-of-life date, inclusive', () => {
    expect(supportStatus('v1.35.4', on('2027-02-28')).status).to.equal('supported');
    expect(supportStatus('v1.35.4', on('2027-03-01')).status).to.equal('unsupported');
  });
  it('rejects minors older than the table and pre-releases', () => {
    expect(supportStatus('v1.29.0', on('2026-01-01')).status).to.equal('unsupported');
    expect(supportStatus('v1.35.0-rc.1', on('2026-01-01')).status).to.equal('unsupported');
  });
  it('cannot judge a minor newer than the table', () => {
    expect(supportStatus('v1.40.1', on('2026-01-01')).status).to.equal('unknown');
  });
  it('accepts vendor build metadata', () => {
    expect(supportStatus('v1.34.2+k3s1', on('2026-01-01')).status).to.equal('supported');
  });
  it('allows kubelets up to three minors older than the API server, never newer', () => {
    expect(kubeletSkew('v1.35.4', 'v1.35.4').ok).to.equal(true);
    expect(kubeletSkew('v1.35.4', 'v1.32.0').ok).to.equal(true);
    expect(kubeletSkew('v1.35.4', 'v1.31.9').ok).to.equal(false);
    expect(kubeletSkew('v1.35.4', 'v1.36.0').ok).to.equal(false);
  });
});

describe('kubelet configz', () => {
  it('parses policies, gates and reservations, defaulting policies to none', () => {
    const config = parseConfigz(
      JSON.stringify({
        kubeletconfig: {
          cpuManagerPolicy: 'static',
          reservedSystemCPUs: '0,1',
          featureGates: { CPUManager: false },
          systemReserved: { memory: '1Gi' },
        },
      }),
    );
    expect(config.cpuManagerPolicy).to.equal('static');
    expect(config.topologyManagerPolicy).to.equal('none');
    expect(gateEnabled(config, 'CPUManager')).to.equal(false);
    expect(gateEnabled(config, 'TopologyManager')).to.equal(true);
    expect(reservationsOf(config)).to.include({ reservesCpu: true, reservesAnything: true });
  });
  it('accepts an already parsed body and refuses one without kubeletconfig', () => {
    expect(parseConfigz({ kubeletconfig: {} }).reservedSystemCPUs).to.equal('');
    expect(reservationsOf(parseConfigz({ kubeletconfig: {} })).reservesAnything).to.equal(false);
    expect(() => parseConfigz('{}')).to.throw(/kubeletconfig/);
  });
  it('judges a node by configuration and allocatable < capacity (ra2.k8s.008)', () => {
    const n = node(
      'w1',
      {},
      {
        status: { capacity: { cpu: '4', memory: '8Gi' }, allocatable: { cpu: '4', memory: '7Gi' } },
      },
    );
    const none = reservationOfNode(n, [
      { node: 'w1', config: parseConfigz({ kubeletconfig: {} }) },
    ]);
    expect(none.problems).to.have.length(2);
    const reserved = node(
      'w2',
      {},
      {
        status: {
          capacity: { cpu: '4', memory: '8Gi' },
          allocatable: { cpu: '3500m', memory: '7Gi' },
        },
      },
    );
    const ok = reservationOfNode(reserved, [
      { node: 'w2', config: parseConfigz({ kubeletconfig: { kubeReserved: { cpu: '500m' } } }) },
    ]);
    expect(ok.problems).to.deep.equal([]);
  });
});

describe('etcd (ra2.k8s.002)', () => {
  const nodes = [
    node('cp1', { [cp]: '' }),
    node('cp2', { [cp]: '' }),
    node('cp3', { [cp]: '' }),
    node('w1'),
    node(
      'etcd1',
      {},
      { spec: { taints: [{ key: 'dedicated', value: 'etcd', effect: 'NoSchedule' }] } },
    ),
  ];
  const members = (...names: string[]) =>
    names.map((name) => ({ name, peerURLs: [], isLearner: false }));
  it('parses etcdctl member list JSON', () => {
    const parsed = parseMemberList(
      '{"header":{},"members":[{"ID":1,"name":"cp1","peerURLs":["https://a:2380"]},{"name":"cp2","isLearner":true}]}',
    );
    expect(parsed.map((m) => [m.name, m.isLearner])).to.deep.equal([
      ['cp1', false],
      ['cp2', true],
    ]);
  });
  it('passes 3 members on control-plane or dedicated nodes', () => {
    expect(judgeEtcd([], nodes, members('cp1', 'cp2', 'etcd1')).ok).to.equal(true);
  });
  it('fails a single member, an even count, and learners do not count', () => {
    expect(judgeEtcd([], nodes, members('cp1')).problems[0]).to.match(/1 voting member/);
    expect(judgeEtcd([], nodes, members('cp1', 'cp2', 'cp3', 'etcd1')).ok).to.equal(false);
    const withLearner = [...members('cp1', 'cp2'), { name: 'cp3', peerURLs: [], isLearner: true }];
    expect(judgeEtcd([], nodes, withLearner).voting).to.equal(2);
  });
  it('fails etcd on a worker node', () => {
    const judged = judgeEtcd([pod('etcd-w1', 'w1')], nodes, members('cp1', 'cp2', 'w1'));
    expect(judged.ok).to.equal(false);
    expect(judged.onWorkers.join()).to.match(/w1/);
  });
  it('counts running pods when the member list is unavailable', () => {
    const judged = judgeEtcd([pod('etcd-cp1', 'cp1')], nodes, undefined);
    expect(judged).to.include({ voting: 1, countedFrom: 'etcd pods', ok: false });
  });
  it('builds etcdctl from the pod flags', () => {
    const etcd: V1Pod = {
      spec: {
        containers: [
          {
            name: 'etcd',
            command: [
              'etcd',
              '--listen-client-urls=https://127.0.0.1:2379,https://172.18.0.2:2379',
              '--trusted-ca-file=/pki/ca.crt',
              '--cert-file=/pki/server.crt',
              '--key-file=/pki/server.key',
            ],
          },
        ],
      },
    };
    expect(etcdctlCommand(etcd, ['member', 'list'])).to.deep.equal([
      'etcdctl',
      '--endpoints=https://127.0.0.1:2379',
      '--command-timeout=10s',
      '--cacert=/pki/ca.crt',
      '--cert=/pki/server.crt',
      '--key=/pki/server.key',
      'member',
      'list',
    ]);
  });
});

describe('control plane services (ra2.k8s.012a)', () => {
  const nodes = [node('cp1', { [cp]: '' }), node('w1')];
  const all = ['kube-apiserver', 'kube-scheduler', 'kube-controller-manager'].map((c) =>
    pod(`${c}-cp1`, 'cp1', { component: c }),
  );
  it('passes when each control-plane node runs the three, Ready', () => {
    expect(controlPlaneServicesPerNode(nodes, all).status).to.equal('passed');
  });
  it('fails on a missing or unready service', () => {
    const v = controlPlaneServicesPerNode(nodes, all.slice(0, 2));
    expect(v.status === 'failed' && v.observed).to.match(/kube-controller-manager on cp1 absent/);
    const unready = [
      ...all.slice(0, 2),
      pod('kcm', 'cp1', { component: 'kube-controller-manager' }, false),
    ];
    expect(controlPlaneServicesPerNode(nodes, unready).status).to.equal('failed');
  });
});

describe('Anuket profile labels (ra2.k8s.011)', () => {
  it('passes labelled workers and ignores the control plane', () => {
    const v = anuketProfileLabels([
      node('cp1', { [cp]: '' }),
      node('w1', { 'anuket.io/profile/basic': 'true' }),
      node('w2', { 'anuket.io/profile/network-intensive': 'true' }),
      node('w3', { 'anuket.io/profile-basic': 'true' }),
    ]);
    expect(v.status).to.equal('passed');
  });
  it('fails an unlabelled worker and a value other than "true"', () => {
    const v = anuketProfileLabels([node('w1'), node('w2', { 'anuket.io/profile-basic': 'yes' })]);
    expect(v.status === 'failed' && v.observed).to.match(/w1, w2.*anuket.io\/profile-basic=yes/);
  });
});

describe('publishing and policy helpers', () => {
  it('reads the cluster domain from resolv.conf', () => {
    const resolv =
      'search ns1.svc.example.org svc.example.org example.org\nnameserver 10.96.0.10\n';
    expect(clusterDomainFromResolvConf(resolv, 'ns1')).to.equal('example.org');
    expect(clusterDomainFromResolvConf('nameserver 1.1.1.1', 'ns1')).to.equal(undefined);
  });
  it('brackets IPv6 targets', () => {
    expect(hostPort('fd00::1', 80)).to.equal('[fd00::1]:80');
    expect(hostPort('10.0.0.1', 80)).to.equal('10.0.0.1:80');
  });
  it('prefers the default IngressClass', () => {
    const a = { metadata: { name: 'a' } };
    const b = {
      metadata: {
        name: 'b',
        annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
      },
    };
    expect(chooseIngressClass([a, b])?.metadata?.name).to.equal('b');
    expect(chooseIngressClass([])).to.equal(undefined);
  });
  it('renders and settles a policy matrix', () => {
    const cell = {
      from: 'c',
      to: 's',
      host: '10.0.0.1',
      port: 80,
      expectReachable: false,
      state: 'reached' as const,
      detail: '',
    };
    expect(matrixSettled([cell])).to.equal(false);
    expect(renderMatrix([cell])[0]).to.equal('c -> s 10.0.0.1:80: reachable (expected blocked)');
  });
});
