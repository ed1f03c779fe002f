/**
 * Starting probe pods through the namespace handle: a pod the cluster refuses
 * is a finding (started: false, with why), a pod still starting at the
 * deadline with no cause from the cluster is the suite's error (thrown).
 */
import { expect } from 'chai';
import { KubeConfig, type CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { NamespaceHandle, restrictedPodTemplate } from '../../helpers/k8s/namespace-handle.js';
import { WaitTimeoutError } from '../../helpers/k8s/wait.js';

/** How the fake cluster treats each pod, by name. */
type Fate = 'ready' | 'unschedulable' | 'still-creating';

function podIn(name: string, fate: Fate): V1Pod {
  const scheduled =
    fate === 'unschedulable'
      ? { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes' }
      : { type: 'PodScheduled', status: 'True' };
  const ready = fate === 'ready';
  return {
    metadata: { name, namespace: 'ns1' },
    status: {
      phase: ready ? 'Running' : 'Pending',
      conditions: [scheduled],
      containerStatuses:
        fate === 'unschedulable'
          ? []
          : [
              {
                name: 'probe',
                image: 'img',
                imageID: '',
                ready,
                restartCount: 0,
                state: ready ? { running: {} } : { waiting: { reason: 'ContainerCreating' } },
              },
            ],
    },
  };
}

function fakeCluster(fates: Record<string, Fate>) {
  const calls: string[] = [];
  const core = {
    createNamespacedPod: ({ body }: { body: V1Pod }) => {
      calls.push(`create ${body.metadata?.name ?? ''}`);
      return Promise.resolve(body);
    },
    readNamespacedPod: ({ name }: { name: string }) => {
      calls.push(`read ${name}`);
      return Promise.resolve(podIn(name, fates[name] ?? 'ready'));
    },
    listNamespacedEvent: () => Promise.resolve({ items: [] }),
  } as unknown as CoreV1Api;
  const handle = new NamespaceHandle({
    kc: new KubeConfig(),
    core,
    namespace: 'ns1',
    labels: { 'ra2.anuket.io/run': 'r1' },
    log: () => {},
    timeouts: { podStart: 40, exec: 1000, pollInterval: 5 },
  });
  return { pods: handle.pods, calls };
}

const pod = (name: string) => restrictedPodTemplate(name, 'img', ['sleep', '3600']);

describe('starting probe pods', () => {
  it('returns a pod the scheduler refuses as not started, with the reason: a finding', async () => {
    const { pods } = fakeCluster({ a: 'unschedulable' });
    const started = await pods.tryStart(pod('a'));
    expect(started.started).to.equal(false);
    expect(!started.started && started.reason).to.match(
      /timed out after .* waiting for pod ns1\/a/,
    );
    expect(!started.started && started.described.conditions).to.deep.equal([
      'PodScheduled=False (Unschedulable: 0/2 nodes)',
    ]);
  });

  it('throws for a pod still being created at the deadline with no cause: the suite’s wait', async () => {
    const { pods } = fakeCluster({ a: 'still-creating' });
    let thrown: unknown;
    await pods.tryStart(pod('a')).catch((err: unknown) => (thrown = err));
    expect(thrown).to.be.instanceOf(WaitTimeoutError);
    expect(String(thrown)).to.match(/the cluster names no cause/);
  });
});
