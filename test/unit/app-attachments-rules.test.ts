/**
 * ra2.app.006: additional connection points must be requested (networks
 * annotation or an extended-resource request). No bed runs a workload with an
 * attachment, so the verdicts are shown here: green, red, and nothing to judge.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { expect } from 'chai';
import { judgeRequestedAttachments } from '../../suites/rules/networking-attachments.js';

const networkStatus = JSON.stringify([
  { name: 'kube-router', default: true, ips: ['10.244.1.5'] },
  { name: 'ns/dataplane', interface: 'net1', ips: ['198.18.1.2'] },
]);

function workload(
  name: string,
  annotations: Record<string, string>,
  limits: Record<string, string> = {},
): V1Pod {
  return {
    metadata: { name, namespace: 'cnf', annotations },
    spec: { containers: [{ name: 'app', resources: { limits } }] },
  };
}

const byAnnotation = workload('upf', {
  'k8s.v1.cni.cncf.io/networks': 'dataplane',
  'k8s.v1.cni.cncf.io/network-status': networkStatus,
});
const byResource = workload(
  'dpdk',
  { 'k8s.v1.cni.cncf.io/network-status': networkStatus },
  { 'intel.com/sriov_netdevice': '1' },
);
const plain = workload('web', {});

describe('requested connection points (ra2.app.006)', () => {
  it('passes workloads whose attachments were asked for by annotation or resource (green)', () => {
    const verdict = judgeRequestedAttachments([byAnnotation, byResource, plain]);
    expect(verdict.status).to.equal('passed');
    expect(verdict.status === 'passed' && verdict.summary).to.match(/all 2 pods/);
  });

  it('fails a workload with an attachment nobody asked for, naming it (red)', () => {
    const unasked = workload('sidecar', { 'k8s.v1.cni.cncf.io/network-status': networkStatus });
    const verdict = judgeRequestedAttachments([byAnnotation, unasked]);
    expect(verdict.status).to.equal('failed');
    expect(verdict.status === 'failed' && verdict.observed).to.equal(
      'cnf/sidecar: ns/dataplane (net1)',
    );
  });

  it('has nothing to judge without a pod that has an attachment: a skip, never a pass', () => {
    const verdict = judgeRequestedAttachments([plain]);
    expect(verdict.status).to.equal('skipped');
    expect(verdict.status === 'skipped' && verdict.reason).to.match(/^nothing to judge/);
  });
});
