import { expect } from 'chai';
import type { V1Container, V1Node, V1Pod } from '@kubernetes/client-node';
import {
  cpuCommitment,
  effectivePodCpu,
  judgeCpuCommitment,
  limitEnforcement,
} from '../../suites/rules/limits.js';

const node = (name: string, cpu: string): V1Node => ({
  metadata: { name },
  status: { allocatable: { cpu } },
});
const c = (request?: string, limit?: string, restartPolicy?: string): V1Container => ({
  name: 'c',
  restartPolicy,
  resources: {
    ...(request ? { requests: { cpu: request } } : {}),
    ...(limit ? { limits: { cpu: limit } } : {}),
  },
});
const pod = (
  name: string,
  containers: V1Container[],
  more: Partial<NonNullable<V1Pod['spec']>> = {},
): V1Pod => ({
  metadata: { name, namespace: 'ns' },
  spec: { nodeName: 'w1', containers, ...more },
});

describe('ra2.ch.006 CPU commitment (suites/rules/limits.ts)', () => {
  it('a pod requests the larger of its largest init container and the sum of its containers, plus overhead', () => {
    const p = pod('p', [c('500m', '500m'), c('250m', '250m')], {
      initContainers: [c('1', '1'), c('100m', '100m')],
      overhead: { cpu: '100m' },
    });
    expect(effectivePodCpu(p, 'requests')).to.equal(1.1);
    expect(effectivePodCpu(p, 'limits')).to.equal(1.1);
    const small = pod('q', [c('2', '2')], { initContainers: [c('1', '1')] });
    expect(effectivePodCpu(small, 'requests')).to.equal(2);
  });

  it('counts sidecars (init containers with restartPolicy Always) with the containers and later inits', () => {
    const p = pod('p', [c('1', '1')], {
      initContainers: [c('500m', '500m', 'Always'), c('2', '2')],
    });
    // init peak: sidecar 0.5 + init 2 = 2.5; running: sidecar 0.5 + 1 = 1.5
    expect(effectivePodCpu(p, 'requests')).to.equal(2.5);
  });

  it('a container (or init container) without a CPU limit makes the pod unbounded', () => {
    expect(effectivePodCpu(pod('p', [c('100m')]), 'limits')).to.equal('unbounded');
    expect(
      effectivePodCpu(pod('p', [c('100m', '1')], { initContainers: [c('100m')] }), 'limits'),
    ).to.equal('unbounded');
  });

  it('fails a node whose pods leave CPU limits unbounded, naming them (red)', () => {
    const pods = [pod('api', [c('250m')]), pod('web', [c('100m', '200m')])];
    const commitment = cpuCommitment(node('w1', '4'), pods);
    expect(commitment).to.deep.include({
      requests: 0.35,
      limits: 'unbounded',
      unboundedPods: ['ns/api'],
    });
    const verdict = judgeCpuCommitment([commitment]);
    expect(verdict.status).to.equal('failed');
    expect(verdict.status === 'failed' && verdict.observed).to.equal(
      'w1: limits unbounded (1 pod(s) without a CPU limit: ns/api)',
    );
  });

  it('fails requests or limits that reach allocatable, counting init containers (red)', () => {
    const pods = [pod('a', [c('1', '1')], { initContainers: [c('2', '2')] })];
    const verdict = judgeCpuCommitment([cpuCommitment(node('w1', '2'), pods)]);
    expect(verdict.status === 'failed' && verdict.observed).to.equal(
      'w1: requests 2 >= allocatable 2, limits 2 >= allocatable 2',
    );
  });

  it('fails a node where only an init container has no CPU limit, naming the pod (red)', () => {
    const pods = [pod('migrate', [c('100m', '200m')], { initContainers: [c('100m')] })];
    const verdict = judgeCpuCommitment([cpuCommitment(node('w1', '4'), pods)]);
    expect(verdict).to.deep.include({
      status: 'failed',
      observed: 'w1: limits unbounded (1 pod(s) without a CPU limit: ns/migrate)',
    });
  });

  it('fails a node whose pod overhead takes requests and limits to allocatable (red)', () => {
    // 2 x (900m + 100m of RuntimeClass overhead) = 2 cores; without the overhead it would be 1.8.
    const pods = ['vm-a', 'vm-b'].map((name) =>
      pod(name, [c('900m', '900m')], { overhead: { cpu: '100m' } }),
    );
    const verdict = judgeCpuCommitment([cpuCommitment(node('w1', '2'), pods)]);
    expect(verdict).to.deep.include({
      status: 'failed',
      observed: 'w1: requests 2 >= allocatable 2, limits 2 >= allocatable 2',
    });
  });

  it('passes bounded pods below allocatable (green); no node is nothing to judge', () => {
    const pods = [
      pod('a', [c('500m', '1')]),
      pod('b', [c('250m', '500m')], { overhead: { cpu: '50m' } }),
    ];
    const verdict = judgeCpuCommitment([cpuCommitment(node('w1', '2'), pods)]);
    expect(verdict.status, JSON.stringify(verdict)).to.equal('passed');
    expect(judgeCpuCommitment([])).to.deep.include({ status: 'skipped' });
  });

  it('names the LimitRanges with a default or maximum CPU limit and the CPU quotas', () => {
    const enforcement = limitEnforcement(
      [
        {
          metadata: { namespace: 'a', name: 'cpu' },
          spec: { limits: [{ type: 'Container', _default: { cpu: '1' } }] },
        },
        {
          metadata: { namespace: 'b', name: 'mem' },
          spec: { limits: [{ type: 'Container', max: { memory: '1Gi' } }] },
        },
      ],
      [
        { metadata: { namespace: 'a', name: 'q' }, spec: { hard: { 'limits.cpu': '10' } } },
        { metadata: { namespace: 'b', name: 'pods' }, spec: { hard: { pods: '10' } } },
      ],
    );
    expect(enforcement).to.deep.equal({ defaultOrMaxCpuLimit: ['a/cpu'], cpuQuotas: ['a/q'] });
  });
});
