/**
 * Why a pod did not become ready, as far as the cluster says. A probe pod that
 * is still not ready at the suite's deadline is a finding only when the cluster
 * names a cause: the scheduler refused it, the kubelet reports a container that
 * cannot start or keeps failing, or a Warning event on the pod (a CNI that
 * could not set up its sandbox, a volume that did not mount, a failing
 * readiness probe). A pod that was scheduled and is just slow, with none of
 * that, says nothing about the cluster's conformance: the wait was the
 * suite's, and the check is an error, not a failed requirement.
 */
import type { CoreV1Event, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';

/** Waiting reasons of a container that is on its way: no cause by themselves. */
const STARTING_REASONS: readonly string[] = ['ContainerCreating', 'PodInitializing'];

/** A kubelet or event message on one line (its lines joined, not cut). */
export function joinLines(text: string | undefined): string {
  return (text ?? '').replace(/\s*\n\s*/g, ' ').trim();
}

function unschedulable(pod: V1Pod): string | undefined {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status !== 'False') return undefined;
  return `not scheduled (${scheduled.reason ?? 'no reason'}: ${joinLines(scheduled.message)})`;
}

function containerCause(status: V1ContainerStatus): string | undefined {
  const waiting = status.state?.waiting;
  if (waiting?.reason && !STARTING_REASONS.includes(waiting.reason))
    return `container ${status.name} waiting (${waiting.reason}: ${joinLines(waiting.message)})`;
  const ended = status.state?.terminated ?? status.lastState?.terminated;
  if (ended)
    return `container ${status.name} exited with code ${ended.exitCode} (${ended.reason ?? 'no reason'})`;
  if ((status.restartCount ?? 0) > 0)
    return `container ${status.name} restarted ${status.restartCount} time(s)`;
  return undefined;
}

function eventTime(event: CoreV1Event): number {
  const at = event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp;
  return at ? new Date(at).getTime() : 0;
}

/**
 * The cluster's cause for the pod not being ready, or undefined when it names
 * none. `events` are the pod's events; only Warning ones count.
 */
export function clusterCauseOfNotReady(
  pod: V1Pod | undefined,
  events: readonly CoreV1Event[],
): string | undefined {
  if (pod) {
    const fromScheduler = unschedulable(pod);
    if (fromScheduler) return fromScheduler;
    const statuses = [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ];
    for (const status of statuses) {
      const cause = containerCause(status);
      if (cause) return cause;
    }
  }
  const warning = events
    .filter((e) => e.type === 'Warning')
    .sort((a, b) => eventTime(a) - eventTime(b))
    .at(-1);
  if (warning) return `Warning event ${warning.reason ?? ''}: ${joinLines(warning.message)}`;
  return undefined;
}
