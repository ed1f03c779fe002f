/**
 * ra2.app.008's probe: workloads already running keep working while every
 * control-plane node is away. A netexec server runs on one worker and a
 * client on another; the client records, once a second, whether it reached
 * the server directly and through its Service. Every control-plane node
 * container is then paused through the Docker API (the nodes hang, as lost
 * masters would, and come back with their state), the API server is shown to
 * be unreachable, and after the pause the client's own log says what happened
 * meanwhile. Only kind clusters can be taken away like this from where the
 * suite runs; elsewhere the row is not observable and says so.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { controlPlanes, listNodes, nodeName } from '../k8s/nodes.js';
import {
  attemptsDuring,
  outageClientScript,
  outageProblems,
  parseAttempts,
  type Window,
} from './outage-log.js';
import { fail, pass, skip, type Verdict } from '../framework/result.js';
import { sleep, waitFor } from '../k8s/wait.js';
import { KindNodeJig, kindContainerName } from './kind-nodes.js';
import { hostPort } from './netexec.js';
import { restrictedPod, PodJig } from './pod.js';
import {
  hostnameOf,
  ipv4Of,
  NETEXEC_PORT,
  pinToNode,
  podIPs,
  serverOnNode,
  spreadWorkers,
} from './pod-network.js';
import { clusterIpService, createService, waitForReadyEndpoints } from './service.js';

/** Long enough for many attempts, short of the 40 s after which node leases count as lost. */
const OUTAGE_SECONDS = 25;
/** An API call that takes longer than this during the outage counts as unanswered. */
const API_PROBE_MS = 5_000;
const API_RETURN_MS = 3 * 60_000;

export async function controlPlaneOutageProbe(ctx: CheckContext): Promise<Verdict> {
  const nodes = await listNodes(ctx.cluster.core);
  const planes = controlPlanes(nodes);
  const containers = planes.map(kindContainerName);
  const evidence: Record<string, unknown> = { controlPlaneNodes: planes.map(nodeName) };
  if (planes.length === 0 || containers.some((c) => c === undefined))
    return skip(
      'not observable from inside a cluster: taking every control-plane node away needs them to be kind node containers and the Docker API; on other clusters the operator must demonstrate it',
      evidence,
    );
  const docker = new KindNodeJig();
  if (!(await docker.reachable()))
    return skip(
      'not observable from here: the control-plane nodes are kind containers, but the Docker API is not reachable from where the suite runs (e.g. inside Sonobuoy)',
      evidence,
    );
  const [serverNode, clientNode] = spreadWorkers(nodes);
  if (!serverNode || !clientNode)
    return fail(
      'two schedulable workers for a server and a client',
      `workers: ${spreadWorkers(nodes).map(nodeName).join(', ') || 'none'}`,
      evidence,
    );

  const jig = await PodJig.inCheckNamespace(ctx);
  const server = await jig.createAndWaitRunning(
    serverOnNode(ctx, 'server', serverNode, { app: 'outage-server' }),
  );
  const service = await createService(
    ctx,
    jig.namespace,
    clusterIpService(ctx, 'server', { app: 'outage-server' }, NETEXEC_PORT),
  );
  await waitForReadyEndpoints(ctx, jig.namespace, 'server', 1);
  const targets = {
    pod: `http://${hostPort(ipv4Of(podIPs(server)) ?? podIPs(server)[0] ?? '', NETEXEC_PORT)}/hostname`,
    service: `http://${hostPort(service.spec?.clusterIP ?? '', NETEXEC_PORT)}/hostname`,
  };
  const client = await jig.createAndWaitRunning(
    clientPod(ctx, clientNode, outageClientScript(targets)),
  );
  Object.assign(evidence, {
    serverNode: nodeName(serverNode),
    clientNode: nodeName(clientNode),
    targets,
  });

  const window = await takeControlPlaneAway(ctx, docker, containers as string[], evidence);
  const log = await ctx.cluster.core.readNamespacedPodLog({
    name: client.metadata!.name!,
    namespace: jig.namespace,
    container: 'probe',
  });
  const records = attemptsDuring(parseAttempts(log), window);
  const problems = [
    ...outageProblems(records, Object.keys(targets), Math.floor(OUTAGE_SECONDS / 3)),
    ...(await restartedPods(ctx, jig.namespace, ['server', 'client'])),
  ];
  Object.assign(evidence, { window, records });
  if (problems.length > 0)
    return fail(
      `pods already running keep serving while every control-plane node is away (${OUTAGE_SECONDS}s)`,
      problems.join('; '),
      evidence,
    );
  const summary = records.map((r) => `${r.target} ${r.attempts}/${r.attempts}`).join(', ');
  return pass(
    `with ${planes.length} control-plane node(s) paused for ${OUTAGE_SECONDS}s and the API server unreachable, running pods kept serving: ${summary} requests answered`,
    evidence,
  );
}

function clientPod(ctx: CheckContext, node: V1Node, script: string): V1Pod {
  const pod = restrictedPod(ctx, 'client', ['sh', '-c', script]);
  pinToNode(pod, hostnameOf(node));
  return pod;
}

/** Pauses every control-plane container for OUTAGE_SECONDS; returns the window they were away. */
async function takeControlPlaneAway(
  ctx: CheckContext,
  docker: KindNodeJig,
  containers: string[],
  evidence: Record<string, unknown>,
): Promise<Window> {
  const giveBack = () =>
    Promise.all(containers.map((c) => docker.unpause(c))).then(() => undefined);
  ctx.defer(`unpause control-plane containers ${containers.join(', ')}`, giveBack);
  ctx.log(`Pausing control-plane containers ${containers.join(', ')} for ${OUTAGE_SECONDS}s`);
  await Promise.all(containers.map((c) => docker.pause(c)));
  const from = Math.floor(Date.now() / 1000);
  let to: number;
  try {
    evidence.apiServerDuringOutage = await apiAnswers(ctx);
    if (evidence.apiServerDuringOutage !== 'unreachable')
      throw new Error(
        `the API server still answered with every control-plane node paused (${containers.join(', ')})`,
      );
    await sleep(OUTAGE_SECONDS * 1000 - API_PROBE_MS, ctx.signal);
  } finally {
    to = Math.ceil(Date.now() / 1000);
    await giveBack();
    ctx.log(`Unpaused control-plane containers ${containers.join(', ')}`);
  }
  await waitFor(
    'the API server to answer again after the outage',
    () => ctx.cluster.core.listNamespace({ limit: 1 }),
    () => true,
    {
      timeoutMs: API_RETURN_MS,
      intervalMs: ctx.timeouts.pollInterval,
      log: (line) => ctx.log(line),
      signal: ctx.signal,
    },
  );
  return { from, to };
}

async function apiAnswers(ctx: CheckContext): Promise<'answered' | 'unreachable'> {
  const call = ctx.cluster.core.listNamespace({ limit: 1 }).then(
    () => 'answered' as const,
    () => 'unreachable' as const,
  );
  const timeout = sleep(API_PROBE_MS, ctx.signal).then(() => 'unreachable' as const);
  return Promise.race([call, timeout]);
}

async function restartedPods(
  ctx: CheckContext,
  namespace: string,
  names: string[],
): Promise<string[]> {
  const pods = await Promise.all(
    names.map((name) => ctx.cluster.core.readNamespacedPod({ name, namespace })),
  );
  return pods.flatMap((p) => {
    const restarts = (p.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
    const name = p.metadata?.name ?? '';
    if (p.status?.phase !== 'Running') return [`${name} is ${p.status?.phase} after the outage`];
    return restarts > 0 ? [`${name} restarted ${restarts} time(s)`] : [];
  });
}
