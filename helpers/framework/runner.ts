/**
 * The one runner shared by the CLI, the Sonobuoy entry point and the e2e
 * tests: refuse --focus/--skip patterns that match no row, plan the catalog's
 * rows, connect and preflight (the API, then the probe image when probes will
 * run), sweep leftovers, run the checks with a per-check deadline and cleanup,
 * stop at the run's deadline or signal, and tell the reporters.
 */
import { loadCatalog, sectionOf, DEFAULT_RELEASE } from '../../catalog/index.js';
import type { Catalog, CatalogRow, Profile } from '../../catalog/types.js';
import type { ProfileChoice } from './settings.js';
import type { Attestations } from './attestations.js';
import { CleanupStack } from './cleanup.js';
import {
  connect,
  describeApiError,
  preflight,
  type Cluster,
  type ConnectOptions,
} from '../k8s/cluster.js';
import type { CheckContext } from './context.js';
import { EnvironmentError, oneLine, PodEnvironmentError } from '../k8s/errors.js';
import { checkProbeImage } from './image-preflight.js';
import { probeImageFacts, startRunMetadata } from './run-metadata.js';
import { DEFAULT_PROBE_IMAGE, withImagePrefix } from './images.js';
import { componentLabel, newRunId, runControlLabels, runLabels } from './labels.js';
import { removeLeftovers } from './leftovers.js';
import { RunHeartbeat } from './heartbeat.js';
import { createCheckNamespace } from './namespace.js';
import { readPullSecret, type PullSecret } from './pull-secret.js';
import { resolveProfile } from './profile.js';
import {
  buildRunReport,
  CheckEnded,
  type Reporter,
  type RunInfo,
  type RunReport,
  NOT_IMPLEMENTED_REASON,
  type CheckResult,
  type Interruption,
  skip,
  resultFieldsOf,
  type Verdict,
} from './result.js';
import { bindSuites, type Check, type Suite } from './registry.js';
import { DEFAULT_PARALLEL, runScheduled } from './scheduler.js';
import { needsCluster, planChecks, requireMatches, type Plan } from './selection.js';
import { formatDuration } from '../k8s/duration.js';
import { defaultTimeouts, type Timeouts } from './timeouts.js';
import { NamespaceHandle } from '../k8s/namespace-handle.js';
import { WaitTimeoutError } from '../k8s/wait.js';

export type { ProfileChoice };
export { needsCluster, planChecks, type Plan };

export interface RunOptions {
  release?: string;
  kubeconfig?: string;
  context?: string;
  profile?: ProfileChoice;
  focus?: string[];
  skip?: string[];
  disruptive?: boolean;
  /** --all-nodes: per-node probes cover every node, not one sample per role/zone/instance type. */
  allNodes?: boolean;
  /** Per-check limit in ms. */
  timeoutMs?: number;
  /** Checks run at once (default DEFAULT_PARALLEL); disruptive and exclusive ones run alone. */
  parallel?: number;
  attestations?: Attestations;
  probeImage?: string;
  imagePrefix?: string;
  /** --image-pull-secret: "name" or "namespace/name", copied into the run's namespaces (pull-secret.ts). */
  imagePullSecret?: string;
  reporters?: Reporter[];
  /** Abort to interrupt the run (the entry points wire SIGINT/SIGTERM to it); the reason names the signal. */
  signal?: AbortSignal;
  /** Whole-run limit: when it passes the run stops as for a signal, with cause "deadline". */
  deadline?: RunDeadline;
  /** The checks to run: the composition root (cli/) passes the project's suites. */
  suites: readonly Suite[];
  /** Replaces connect() (tests). */
  connectCluster?: (options: ConnectOptions) => Cluster;
  /** Skips preflight, the API's and the probe image's (tests with a fake cluster). */
  skipPreflight?: boolean;
  /** How long the probe image may take to run before the run stops (image-preflight.ts). */
  imagePreflightTimeoutMs?: number;
  timeouts?: Partial<Timeouts>;
}

export interface RunDeadline {
  ms: number;
  /** How the user set it, for the message: "RA2_DEADLINE=2h50m". */
  setting?: string;
}

/**
 * The abort reason of an interrupted run. It carries the cause, so the rows
 * and the report say why the run stopped as data, not in a message to parse.
 */
export class RunInterrupted extends Error {
  override name = 'RunInterrupted';
  constructor(readonly interruption: Interruption) {
    super(interruption.detail);
  }
}

/** "deadline reached (RA2_DEADLINE=2h50m)" */
export function deadlineInterruption(deadline: RunDeadline): Interruption {
  return {
    cause: 'deadline',
    detail: `deadline reached (${deadline.setting ?? formatDuration(deadline.ms)})`,
  };
}

/** Why a row the interruption kept from starting has no verdict: "SIGTERM received: not run". */
export function notRunReason(interruption: Interruption): string {
  return `${interruption.detail}: not run`;
}

/** A caller's abort reason as an interruption: a RunInterrupted keeps its cause, anything else is a signal. */
function asRunInterrupted(reason: unknown): RunInterrupted {
  if (reason instanceof RunInterrupted) return reason;
  return new RunInterrupted({ cause: 'signal', detail: oneLine(reason ?? 'interrupted') });
}

interface RunStop {
  signal: AbortSignal;
  interruption(): Interruption | undefined;
  /** Stops the checks because the run cannot go on (the probe image cannot run). */
  halt: (cause: Error) => void;
  dispose(): void;
}

/** The run's stop: the caller's signal or the deadline, whichever comes first. */
function watchForStop(options: RunOptions, warn: (line: string) => void): RunStop {
  const controller = new AbortController();
  const stop = (reason: RunInterrupted) => {
    if (controller.signal.aborted) return;
    if (reason.interruption.cause === 'deadline')
      warn(`${reason.message}; stopping the checks and cleaning up`);
    controller.abort(reason);
  };
  const onSignal = () => stop(asRunInterrupted(options.signal?.reason));
  if (options.signal?.aborted) onSignal();
  options.signal?.addEventListener('abort', onSignal, { once: true });
  const { deadline } = options;
  const timer = deadline
    ? setTimeout(() => stop(new RunInterrupted(deadlineInterruption(deadline))), deadline.ms)
    : undefined;
  return {
    signal: controller.signal,
    halt: (cause) => stop(new RunInterrupted({ cause: 'environment', detail: oneLine(cause) })),
    interruption: () =>
      controller.signal.aborted
        ? asRunInterrupted(controller.signal.reason).interruption
        : undefined,
    dispose: () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onSignal);
    },
  };
}

/** Time a check gets after its deadline to clean up; the expiry annotation on its namespace. */
export const CLEANUP_GRACE_MS = 2 * 60_000;

async function notify(
  reporters: readonly Reporter[],
  call: (r: Reporter) => void | Promise<void>,
  warn: (line: string) => void,
) {
  for (const reporter of reporters) {
    try {
      await call(reporter);
    } catch (err) {
      warn(`reporter ${reporter.name} failed: ${oneLine(err)}`);
    }
  }
}

export async function runSuite(options: RunOptions): Promise<RunReport> {
  const warn = (line: string) => process.stderr.write(`ra2: ${line}\n`);
  const stop = watchForStop(options, warn);
  try {
    return await runUntilStopped(options, stop, warn);
  } finally {
    stop.dispose();
  }
}

async function runUntilStopped(
  options: RunOptions,
  stop: RunStop,
  warn: (line: string) => void,
): Promise<RunReport> {
  const catalog = loadCatalog(options.release ?? DEFAULT_RELEASE);
  const checks = bindSuites(catalog, options.suites);
  const timeouts: Timeouts = { ...defaultTimeouts, ...options.timeouts };
  if (options.timeoutMs) timeouts.check = options.timeoutMs;
  const reporters = options.reporters ?? [];
  const runId = newRunId();
  const startedAt = new Date().toISOString();
  const focus = options.focus ?? [];
  const skipPatterns = options.skip ?? [];
  const choice = options.profile ?? 'auto';
  requireMatches(
    checks.map((check) => check.row.id),
    { focus, skip: skipPatterns },
  );

  // Connect only if some row needs the cluster (or the profile must be read from it).
  const provisional = planChecks(checks, {
    focus,
    skip: skipPatterns,
    profile: choice === 'auto' ? 'network-intensive' : choice,
    disruptive: Boolean(options.disruptive),
    attestations: options.attestations,
  });
  let cluster: Cluster | undefined;
  let kubernetesVersion: string | undefined;
  if (needsCluster(provisional) || choice === 'auto') {
    cluster = (options.connectCluster ?? connect)({
      kubeconfig: options.kubeconfig,
      context: options.context,
    });
    if (!options.skipPreflight)
      kubernetesVersion = (await preflight(cluster, timeouts.apiCall)).gitVersion;
  }
  // A missing pull secret is a usage error before the run makes anything.
  const pullSecret =
    cluster && options.imagePullSecret
      ? await readPullSecret(cluster, options.imagePullSecret)
      : undefined;

  let profile: Profile = choice === 'auto' ? 'basic' : choice;
  let profileSource = 'given';
  if (choice === 'auto' && cluster) {
    try {
      const resolved = await resolveProfile(cluster.inventory);
      profile = resolved.profile;
      profileSource = `auto: ${resolved.reason}`;
    } catch (err) {
      throw new EnvironmentError(describeApiError(err, cluster.server));
    }
  }
  const plans = planChecks(checks, {
    focus,
    skip: skipPatterns,
    profile,
    disruptive: Boolean(options.disruptive),
    attestations: options.attestations,
  });

  const probeImage = withImagePrefix(
    options.probeImage ?? DEFAULT_PROBE_IMAGE,
    options.imagePrefix,
  );
  const info: RunInfo = {
    runId,
    release: catalog.release,
    releaseTitle: catalog.title,
    profile,
    profileSource,
    server: cluster?.server,
    context: cluster?.contextName,
    source: cluster?.source,
    kubernetesVersion,
    startedAt,
    total: plans.length,
    metadata: await startRunMetadata({
      options,
      release: catalog.release,
      cluster,
      timeoutMs: timeouts.apiCall,
      probeImage,
      noProbePod: !runsProbes(plans)
        ? 'not pulled: no probe row ran'
        : options.skipPreflight
          ? 'the image preflight was skipped'
          : undefined,
    }),
  };
  await notify(reporters, (r) => r.onRunStart?.(info), warn);

  // The heartbeat comes before any other object of this run and goes after all of them.
  let heartbeat: RunHeartbeat | undefined;
  if (cluster && needsCluster(plans) && !stop.signal.aborted) {
    try {
      heartbeat = await RunHeartbeat.start(cluster, runId, warn);
    } catch (err) {
      throw new EnvironmentError(
        `cannot create the run's control namespace: ${describeApiError(err, cluster.server)}`,
      );
    }
    try {
      await removeLeftovers(cluster, runId, warn);
    } catch (err) {
      warn(`could not remove leftovers of earlier runs: ${describeApiError(err, cluster.server)}`);
    }
  }

  const results: CheckResult[] = new Array<CheckResult>(plans.length);
  const runOne = async (index: number) => {
    const plan = plans[index] as Plan;
    await notify(reporters, (r) => r.onCheckStart?.(plan.check.row, index, plans.length), warn);
    let result: CheckResult;
    const interruption = stop.interruption();
    if (interruption) {
      result = {
        ...decidedResult(catalog, plan.check, skip(notRunReason(interruption))),
        interruption,
      };
    } else if (plan.notImplemented) {
      result = decidedResult(catalog, plan.check, skip(NOT_IMPLEMENTED_REASON), 'not-implemented');
    } else if (plan.decided) {
      result = decidedResult(catalog, plan.check, plan.decided);
    } else {
      result = await executeCheck(catalog, plan.check, {
        cluster: cluster as Cluster,
        runId,
        profile,
        timeouts,
        probeImage,
        pullSecret,
        attestations: options.attestations,
        allNodes: Boolean(options.allNodes),
        runSignal: stop.signal,
      });
    }
    results[index] = result;
    await notify(reporters, (r) => r.onCheckEnd?.(result, index, plans.length), warn);
  };
  try {
    const imagePreflight =
      heartbeat && cluster && !options.skipPreflight && runsProbes(plans)
        ? checkProbeImage({
            cluster,
            namespace: heartbeat.namespace,
            image: probeImage,
            pullSecret,
            labels: { ...runControlLabels(runId), [componentLabel]: 'image-preflight' },
            timeoutMs: options.imagePreflightTimeoutMs,
            pollIntervalMs: timeouts.pollInterval,
            signal: stop.signal,
            warn,
          }).then((preflight) => {
            if (info.metadata)
              info.metadata.probeImage = probeImageFacts(probeImage, preflight, '');
          })
        : undefined;
    const order = startOrder(plans);
    await runBesidePreflight(imagePreflight, stop.halt, () =>
      runScheduled({
        count: order.length,
        bound: options.parallel ?? DEFAULT_PARALLEL,
        alone: (i) => runsAlone(plans[order[i] as number] as Plan),
        run: (i) => runOne(order[i] as number),
      }),
    );
  } finally {
    if (heartbeat && cluster) {
      await heartbeat
        .stop()
        .catch((err: unknown) =>
          warn(
            `could not delete the run's control namespace ${heartbeat?.namespace ?? ''}: ${describeApiError(err, cluster?.server ?? '')}`,
          ),
        );
    }
  }
  const report = buildRunReport(info, results, new Date().toISOString(), stop.interruption());
  await notify(reporters, (r) => r.onRunEnd?.(report), warn);
  return report;
}

/**
 * Runs the checks while the probe image preflight goes on beside them (waiting for it first held
 * every check back about 3 s): a check's pod that cannot pull ends as an error at its first poll,
 * never a failure, and a failed preflight halts the checks and is thrown once they have ended, so
 * the run stops with the preflight's one line as before.
 */
export async function runBesidePreflight(
  preflight: Promise<void> | undefined,
  halt: (cause: Error) => void,
  runChecks: () => Promise<void>,
): Promise<void> {
  const failure = (preflight ?? Promise.resolve()).then(
    () => undefined,
    (err: unknown) => {
      const error = asError(err);
      halt(error);
      return error;
    },
  );
  await runChecks();
  const error = await failure;
  if (error) throw error;
}

/**
 * The order checks start in (indices into `plans`; results keep catalog
 * order): checks that run and declare a long wait first, then the others, each
 * group in catalog order. A long wait started first overlaps the rest of the
 * run instead of being its tail.
 */
export function startOrder(plans: readonly Plan[]): number[] {
  const waitsLong = (plan: Plan) =>
    !plan.decided && !plan.notImplemented && plan.check.options.longWait;
  const indices = plans.map((_, index) => index);
  return [
    ...indices.filter((i) => waitsLong(plans[i] as Plan)),
    ...indices.filter((i) => !waitsLong(plans[i] as Plan)),
  ];
}

/**
 * A check that changes what the others share (disruptive or exclusive) runs
 * with nothing beside it; a row decided without running its check never does.
 */
export function runsAlone(plan: Plan): boolean {
  if (plan.decided || plan.notImplemented) return false;
  return plan.check.options.disruptive || plan.check.options.exclusive;
}

/** Some row will schedule probe pods: the probe image must run before it does. */
export function runsProbes(plans: readonly Plan[]): boolean {
  return plans.some(
    (plan) => !plan.decided && !plan.notImplemented && plan.check.options.kind === 'probe',
  );
}

/** The check's sentence, copied onto its result when it has one. */
function observesOf(check: Check): Pick<CheckResult, 'observes'> {
  return check.options.observes ? { observes: check.options.observes } : {};
}

function sectionTitle(catalog: Catalog, row: CatalogRow): string {
  const section = sectionOf(catalog, row);
  return `${section.number} ${section.title}`;
}

/** The result of a row decided without running its check (plan, attestation, interruption). */
export function decidedResult(
  catalog: Catalog,
  check: Check,
  verdict: Verdict,
  status?: CheckResult['status'],
): CheckResult {
  return {
    ...resultFieldsOf(verdict),
    ...(status ? { status } : {}),
    row: check.row,
    sectionTitle: sectionTitle(catalog, check.row),
    kind: check.options.kind,
    ...observesOf(check),
    log: [],
    durationMs: 0,
    startedAt: new Date().toISOString(),
  };
}

interface ExecuteEnv {
  cluster: Cluster;
  runId: string;
  profile: Profile;
  timeouts: Timeouts;
  probeImage: string;
  pullSecret?: PullSecret;
  attestations?: Attestations;
  allNodes?: boolean;
  runSignal?: AbortSignal;
}

/** Runs one check body with its deadline, then its cleanup stack, whatever happened. */
export async function executeCheck(
  catalog: Catalog,
  check: Check,
  env: ExecuteEnv,
): Promise<CheckResult> {
  const { row } = check;
  const started = Date.now();
  const log: string[] = [];
  const write = (line: string) => log.push(`${new Date().toISOString()} ${line}`);
  const cleanup = new CleanupStack();
  const controller = new AbortController();
  const timeoutReason = new Error(`timed out after ${formatDuration(env.timeouts.check)}`);
  const timer = setTimeout(() => controller.abort(timeoutReason), env.timeouts.check);
  const onRunAbort = () => controller.abort(asRunInterrupted(env.runSignal?.reason));
  env.runSignal?.addEventListener('abort', onRunAbort, { once: true });
  const labels = runLabels(env.runId, row.id);
  let namespace: Promise<string> | undefined;
  let handle: Promise<NamespaceHandle> | undefined;

  const ctx: CheckContext = {
    row,
    runId: env.runId,
    cluster: env.cluster,
    profile: env.profile,
    probeImage: env.probeImage,
    timeouts: env.timeouts,
    allNodes: Boolean(env.allNodes),
    signal: controller.signal,
    labels,
    attestation: env.attestations?.get(row.id),
    log: write,
    defer: (description, run) => cleanup.push(description, run),
    namespace: () =>
      (namespace ??= createCheckNamespace({
        core: env.cluster.core,
        checkId: row.id,
        labels,
        podSecurity: check.options.podSecurity,
        expiresAt: new Date(started + env.timeouts.check + CLEANUP_GRACE_MS),
        cleanup,
        log: write,
        pullSecret: env.pullSecret,
      })),
    ns: () =>
      (handle ??= ctx.namespace().then(
        (name) =>
          new NamespaceHandle({
            kc: env.cluster.kc,
            core: env.cluster.core,
            namespace: name,
            labels,
            log: write,
            signal: controller.signal,
            timeouts: env.timeouts,
            imagePullSecrets: env.pullSecret ? [env.pullSecret.name] : undefined,
          }),
      )),
  };

  let outcome: Pick<
    CheckResult,
    | 'status'
    | 'message'
    | 'expected'
    | 'observed'
    | 'evidence'
    | 'interruption'
    | 'applicability'
    | 'attestation'
  >;
  let body: Promise<unknown> | undefined;
  try {
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(asError(controller.signal.reason)), {
        once: true,
      });
    });
    aborted.catch(() => {}); // only the race below consumes it
    const running = (check.body as NonNullable<Check['body']>)(ctx);
    body = running;
    outcome = resultFieldsOf(await Promise.race([running, aborted]));
  } catch (err) {
    if (err instanceof CheckEnded) {
      outcome = resultFieldsOf(err.verdict);
    } else if (err instanceof RunInterrupted) {
      // Cut short by a signal or the run's deadline, the check observed nothing
      // it could judge: skipped with the cause, never error, which counts like
      // a failure of the cluster. The CLI and the Sonobuoy plugin both report
      // this row, so they give the same verdict for the same interruption.
      write(`cut short: ${err.message}`);
      outcome = {
        status: 'skipped',
        message: `${err.message}: cut short after ${((Date.now() - started) / 1000).toFixed(0)}s, no verdict`,
        interruption: err.interruption,
      };
    } else {
      // Also a pod the platform cannot start (PodEnvironmentError): an error, never a failure.
      const evidence = errorEvidence(err);
      write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      outcome = { status: 'error', message: oneLine(err), evidence };
    }
  } finally {
    clearTimeout(timer);
    env.runSignal?.removeEventListener('abort', onRunAbort);
  }
  // A body cut short goes on until its next wait sees the abort: a create call
  // already sent (a namespace, a pod) still returns and registers its cleanup.
  // Give it a moment to get there, so the stack below deletes that object too;
  // anything it registers later is deleted at once (CleanupStack.push).
  if (controller.signal.aborted && body) await settledWithin(body, BODY_SETTLE_MS);
  try {
    await cleanup.runAll(write);
  } catch {
    // already logged by the stack; the verdict stands
  }
  return {
    ...outcome,
    row,
    sectionTitle: sectionTitle(catalog, row),
    kind: check.options.kind,
    ...observesOf(check),
    log,
    durationMs: Date.now() - started,
    startedAt: new Date(started).toISOString(),
  };
}

/** What an error of the check leaves as evidence: the last thing a wait saw, or the kubelet's reason. */
function errorEvidence(err: unknown): CheckResult['evidence'] {
  if (err instanceof WaitTimeoutError) return { lastSeen: err.lastSeen };
  if (err instanceof PodEnvironmentError)
    return {
      environmentProblem: {
        pod: err.pod,
        reason: err.reason,
        message: err.detail,
        ...(err.image ? { image: err.image } : {}),
        ...(err.node ? { node: err.node } : {}),
      },
    };
  return undefined;
}

/** How long an aborted check body may take to return from the call it was in, before its cleanup runs. */
export const BODY_SETTLE_MS = 10_000;

/** Waits until `work` settles, however it ends, or `ms` pass. */
async function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
