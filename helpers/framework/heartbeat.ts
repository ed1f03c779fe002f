/**
 * Run liveness, made explicit: every run that touches the cluster keeps a
 * heartbeat, a coordination.k8s.io/v1 Lease named ra2-run-<runId> in a small
 * control namespace of its own (labelled like everything else of the run),
 * renewed every RENEW_INTERVAL_MS with holderIdentity "<hostname>/<pid>".
 *
 * Another run judges a run dead, and may delete its objects, when its lease is
 * missing, when the lease was not renewed for STALE_AFTER_MS, or when its
 * holder is a process on this same host that no longer exists. Anything else
 * is a live run, possibly on another machine, and is never touched. The
 * control namespace goes last when a run ends, so a run's heartbeat outlives
 * every object it made.
 */
import { hostname as osHostname } from 'node:os';
import {
  ApiException,
  CoordinationV1Api,
  V1MicroTime,
  type CoreV1Api,
  type V1Lease,
} from '@kubernetes/client-node';
import type { Cluster } from '../k8s/cluster.js';
import { podSecurityLabels, runControlLabels } from './labels.js';

export const RENEW_INTERVAL_MS = 10_000;
/** Three missed renewals: the run is gone or cut off from the cluster. */
export const STALE_AFTER_MS = 3 * RENEW_INTERVAL_MS;
/**
 * A run creates its control namespace, then its lease; a control namespace
 * younger than this without a lease belongs to a run that is still starting.
 */
export const LEASE_CREATION_GRACE_MS = STALE_AFTER_MS;

/** Control namespace and lease share the name "ra2-run-<runId>". */
export function controlName(runId: string): string {
  return `ra2-run-${runId.toLowerCase()}`;
}

export function holderIdentity(host: string = osHostname(), pid: number = process.pid): string {
  return `${host}/${pid}`;
}

/** "host/123" -> { host, pid }; undefined when the identity is not ours. */
export function parseHolder(
  identity: string | undefined,
): { host: string; pid: number } | undefined {
  if (!identity) return undefined;
  const slash = identity.lastIndexOf('/');
  const pid = Number(identity.slice(slash + 1));
  if (slash <= 0 || !Number.isInteger(pid) || pid <= 0) return undefined;
  return { host: identity.slice(0, slash), pid };
}

/** True unless signalling the pid says it does not exist (ESRCH); EPERM means it exists. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export interface RunTraces {
  /** The run's heartbeat, or undefined when there is none. */
  lease?: { holderIdentity?: string; renewTime?: Date };
  /** Creation time of the run's control namespace, or undefined when there is none. */
  controlNamespaceCreated?: Date;
}

export interface Judge {
  now: Date;
  /** This machine's host name, to recognise holders on the same host. */
  hostname: string;
  processExists: (pid: number) => boolean;
}

export type Liveness = { alive: boolean; reason: string };

const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;

/** Decides from a run's traces whether it is alive. Pure: the caller gathers the traces. */
export function judgeRun(traces: RunTraces, judge: Judge): Liveness {
  const { lease, controlNamespaceCreated } = traces;
  const now = judge.now.getTime();
  if (!lease) {
    if (
      controlNamespaceCreated &&
      now - controlNamespaceCreated.getTime() < LEASE_CREATION_GRACE_MS
    )
      return {
        alive: true,
        reason: `starting: control namespace created ${seconds(now - controlNamespaceCreated.getTime())} ago, lease not yet made`,
      };
    return { alive: false, reason: 'no heartbeat lease' };
  }
  const holder = parseHolder(lease.holderIdentity);
  if (holder && holder.host === judge.hostname && !judge.processExists(holder.pid))
    return { alive: false, reason: `its process ${lease.holderIdentity} no longer exists` };
  if (!lease.renewTime) return { alive: false, reason: 'heartbeat lease never renewed' };
  const age = now - lease.renewTime.getTime();
  if (age > STALE_AFTER_MS)
    return {
      alive: false,
      reason: `heartbeat last renewed ${seconds(age)} ago (stale after ${seconds(STALE_AFTER_MS)})`,
    };
  return {
    alive: true,
    reason: `heartbeat renewed ${seconds(Math.max(0, age))} ago by ${lease.holderIdentity ?? 'unknown'}`,
  };
}

/** Reads a run's heartbeat lease; undefined when it (or its namespace) does not exist. */
export async function readHeartbeat(
  cluster: Cluster,
  runId: string,
): Promise<RunTraces['lease'] | undefined> {
  const name = controlName(runId);
  try {
    const lease = await cluster.kc
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name, namespace: name });
    return {
      holderIdentity: lease.spec?.holderIdentity,
      renewTime: lease.spec?.renewTime ? new Date(lease.spec.renewTime) : undefined,
    };
  } catch (err) {
    if (err instanceof ApiException && (err as ApiException<unknown>).code === 404)
      return undefined;
    throw err;
  }
}

/**
 * This run's heartbeat: start() makes the control namespace and lease and
 * renews the lease in the background; stop() ends renewal and deletes the
 * control namespace (the lease goes with it).
 */
export class RunHeartbeat {
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private failures = 0;

  private constructor(
    private readonly core: CoreV1Api,
    private readonly leases: CoordinationV1Api,
    readonly runId: string,
    private readonly warn: (line: string) => void,
  ) {}

  get namespace(): string {
    return controlName(this.runId);
  }

  static async start(
    cluster: Cluster,
    runId: string,
    warn: (line: string) => void,
    intervalMs: number = RENEW_INTERVAL_MS,
  ): Promise<RunHeartbeat> {
    const heartbeat = new RunHeartbeat(
      cluster.core,
      cluster.kc.makeApiClient(CoordinationV1Api),
      runId,
      warn,
    );
    const name = heartbeat.namespace;
    const labels = runControlLabels(runId);
    await cluster.core.createNamespace({
      body: { metadata: { name, labels: { ...labels, ...podSecurityLabels('restricted') } } },
    });
    try {
      const now = new V1MicroTime();
      await heartbeat.leases.createNamespacedLease({
        namespace: name,
        body: {
          metadata: { name, labels },
          spec: {
            holderIdentity: holderIdentity(),
            leaseDurationSeconds: Math.ceil(STALE_AFTER_MS / 1000),
            acquireTime: now,
            renewTime: now,
          },
        },
      });
    } catch (err) {
      await heartbeat.deleteNamespace().catch(() => {});
      throw err;
    }
    heartbeat.timer = setInterval(() => {
      heartbeat.renewing ??= heartbeat.renew().finally(() => (heartbeat.renewing = undefined));
    }, intervalMs);
    heartbeat.timer.unref();
    return heartbeat;
  }

  private async renew(): Promise<void> {
    const name = this.namespace;
    try {
      const lease: V1Lease = await this.leases.readNamespacedLease({ name, namespace: name });
      lease.spec = { ...lease.spec, renewTime: new V1MicroTime() };
      await this.leases.replaceNamespacedLease({ name, namespace: name, body: lease });
      this.failures = 0;
    } catch (err) {
      // Warn on the first miss and when the lease is about to go stale; never fail the run.
      this.failures++;
      if (this.failures === 1 || this.failures === 2)
        this.warn(
          `could not renew the run's heartbeat lease ${name}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
        );
    }
  }

  /** Ends renewal and deletes the control namespace; the last cleanup step of a run. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.renewing;
    await this.deleteNamespace();
  }

  private async deleteNamespace(): Promise<void> {
    try {
      await this.core.deleteNamespace({ name: this.namespace });
    } catch (err) {
      if (err instanceof ApiException && (err as ApiException<unknown>).code === 404) return;
      throw err;
    }
  }
}
