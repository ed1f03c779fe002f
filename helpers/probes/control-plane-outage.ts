/**
 * ra2.app.008's jig: what running workloads do while every control-plane node
 * is away. A netexec server runs on one worker and a client on another; the
 * client records, once a second, whether it reached the server directly and
 * through its Service. Every control-plane node container is then paused
 * through the Docker API (the nodes hang, as lost masters would, and come back
 * with their state) and the API server is asked whether it still answers.
 * After the pause the jig returns the client's own record of the outage, the
 * pods and the nodes as they are afterwards. Observes only; the suite judges
 * (suites/rules/control-plane-outage.ts).
 */
import type { V1Node } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import type { NamespaceHandle } from '../k8s/namespace-handle.js';
import { isReady, listNodes, nodeName } from '../k8s/nodes.js';
import { sleep, waitFor } from '../k8s/wait.js';
import type { KindNodeJig } from './kind-nodes.js';
import { hostPort } from './netexec.js';
import {
  attemptsDuring,
  outageClientScript,
  parseAttempts,
  type TargetRecord,
  type Window,
} from './outage-log.js';
import { restrictedPod } from './pod.js';
import { ipv4Of, NETEXEC_PORT, podIPs, serverOnNode } from './pod-network.js';
import { clusterIpService, waitForReadyEndpoints } from './service.js';
import { pinToNode } from './tweaks.js';

/** An API call that takes longer than this during the outage counts as unanswered. */
const API_PROBE_MS = 5_000;
const API_RETURN_MS = 3 * 60_000;

export interface OutagePlan {
  docker: KindNodeJig;
  /** The kind containers of every control-plane node. */
  containers: string[];
  serverNode: V1Node;
  clientNode: V1Node;
  /** How long the control plane stays away. */
  seconds: number;
}

export interface PodAfter {
  name: string;
  phase?: string;
  restarts: number;
}

export interface ControlPlaneOutage {
  /** What the client asked for each second: name -> URL. */
  targets: Record<string, string>;
  /** Unix seconds: when the control plane was away. */
  window: Window;
  apiServerDuringOutage: 'answered' | 'unreachable';
  /** The client's own record, per target, of the attempts made strictly inside the window. */
  records: TargetRecord[];
  /** The server and client pods once the API answered again. */
  podsAfter: PodAfter[];
  /** Each node's Ready condition once the API answered again. */
  nodesReadyAfter: Record<string, boolean>;
}

export async function observeControlPlaneOutage(
  ctx: CheckContext,
  plan: OutagePlan,
): Promise<ControlPlaneOutage> {
  const ns = await ctx.ns();
  const targets = await startServerAndClient(ctx, ns, plan);
  const { window, apiServerDuringOutage } = await takeControlPlaneAway(ctx, plan);
  await waitFor(
    'the API server to answer again after the outage',
    () => ctx.cluster.core.listNamespace({ limit: 1 }),
    () => true,
    ns.pollOptions(API_RETURN_MS),
  );
  const log = await ctx.cluster.core.readNamespacedPodLog({
    name: 'client',
    namespace: ns.name,
    container: 'probe',
  });
  return {
    targets,
    window,
    apiServerDuringOutage,
    records: attemptsDuring(parseAttempts(log), window),
    podsAfter: await podsAfter(ctx, ns.name, ['server', 'client']),
    nodesReadyAfter: Object.fromEntries(
      (await listNodes(ctx.cluster.core)).map((n) => [nodeName(n), isReady(n)]),
    ),
  };
}

/** The server behind a Service, and the client recording its attempts; returns its targets. */
async function startServerAndClient(
  ctx: CheckContext,
  ns: NamespaceHandle,
  plan: OutagePlan,
): Promise<Record<string, string>> {
  const selector = { app: 'outage-server' };
  const server = await ns.pods.createRunning(
    serverOnNode(ctx, 'server', plan.serverNode, selector),
  );
  const service = await ns.createService(clusterIpService(ctx, 'server', selector, NETEXEC_PORT));
  await waitForReadyEndpoints(ctx, ns.name, 'server', 1);
  const serverIP = ipv4Of(podIPs(server)) ?? podIPs(server)[0] ?? '';
  const targets = {
    pod: `http://${hostPort(serverIP, NETEXEC_PORT)}/hostname`,
    service: `http://${hostPort(service.spec?.clusterIP ?? '', NETEXEC_PORT)}/hostname`,
  };
  await ns.pods.createRunning(
    restrictedPod(ctx, 'client', ['sh', '-c', outageClientScript(targets)]),
    pinToNode(plan.clientNode),
  );
  return targets;
}

/**
 * Pauses every control-plane container for the plan's seconds (ending at once
 * if the API server still answers: there is no outage to watch) and returns
 * the window they were away.
 */
async function takeControlPlaneAway(
  ctx: CheckContext,
  { docker, containers, seconds }: OutagePlan,
): Promise<Pick<ControlPlaneOutage, 'window' | 'apiServerDuringOutage'>> {
  const giveBack = () =>
    Promise.all(containers.map((c) => docker.unpause(c))).then(() => undefined);
  ctx.defer(`unpause control-plane containers ${containers.join(', ')}`, giveBack);
  ctx.log(`Pausing control-plane containers ${containers.join(', ')} for ${seconds}s`);
  await Promise.all(containers.map((c) => docker.pause(c)));
  const from = Math.floor(Date.now() / 1000);
  try {
    const apiServerDuringOutage = await apiAnswers(ctx);
    if (apiServerDuringOutage === 'unreachable')
      await sleep(seconds * 1000 - API_PROBE_MS, ctx.signal);
    return { window: { from, to: Math.ceil(Date.now() / 1000) }, apiServerDuringOutage };
  } finally {
    await giveBack();
    ctx.log(`Unpaused control-plane containers ${containers.join(', ')}`);
  }
}

async function apiAnswers(ctx: CheckContext): Promise<'answered' | 'unreachable'> {
  const call = ctx.cluster.core.listNamespace({ limit: 1 }).then(
    () => 'answered' as const,
    () => 'unreachable' as const,
  );
  const timeout = sleep(API_PROBE_MS, ctx.signal).then(() => 'unreachable' as const);
  return Promise.race([call, timeout]);
}

async function podsAfter(
  ctx: CheckContext,
  namespace: string,
  names: string[],
): Promise<PodAfter[]> {
  const pods = await Promise.all(
    names.map((name) => ctx.cluster.core.readNamespacedPod({ name, namespace })),
  );
  return pods.map((p) => ({
    name: p.metadata?.name ?? '',
    phase: p.status?.phase,
    restarts: (p.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0),
  }));
}
