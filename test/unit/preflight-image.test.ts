/**
 * A probe image the nodes cannot pull is the platform's problem, not the
 * cluster's non-conformance: the run stops at once with one line (the image
 * preflight), and a pod wait inside a check ends at once as an error of that
 * check, never as a "did not start" finding.
 */
import { ClusterInventory } from '../../helpers/k8s/inventory.js';
import { expect } from 'chai';
import type {
  CoreV1Api,
  KubeConfig,
  V1ContainerStateWaiting,
  V1Node,
  V1Pod,
} from '@kubernetes/client-node';
import type { Cluster } from '../../helpers/k8s/cluster.js';
import { EnvironmentError, PodEnvironmentError } from '../../helpers/k8s/errors.js';
import {
  NamespaceHandle,
  podEnvironmentProblem,
  throwIfCannotStart,
} from '../../helpers/k8s/namespace-handle.js';
import {
  checkProbeImage,
  IMAGE_PREFLIGHT_POD,
  pickPreflightNode,
  preflightFailure,
} from '../../helpers/framework/image-preflight.js';
import { executeCheck, runBesidePreflight, runsProbes } from '../../helpers/framework/runner.js';
import { bindSuites, defineSuite } from '../../helpers/framework/registry.js';
import { planChecks } from '../../helpers/framework/selection.js';
import { pass } from '../../helpers/framework/result.js';
import { defaultTimeouts } from '../../helpers/framework/timeouts.js';
import { loadCatalog, DEFAULT_RELEASE } from '../../catalog/index.js';

const pullError: V1ContainerStateWaiting = {
  reason: 'ErrImagePull',
  message:
    'failed to pull and unpack image "registry.invalid/agnhost:2.53": failed to resolve reference\nno such host',
};

function pod(waiting?: V1ContainerStateWaiting, phase = 'Pending', init = false): V1Pod {
  const status = {
    name: 'probe',
    image: 'registry.invalid/agnhost:2.53',
    imageID: '',
    ready: false,
    restartCount: 0,
    state: waiting ? { waiting } : { running: {} },
  };
  return {
    metadata: { name: 'p', namespace: 'ns' },
    spec: { nodeName: 'worker-1', containers: [] },
    status: {
      phase,
      ...(init ? { initContainerStatuses: [status] } : { containerStatuses: [status] }),
    },
  };
}

/** A CoreV1Api that answers every read of a pod with `seen`, and records what it is asked. */
function fakeCore(seen: () => V1Pod, nodes: V1Node[] = []) {
  const calls: string[] = [];
  const core = {
    createNamespacedPod: ({ body }: { body: V1Pod }) => {
      calls.push(`create ${body.metadata?.name ?? ''} on ${body.spec?.nodeName ?? ''}`);
      return Promise.resolve(body);
    },
    readNamespacedPod: () => {
      calls.push('read');
      return Promise.resolve(seen());
    },
    deleteNamespacedPod: ({ name }: { name: string }) => {
      calls.push(`delete ${name}`);
      return Promise.resolve({});
    },
    listNamespacedEvent: () => Promise.resolve({ items: [] }),
    listNode: () => Promise.resolve({ items: nodes }),
  };
  return { core: core as unknown as CoreV1Api, calls };
}

function handle(core: CoreV1Api): NamespaceHandle {
  return new NamespaceHandle({
    kc: {} as KubeConfig,
    core,
    namespace: 'ns',
    labels: {},
    log: () => {},
    timeouts: { podStart: 60_000, exec: 1_000, pollInterval: 1 },
  });
}

function node(
  name: string,
  options: { controlPlane?: boolean; ready?: boolean; taint?: string } = {},
): V1Node {
  return {
    metadata: {
      name,
      labels: options.controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {},
    },
    spec: options.taint ? { taints: [{ key: 'k', effect: options.taint }] } : {},
    status: {
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
    },
  };
}

describe('pod statuses the platform cannot get past', () => {
  it('classifies the kubelet reasons of an environment problem', () => {
    for (const reason of [
      'ErrImagePull',
      'ImagePullBackOff',
      'InvalidImageName',
      'CreateContainerConfigError',
    ]) {
      expect(podEnvironmentProblem(pod({ reason, message: 'm' }))).to.deep.include({
        reason,
        message: 'm',
        node: 'worker-1',
        image: 'registry.invalid/agnhost:2.53',
      });
    }
    expect(podEnvironmentProblem(pod(pullError, 'Pending', true))?.reason).to.equal('ErrImagePull');
    expect(podEnvironmentProblem(pod(pullError))?.message).to.not.contain('\n');
  });

  it('does not classify a pod that is starting, running or waiting for a reason of the check', () => {
    expect(podEnvironmentProblem(pod({ reason: 'ContainerCreating' }))).to.equal(undefined);
    expect(podEnvironmentProblem(pod({ reason: 'CrashLoopBackOff' }))).to.equal(undefined);
    expect(podEnvironmentProblem(pod(undefined, 'Running'))).to.equal(undefined);
    expect(podEnvironmentProblem({ metadata: { name: 'unscheduled' } })).to.equal(undefined);
  });

  it('throws a PodEnvironmentError naming pod, node, reason and message', () => {
    expect(() => throwIfCannotStart(pod(pullError))).to.throw(
      PodEnvironmentError,
      /^pod ns\/p cannot start on node worker-1: ErrImagePull: failed to pull .* no such host$/,
    );
  });

  it('ends a pod wait at the first poll, and tryStart does not turn it into a "did not start" observation', async () => {
    const { core, calls } = fakeCore(() =>
      pod({ reason: 'ImagePullBackOff', message: 'Back-off' }),
    );
    const started = Date.now();
    const err = await handle(core)
      .pods.tryStart({ metadata: { name: 'p' } })
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(PodEnvironmentError);
    expect((err as PodEnvironmentError).reason).to.equal('ImagePullBackOff');
    expect(calls.filter((c) => c === 'read')).to.have.length(1);
    expect(Date.now() - started).to.be.below(5_000);
  });

  it('makes the row an error with the cause, never a failure', async () => {
    const catalog = loadCatalog(DEFAULT_RELEASE);
    const suite = defineSuite('kubernetes', (spec) =>
      spec('ra2.k8s.001', { kind: 'probe', observes: 'a pod' }, async (ctx) => {
        const ns = await ctx.ns();
        const started = await ns.pods.tryStart({ metadata: { name: 'p' } });
        return started.started ? pass('ran') : pass('never: not started is a finding');
      }),
    );
    const [check] = bindSuites(catalog, [suite]);
    const { core } = fakeCore(() => pod(pullError));
    const cluster = {
      kc: {} as KubeConfig,
      core: Object.assign(core, {
        createNamespace: () => Promise.resolve({}),
        deleteNamespace: () => Promise.resolve({}),
      }),
      inventory: new ClusterInventory(core),
      server: 'https://fake.invalid',
      contextName: 'fake',
      source: 'test',
    } as unknown as Cluster;
    const result = await executeCheck(catalog, check as NonNullable<typeof check>, {
      cluster,
      runId: 'run',
      profile: 'basic',
      timeouts: { ...defaultTimeouts, pollInterval: 1 },
      probeImage: 'registry.invalid/agnhost:2.53',
    });
    expect(result.status).to.equal('error');
    expect(result.message).to.match(/cannot start on node worker-1: ErrImagePull/);
    expect(result.evidence).to.deep.include({
      environmentProblem: {
        pod: 'ns/p',
        reason: 'ErrImagePull',
        message: pullError.message?.replace('\n', ' '),
        image: 'registry.invalid/agnhost:2.53',
        node: 'worker-1',
      },
    });
  });
});

describe('the probe image preflight', () => {
  it('picks a ready worker without NoSchedule taints; else any node that takes pods', () => {
    const name = (n: V1Node | undefined) => n?.metadata?.name;
    expect(
      name(
        pickPreflightNode([
          node('cp', { controlPlane: true }),
          node('tainted', { taint: 'NoSchedule' }),
          node('down', { ready: false }),
          node('worker'),
        ]),
      ),
    ).to.equal('worker');
    expect(
      name(
        pickPreflightNode([node('w', { taint: 'NoExecute' }), node('cp', { controlPlane: true })]),
      ),
    ).to.equal('cp');
    expect(pickPreflightNode([node('cp', { controlPlane: true, taint: 'NoSchedule' })])).to.equal(
      undefined,
    );
  });

  it('says in one line the image, the node, the reason and the settings that fix it', () => {
    const line = preflightFailure(
      'registry.invalid/agnhost:2.53',
      'worker-1',
      'ErrImagePull: nope',
    );
    expect(line).to.match(
      /^the probe image registry\.invalid\/agnhost:2\.53 cannot run on node worker-1: ErrImagePull: nope; /,
    );
    expect(line).to.contain('--probe-image (RA2_PROBE_IMAGE)');
    expect(line).to.contain('--image-prefix (RA2_IMAGE_PREFIX)');
    expect(line).to.not.contain('\n');
  });

  it('stops the run with an EnvironmentError and deletes its pod', async () => {
    const { core, calls } = fakeCore(
      () => pod(pullError),
      [node('cp', { controlPlane: true }), node('worker-1')],
    );
    const err = await checkProbeImage({
      cluster: {
        kc: {} as KubeConfig,
        core,
        inventory: new ClusterInventory(core),
      } as unknown as Cluster,
      namespace: 'ra2-run-x',
      image: 'registry.invalid/agnhost:2.53',
      labels: {},
      pollIntervalMs: 1,
      warn: () => {},
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(EnvironmentError);
    expect((err as Error).message).to.match(
      /^the probe image registry\.invalid\/agnhost:2\.53 cannot run on node worker-1: ErrImagePull: failed to pull/,
    );
    expect((err as Error).message).to.not.contain('\n');
    expect(calls[0]).to.equal(`create ${IMAGE_PREFLIGHT_POD} on worker-1`);
    expect(calls.at(-1)).to.equal(`delete ${IMAGE_PREFLIGHT_POD}`);
  });

  it('passes when the pod runs, and still deletes it', async () => {
    const running = pod(undefined, 'Running');
    running.status?.containerStatuses?.forEach((c) => (c.ready = true));
    const { core, calls } = fakeCore(() => running, [node('worker-1')]);
    const seen = await checkProbeImage({
      cluster: {
        kc: {} as KubeConfig,
        core,
        inventory: new ClusterInventory(core),
      } as unknown as Cluster,
      namespace: 'ra2-run-x',
      image: 'agnhost',
      labels: {},
      pollIntervalMs: 1,
      warn: () => {},
    });
    expect(seen.node).to.equal('worker-1');
    expect(calls.at(-1)).to.equal(`delete ${IMAGE_PREFLIGHT_POD}`);
  });

  it('runs only when some probe row will execute', () => {
    const catalog = loadCatalog(DEFAULT_RELEASE);
    const suite = defineSuite('kubernetes', (spec) => {
      spec('ra2.k8s.001', { kind: 'probe', observes: 'a pod' }, () => Promise.resolve(pass('ok')));
      spec('ra2.k8s.002', { kind: 'inspect', observes: 'the API' }, () =>
        Promise.resolve(pass('ok')),
      );
    });
    const checks = bindSuites(catalog, [suite]);
    const plan = (focus: string[]) =>
      planChecks(checks, { focus, skip: [], profile: 'basic', disruptive: false });
    expect(runsProbes(plan(['ra2.k8s.001']))).to.equal(true);
    expect(runsProbes(plan(['ra2.k8s.002']))).to.equal(false);
  });

  describe('beside the checks', () => {
    it('starts the checks without waiting for the preflight, and ends when both have', async () => {
      const order: string[] = [];
      let finishPreflight: () => void = () => {};
      const preflight = new Promise<void>((resolve) => (finishPreflight = resolve)).then(() => {
        order.push('preflight ended');
      });
      const ran = runBesidePreflight(
        preflight,
        () => order.push('halted'),
        () => {
          order.push('checks ran');
          finishPreflight();
          return Promise.resolve();
        },
      );
      await ran;
      expect(order).to.deep.equal(['checks ran', 'preflight ended']);
    });

    it('halts the checks when the image cannot run, and throws its one line once they ended', async () => {
      const stop = new AbortController();
      const line =
        'the probe image registry.invalid/agnhost:2.53 cannot run on node worker-1: ErrImagePull';
      const events: string[] = [];
      const err = await runBesidePreflight(
        Promise.reject(new EnvironmentError(line)),
        (cause) => {
          events.push(`halted: ${cause.message}`);
          stop.abort(cause);
        },
        () =>
          new Promise<void>((resolve) =>
            stop.signal.addEventListener('abort', () => {
              events.push('check stopped');
              resolve();
            }),
          ),
      ).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(EnvironmentError);
      expect((err as Error).message).to.equal(line);
      expect(events).to.deep.equal([`halted: ${line}`, 'check stopped']);
    });

    it('runs the checks alone when no preflight is due', async () => {
      let halted = false;
      let ran = false;
      await runBesidePreflight(
        undefined,
        () => (halted = true),
        () => {
          ran = true;
          return Promise.resolve();
        },
      );
      expect({ ran, halted }).to.deep.equal({ ran: true, halted: false });
    });
  });
});
