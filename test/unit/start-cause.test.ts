import type { CoreV1Event, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { expect } from 'chai';
import { clusterCauseOfNotReady } from '../../helpers/k8s/start-cause.js';

function pod(
  container: Partial<V1ContainerStatus> = {},
  scheduled: { status: string; reason?: string; message?: string } = { status: 'True' },
): V1Pod {
  return {
    metadata: { name: 'probe' },
    status: {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', ...scheduled }],
      containerStatuses: [
        {
          name: 'probe',
          image: 'agnhost',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'ContainerCreating' } },
          ...container,
        },
      ],
    },
  };
}

function event(type: string, reason: string, message: string, at: string): CoreV1Event {
  return {
    type,
    reason,
    message,
    lastTimestamp: new Date(at),
    involvedObject: { name: 'probe' },
    metadata: { name: `probe.${reason}` },
  };
}

describe('why a pod is not ready, as the cluster says', () => {
  it('names no cause for a scheduled pod still creating its container, with only Normal events', () => {
    const normal = [event('Normal', 'Scheduled', 'assigned to w1', '2026-01-01T00:00:00Z')];
    expect(clusterCauseOfNotReady(pod(), normal)).to.equal(undefined);
    expect(clusterCauseOfNotReady(undefined, [])).to.equal(undefined);
  });

  it('names the scheduler refusing the pod', () => {
    const refused = pod(
      {},
      {
        status: 'False',
        reason: 'Unschedulable',
        message: '0/3 nodes: Insufficient hugepages-2Mi.',
      },
    );
    expect(clusterCauseOfNotReady(refused, [])).to.equal(
      'not scheduled (Unschedulable: 0/3 nodes: Insufficient hugepages-2Mi.)',
    );
  });

  it('names a container waiting for another reason than being created, or one that ended or restarted', () => {
    const crashing = pod({
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } },
    });
    expect(clusterCauseOfNotReady(crashing, [])).to.equal(
      'container probe waiting (CrashLoopBackOff: back-off)',
    );
    const exited = pod({ state: { terminated: { exitCode: 2, reason: 'Error' } } });
    expect(clusterCauseOfNotReady(exited, [])).to.equal(
      'container probe exited with code 2 (Error)',
    );
    const restarted = pod({ state: { running: {} }, restartCount: 1 });
    expect(clusterCauseOfNotReady(restarted, [])).to.equal('container probe restarted 1 time(s)');
  });

  it('names the newest Warning event on the pod (a CNI that cannot set up the sandbox)', () => {
    const events = [
      event(
        'Warning',
        'FailedCreatePodSandBox',
        'plugin type="sriov" failed\n(add)',
        '2026-01-01T00:02:00Z',
      ),
      event('Warning', 'FailedMount', 'older', '2026-01-01T00:01:00Z'),
      event('Normal', 'Scheduled', 'assigned', '2026-01-01T00:03:00Z'),
    ];
    expect(clusterCauseOfNotReady(pod(), events)).to.equal(
      'Warning event FailedCreatePodSandBox: plugin type="sriov" failed (add)',
    );
  });
});
