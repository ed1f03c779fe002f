/**
 * NetworkPolicy matrix jig: create policies from templates, and observe which
 * client pods reach which server targets, polling until the observed matrix
 * matches the expected one or a deadline passes (policies take effect
 * asynchronously). It returns the last matrix either way; suites judge.
 *
 * A cell is reached after one successful attempt and blocked only after
 * several blocked attempts in a row (netexec.ts, connectivityOf). A step whose
 * only mismatches are paths that could not be observed or confirmed at the
 * deadline (exec or API failures, attempts too slow to confirm a block) throws:
 * the check is an error, never a verdict on the policy.
 */
import {
  NetworkingV1Api,
  type V1NetworkPolicy,
  type V1NetworkPolicySpec,
} from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { formatDuration } from '../k8s/duration.js';
import { oneLine } from '../k8s/errors.js';
import type { Tweak } from '../k8s/namespace-handle.js';
import { poll } from '../k8s/wait.js';
import {
  BLOCKED_IN_A_ROW,
  connectivityOf,
  observeConnects,
  type ConnectAttempt,
  type ConnectOutcome,
  type Connectivity,
  type PodExec,
} from './netexec.js';

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
  /** Where the path stands after every attempt of the step so far. */
  state: Connectivity;
  /** What the latest attempt printed (agnhost's stderr, or why the exec failed). */
  detail: string;
  /** Every attempt of the step so far, oldest first. */
  attempts?: readonly ConnectOutcome[];
}

export interface MatrixObservation {
  /** True when every cell matched its expectation on the last pass. */
  settled: boolean;
  cells: MatrixCell[];
  passes: number;
}

/** A NetworkPolicy for ingress to the pods `podSelector` selects; the handle labels it. */
function ingressPolicy(
  name: string,
  podSelector: Record<string, string>,
  ingress: V1NetworkPolicySpec['ingress'],
): V1NetworkPolicy {
  const spec = { podSelector: { matchLabels: podSelector }, policyTypes: ['Ingress'], ingress };
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name }, spec };
}

/** Denies all ingress to the pods `podSelector` selects (empty: every pod in the namespace). */
export function denyAllIngressPolicy(
  ctx: CheckContext,
  name: string,
  podSelector: Record<string, string>,
): V1NetworkPolicy {
  const policy = ingressPolicy(name, podSelector, []);
  policy.metadata!.labels = ctx.labels;
  return policy;
}

/** Allows ingress on TCP `port` to the selected pods from pods carrying `fromLabels` in the same namespace. */
export function allowIngressFromPodsPolicy(
  name: string,
  podSelector: Record<string, string>,
  fromLabels: Record<string, string>,
  port: number,
): V1NetworkPolicy {
  const from = [{ podSelector: { matchLabels: fromLabels } }];
  return ingressPolicy(name, podSelector, [{ _from: from, ports: [{ protocol: 'TCP', port }] }]);
}

function expectedState(cell: MatrixCell): Connectivity {
  return cell.expectReachable ? 'reached' : 'blocked';
}

export function matrixSettled(cells: readonly MatrixCell[]): boolean {
  return cells.every((c) => c.state === expectedState(c));
}

/**
 * Whether a path that does not match its expectation says something about the
 * policy. A path nothing could be learnt about does not. Nor does one that must
 * be blocked, was blocked on its latest attempts but not yet BLOCKED_IN_A_ROW
 * times in a row, and was never reached again once first blocked: its attempts
 * were too slow, or failed in between, to confirm the block by the deadline (a
 * loaded node, slow exec calls). A path reached after being blocked flaps: that
 * is the policy's doing.
 */
export function contradictsPolicy(cell: MatrixCell): boolean {
  if (cell.state === 'not-observed') return false;
  if (cell.state !== 'unconfirmed' || cell.expectReachable || !cell.attempts) return true;
  const sinceFirstBlock = cell.attempts.slice(cell.attempts.indexOf('blocked'));
  return sinceFirstBlock.includes('reached');
}

/**
 * What a step's last matrix says at its deadline: settled; contradicted (some
 * path was observed otherwise than expected, the policy's verdict); or
 * not-observed (every mismatch is a path the probe could not observe or
 * confirm: contradictsPolicy).
 */
export function matrixOutcome(
  cells: readonly MatrixCell[],
): 'settled' | 'contradicted' | 'not-observed' {
  const mismatched = cells.filter((c) => c.state !== expectedState(c));
  if (mismatched.length === 0) return 'settled';
  return mismatched.some(contradictsPolicy) ? 'contradicted' : 'not-observed';
}

const stateWords: Record<Connectivity, string> = {
  reached: 'reachable',
  blocked: 'blocked',
  unconfirmed: `blocked, but not yet ${BLOCKED_IN_A_ROW} times in a row`,
  'not-observed': 'not observed',
};

/** "client-a -> server 10.0.0.5:8080: blocked (expected reachable)" lines. */
export function renderMatrix(cells: readonly MatrixCell[]): string[] {
  return cells.map((c) => {
    const why = c.state === 'not-observed' ? ` [${c.detail}]` : '';
    const expected = c.expectReachable ? 'reachable' : 'blocked';
    return `${c.from} -> ${c.to} ${c.host}:${c.port}: ${stateWords[c.state]}${why} (expected ${expected})`;
  });
}

const attemptLetters: Record<ConnectOutcome, string> = {
  reached: 'R',
  blocked: 'B',
  'not-observed': '?',
};

/**
 * "reached,blocked,blocked" -> "RBB": every attempt of a step in order, so a
 * path that flapped shows when (a transient pass through a policy, or one
 * that came back).
 */
export function attemptHistory(attempts: readonly ConnectOutcome[]): string {
  return attempts.map((a) => attemptLetters[a]).join('');
}

/** renderMatrix for the cells that differ from the expectation, each with its attempts. */
export function renderMismatches(cells: readonly MatrixCell[]): string[] {
  const mismatched = cells.filter((c) => c.state !== expectedState(c));
  return renderMatrix(mismatched).map((line, i) => {
    const attempts = mismatched[i]!.attempts;
    return attempts
      ? `${line} attempts ${attemptHistory(attempts)} (R reached, B blocked, ? not observed)`
      : line;
  });
}

export class NetworkPolicyJig {
  constructor(
    private readonly ctx: CheckContext,
    private readonly pods: PodExec,
  ) {}

  /** The longest one pass of attempts may take: an exec's deadline and the poll interval. */
  private passBudgetMs(): number {
    return this.ctx.timeouts.exec + this.ctx.timeouts.pollInterval;
  }

  async create(policy: V1NetworkPolicy, tweak?: Tweak<V1NetworkPolicy>): Promise<V1NetworkPolicy> {
    const ns = await this.ctx.ns();
    return ns.createPolicy(policy, ...(tweak ? [tweak] : []));
  }

  async delete(name: string): Promise<void> {
    const namespace = (await this.ctx.ns()).name;
    await this.ctx.cluster.kc
      .makeApiClient(NetworkingV1Api)
      .deleteNamespacedNetworkPolicy({ name, namespace });
    this.ctx.log(`Deleted network policy ${namespace}/${name}`);
  }

  /**
   * One attempt per edge, all at once: a pass then lasts one connect timeout
   * however many edges there are, so the attempts in a row that confirm
   * "blocked" fit the policy deadline. Each client tries all of its targets in
   * one exec. An attempt that learns nothing is an outcome too.
   */
  async observe(edges: readonly MatrixEdge[]): Promise<ConnectAttempt[]> {
    const clients = [...new Set(edges.map((e) => e.from))];
    const byClient = new Map(
      await Promise.all(
        clients.map(async (from) => {
          const targets = edges.filter((e) => e.from === from);
          return [from, await observeConnects(this.pods, from, targets)] as const;
        }),
      ),
    );
    // A client's attempts come in the order of its edges.
    return edges.map((edge) => byClient.get(edge.from)!.shift()!);
  }

  /**
   * Observes the matrix until it matches the expectations or `timeoutMs`
   * passes; each cell is judged on every attempt of this step. Throws when the
   * step's only mismatches are paths that could not be observed.
   */
  async waitForMatrix(
    description: string,
    edges: readonly MatrixEdge[],
    timeoutMs: number,
  ): Promise<MatrixObservation> {
    const histories: ConnectOutcome[][] = edges.map(() => []);
    const onePass = async (): Promise<MatrixCell[]> =>
      (await this.observe(edges)).map((attempt, i) => {
        histories[i]!.push(attempt.outcome);
        const attempts = [...histories[i]!];
        return { ...edges[i]!, state: connectivityOf(attempts), detail: attempt.detail, attempts };
      });
    const ns = await this.ctx.ns();
    // A pass with a blocked path already waited out its connect timeout: the next starts at once.
    const passOptions = (ms: number) => ({ ...ns.pollOptions(ms), sliding: false });
    const polled = await poll(description, onePass, matrixSettled, passOptions(timeoutMs));
    let cells = polled.last ?? [];
    let passes = polled.polls;
    if (polled.done) return { settled: true, cells, passes };
    if (polled.lastError === undefined && onlyConfirming(cells)) {
      // The deadline is for the policy to take effect, and at it every path shows the
      // expected effect: what is left is confirming the blocks, a few passes more.
      const confirmed = await poll(
        `${description}: confirming the blocked paths`,
        onePass,
        (c) => matrixSettled(c) || !onlyConfirming(c),
        { ...passOptions(BLOCKED_IN_A_ROW * this.passBudgetMs()), maxPolls: BLOCKED_IN_A_ROW },
      );
      cells = confirmed.last ?? cells;
      passes += confirmed.polls;
      if (confirmed.lastError === undefined && matrixSettled(cells))
        return { settled: true, cells, passes };
    }
    this.ctx.log(`Matrix did not settle: ${renderMatrix(cells).join('; ')}`);
    if (polled.lastError !== undefined || matrixOutcome(cells) === 'not-observed')
      throw notObserved(description, timeoutMs, cells, polled.lastError);
    return { settled: false, cells, passes };
  }
}

/**
 * Whether the only mismatches are paths that must be blocked and were blocked
 * on their latest attempt, just not yet BLOCKED_IN_A_ROW times in a row.
 */
export function onlyConfirming(cells: readonly MatrixCell[]): boolean {
  const mismatched = cells.filter((c) => c.state !== expectedState(c));
  return (
    mismatched.length > 0 &&
    mismatched.every(
      (c) => !c.expectReachable && c.state === 'unconfirmed' && c.attempts?.at(-1) === 'blocked',
    )
  );
}

/** The error of a step nothing could be learnt about: the paths and why. */
function notObserved(
  description: string,
  timeoutMs: number,
  cells: readonly MatrixCell[],
  lastError: unknown,
): Error {
  const unobserved = renderMatrix(
    cells.filter((c) => c.state !== expectedState(c) && !contradictsPolicy(c)),
  );
  const why = lastError !== undefined ? oneLine(lastError) : unobserved.join('; ');
  return new Error(`could not observe ${description} within ${formatDuration(timeoutMs)}: ${why}`);
}

/** The two client pods a policy scenario expects: one carrying the allowed labels, one not. */
export const allowedClient = 'client-allowed';
export const otherClient = 'client-other';

/**
 * The two server pods a policy scenario expects: deny-all selects both, the allow rule only
 * `allowServer` (it also carries `allowServerLabels`).
 */
export const denyServer = 'server-deny';
export const allowServer = 'server-allow';
export const allowServerLabels: Readonly<Record<string, string>> = {
  'ra2.anuket.io/policy-target': 'allow-rule',
};

export interface PolicyStep {
  name: string;
  settled: boolean;
  /** Every cell of the last observation. */
  matrix: string[];
  /** Only the cells that differ from the expectation, each with its attempts. */
  mismatched: string[];
  /** Every cell's attempts in order ("client-other -> server-deny 10.0.0.5: BBB"): a transient pass shows here. */
  attempts: string[];
}

/** A server pod of the scenario: its name and its addresses (every family it has). */
export interface PolicyServer {
  name: string;
  ips: string[];
}

export interface PolicyScenario {
  servers: PolicyServer[];
  steps: PolicyStep[];
  /** The step that did not settle; the scenario stops there. */
  failedStep?: PolicyStep;
}

export interface PolicyScenarioPods {
  /** Addresses of the running `denyServer` and `allowServer` pods (every family each has). */
  serverIps: { deny: string[]; allow: string[] };
  /** Labels both servers carry: the deny-all policy selects them. */
  serverLabels: Record<string, string>;
  /** Labels `allowedClient` carries and `otherClient` does not. */
  allowedLabels: Record<string, string>;
  port: number;
}

/**
 * The allow/deny scenario every NetworkPolicy row shares, over each server
 * address: without policy both clients reach both servers; then, with a
 * deny-all ingress policy on both servers and an allow rule for the allowed
 * labels on `allowServer` only, neither client reaches `denyServer` and only
 * `allowedClient` reaches `allowServer`. The two policy states are observed
 * side by side on two servers rather than one after the other on one: the
 * evidence is the same (deny-all closes, the allow rule opens for the labelled
 * client only, and each server was seen open before), and the attempts that
 * confirm a block are made once instead of twice. The caller starts the pods
 * (where they run is its topology); the scenario stops at the first step that
 * does not settle.
 */
export async function runPolicyScenario(
  ctx: CheckContext,
  pods: PodExec,
  scenario: PolicyScenarioPods,
): Promise<PolicyScenario> {
  const { serverIps, serverLabels, allowedLabels, port } = scenario;
  const deny: PolicyServer = { name: denyServer, ips: serverIps.deny };
  const allow: PolicyServer = { name: allowServer, ips: serverIps.allow };
  const servers = [deny, allow];
  const edgesTo = (server: PolicyServer, allowed: boolean, other: boolean): MatrixEdge[] =>
    server.ips.flatMap((host) => [
      { from: allowedClient, to: server.name, host, port, expectReachable: allowed },
      { from: otherClient, to: server.name, host, port, expectReachable: other },
    ]);
  const policies = new NetworkPolicyJig(ctx, pods);
  const steps: PolicyStep[] = [];
  const step = async (name: string, expected: MatrixEdge[]): Promise<PolicyStep> => {
    const observed = await policies.waitForMatrix(name, expected, ctx.timeouts.networkPolicy);
    const done: PolicyStep = {
      name,
      settled: observed.settled,
      matrix: renderMatrix(observed.cells),
      mismatched: renderMismatches(observed.cells),
      attempts: observed.cells.map(
        (c) => `${c.from} -> ${c.to} ${c.host}: ${attemptHistory(c.attempts ?? [])}`,
      ),
    };
    steps.push(done);
    return done;
  };

  const open = await step('no policy: both clients reach both servers', [
    ...edgesTo(deny, true, true),
    ...edgesTo(allow, true, true),
  ]);
  if (!open.settled) return { servers, steps, failedStep: open };
  await Promise.all([
    policies.create(denyAllIngressPolicy(ctx, 'deny-all-ingress', serverLabels)),
    policies.create(
      allowIngressFromPodsPolicy(
        'allow-from-client',
        { ...serverLabels, ...allowServerLabels },
        allowedLabels,
        port,
      ),
    ),
  ]);
  const enforced = await step(
    `deny-all ingress on both servers and an allow rule on ${allowServer}: neither client reaches ${denyServer}, only the labelled client reaches ${allowServer}`,
    [...edgesTo(deny, false, false), ...edgesTo(allow, true, false)],
  );
  return enforced.settled ? { servers, steps } : { servers, steps, failedStep: enforced };
}
