/**
 * ra2.ch.003 and ra2.ntw.008: every network-intensive worker advertises SR-IOV
 * VFs (allocatable > 0) through the device plugin. No bed has SR-IOV, so the
 * verdicts are shown here on the nodes a cluster with VFs would list.
 */
import type { V1Node } from '@kubernetes/client-node';
import { expect } from 'chai';
import { networkIntensiveLabel } from '../../catalog/profiles.js';
import {
  judgeSriovAdvertised,
  networkIntensiveWorkers,
} from '../../suites/rules/networking-sriov.js';

const worker = (name: string, allocatable: Record<string, string>, labels = {}): V1Node => ({
  metadata: { name, labels },
  status: { capacity: allocatable, allocatable },
});
const nicWorker = { [networkIntensiveLabel]: 'true' };
const expected = 'SR-IOV VFs advertised on every network-intensive worker';

function observe(nodes: V1Node[], configuredNames: string[] = [], plugin = true) {
  return {
    ...networkIntensiveWorkers(nodes),
    configuredNames,
    devicePluginPods: plugin ? ['kube-system/sriov-device-plugin-x on w1: Running'] : [],
  };
}

describe('SR-IOV VFs advertised (ra2.ch.003, ra2.ntw.008)', () => {
  it('passes when every network-intensive worker advertises VFs, by configured name or by "sriov" (green)', () => {
    const nodes = [
      worker('w1', { 'intel.com/intel_sriov_netdevice': '8' }, nicWorker),
      worker('w2', { 'example.com/fast_vf': '4' }, nicWorker),
      worker('web', {}), // not labelled: not judged
    ];
    const verdict = judgeSriovAdvertised(observe(nodes, ['example.com/fast_vf']), expected);
    expect(verdict.status).to.equal('passed');
  });

  it('fails a network-intensive worker whose VF resource has nothing allocatable, naming it (red)', () => {
    const nodes = [
      worker('w1', { 'intel.com/intel_sriov_netdevice': '8' }, nicWorker),
      worker('w2', { 'intel.com/intel_sriov_netdevice': '0' }, nicWorker),
    ];
    const verdict = judgeSriovAdvertised(observe(nodes), expected);
    expect(verdict.status === 'failed' && verdict.observed).to.equal(
      'no SR-IOV VF resource with allocatable > 0 on w2',
    );
  });

  it('fails workers with no VF resource and says no device plugin pod was found (red)', () => {
    const verdict = judgeSriovAdvertised(observe([worker('w1', {})], [], false), expected);
    expect(verdict.status === 'failed' && verdict.observed).to.equal(
      'no SR-IOV VF resource with allocatable > 0 on w1; no SR-IOV device plugin pod found',
    );
  });
});
