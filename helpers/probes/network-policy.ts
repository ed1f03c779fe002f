/**
 * NetworkPolicy matrix jig: create policies from templates, and observe which
 * client pods reach which server targets, polling until the observed matrix
 * matches the expected one or a deadline passes (policies take effect
 * asynchronously). It returns the last matrix either way; suites judge.
 */
import { NetworkingV1Api, type V1NetworkPolicy } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { formatDuration } from '../k8s/duration.js';
import { sleep } from '../k8s/wait.js';
import type { PodJig, Tweak } from './pod.js';
import { tryConnect } from './netexec.js';

export interface MatrixEdge {
  /** Client pod name. */
  from: string;
  /** Name of the destination, for reports (e.g. the server pod). */
  to: string;
  host: string;
  port: number;
  expectReachable: boolean;
}

export interface MatrixCell extends MatrixEdge {
  reachable: boolean;
  detail: string;
}

export interface MatrixObservation {
  /** True when every cell matched its expectation on the last pass. */
  settled: boolean;
  cells: MatrixCell[];
  passes: number;
}

/** Denies all ingress to the pods `podSelector` selects (empty: every pod in the namespace). */
export function denyAllIngressPolicy(
  ctx: CheckContext,
  name: string,
  podSelector: Record<string, string>,
): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, labels: ctx.labels },
    spec: { podSelector: { matchLabels: podSelector }, policyTypes: ['Ingress'], ingress: [] },
  };
}

/** Allows ingress on TCP `port` to the selected pods from pods carrying `fromLabels` in the same namespace. */
export function allowIngressFromPodsPolicy(
  ctx: CheckContext,
  name: string,
  podSelector: Record<string, string>,
  fromLabels: Record<string, string>,
  port: number,
): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, labels: ctx.labels },
    spec: {
      podSelector: { matchLabels: podSelector },
      policyTypes: ['Ingress'],
      ingress: [
        {
          _from: [{ podSelector: { matchLabels: fromLabels } }],
          ports: [{ protocol: 'TCP', port }],
        },
      ],
    },
  };
}

export function matrixSettled(cells: readonly MatrixCell[]): boolean {
  return cells.every((c) => c.reachable === c.expectReachable);
}

/** "client-a -> server 10.0.0.5:8080: blocked (expected reachable)" lines. */
export function renderMatrix(cells: readonly MatrixCell[]): string[] {
  const word = (reachable: boolean) => (reachable ? 'reachable' : 'blocked');
  return cells.map(
    (c) =>
      `${c.from} -> ${c.to} ${c.host}:${c.port}: ${word(c.reachable)} (expected ${word(c.expectReachable)})`,
  );
}

export class NetworkPolicyJig {
  private readonly api: NetworkingV1Api;

  constructor(
    private readonly ctx: CheckContext,
    private readonly pods: PodJig,
  ) {
    this.api = ctx.cluster.kc.makeApiClient(NetworkingV1Api);
  }

  async create(policy: V1NetworkPolicy, tweak?: Tweak<V1NetworkPolicy>): Promise<V1NetworkPolicy> {
    tweak?.(policy);
    const created = await this.api.createNamespacedNetworkPolicy({
      namespace: this.pods.namespace,
      body: policy,
    });
    this.ctx.log(`Created network policy ${this.pods.namespace}/${created.metadata?.name ?? ''}`);
    return created;
  }

  async delete(name: string): Promise<void> {
    await this.api.deleteNamespacedNetworkPolicy({ name, namespace: this.pods.namespace });
    this.ctx.log(`Deleted network policy ${this.pods.namespace}/${name}`);
  }

  /** One pass over the edges, in order. */
  async observe(edges: readonly MatrixEdge[]): Promise<MatrixCell[]> {
    const cells: MatrixCell[] = [];
    for (const edge of edges) {
      const attempt = await tryConnect(this.pods, edge.from, edge.host, edge.port);
      cells.push({ ...edge, reachable: attempt.reachable, detail: attempt.detail });
    }
    return cells;
  }

  /** Observes the matrix until it matches the expectations or `timeoutMs` passes. */
  async waitForMatrix(
    description: string,
    edges: readonly MatrixEdge[],
    timeoutMs: number,
  ): Promise<MatrixObservation> {
    this.ctx.log(`Waiting up to ${formatDuration(timeoutMs)} for ${description}`);
    const deadline = Date.now() + timeoutMs;
    let passes = 0;
    for (;;) {
      this.ctx.signal.throwIfAborted();
      const cells = await this.observe(edges);
      passes++;
      if (matrixSettled(cells)) return { settled: true, cells, passes };
      if (Date.now() >= deadline) {
        this.ctx.log(`Matrix did not settle: ${renderMatrix(cells).join('; ')}`);
        return { settled: false, cells, passes };
      }
      await sleep(this.ctx.timeouts.pollInterval, this.ctx.signal);
    }
  }
}

/** The two client pods a policy scenario expects: one carrying the allowed labels, one not. */
export const allowedClient = 'client-allowed';
export const otherClient = 'client-other';

export interface PolicyStep {
  name: string;
  settled: boolean;
  /** Every cell of the last observation. */
  matrix: string[];
  /** Only the cells that differ from the expectation. */
  mismatched: string[];
}

export interface PolicyScenario {
  serverIps: string[];
  steps: PolicyStep[];
  /** The step that did not settle; the scenario stops there. */
  failedStep?: PolicyStep;
}

export interface PolicyScenarioPods {
  /** Addresses of the running server pod (every family it has). */
  serverIps: string[];
  serverLabels: Record<string, string>;
  /** Labels `allowedClient` carries and `otherClient` does not. */
  allowedLabels: Record<string, string>;
  port: number;
}

/**
 * The allow/deny scenario every NetworkPolicy row shares, over each server
 * address: without policy both clients reach the server; under a deny-all
 * ingress policy neither does; with an allow rule for the allowed labels only
 * `allowedClient` does. The caller starts the pods (where they run is its
 * topology); the scenario stops at the first step that does not settle.
 */
export async function runPolicyScenario(
  ctx: CheckContext,
  pods: PodJig,
  scenario: PolicyScenarioPods,
): Promise<PolicyScenario> {
  const { serverIps, serverLabels, allowedLabels, port } = scenario;
  const edges = (allowed: boolean, other: boolean): MatrixEdge[] =>
    serverIps.flatMap((host) => [
      { from: allowedClient, to: 'server', host, port, expectReachable: allowed },
      { from: otherClient, to: 'server', host, port, expectReachable: other },
    ]);
  const policies = new NetworkPolicyJig(ctx, pods);
  const steps: PolicyStep[] = [];
  const step = async (name: string, expected: MatrixEdge[]): Promise<PolicyStep> => {
    const observed = await policies.waitForMatrix(name, expected, ctx.timeouts.networkPolicy);
    const done: PolicyStep = {
      name,
      settled: observed.settled,
      matrix: renderMatrix(observed.cells),
      mismatched: renderMatrix(observed.cells.filter((c) => c.reachable !== c.expectReachable)),
    };
    steps.push(done);
    return done;
  };

  const open = await step('no policy: both clients reach the server', edges(true, true));
  if (!open.settled) return { serverIps, steps, failedStep: open };
  await policies.create(denyAllIngressPolicy(ctx, 'deny-all-ingress', serverLabels));
  const closed = await step(
    'deny-all ingress: neither client reaches the server',
    edges(false, false),
  );
  if (!closed.settled) return { serverIps, steps, failedStep: closed };
  await policies.create(
    allowIngressFromPodsPolicy(ctx, 'allow-from-client', serverLabels, allowedLabels, port),
  );
  const allowed = await step(
    'allow rule: only the labelled client reaches the server',
    edges(true, false),
  );
  return allowed.settled ? { serverIps, steps } : { serverIps, steps, failedStep: allowed };
}
