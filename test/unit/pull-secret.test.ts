/**
 * --image-pull-secret: the flag's forms, the secret read once at the start (a
 * missing one is a usage error), its copy into each namespace the run makes,
 * and imagePullSecrets on every pod a namespace handle creates.
 */
import { expect } from 'chai';
import { ApiException, KubeConfig, type CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { run } from '../../cli/ra2/run.js';
import { CleanupStack } from '../../helpers/framework/cleanup.js';
import { createCheckNamespace } from '../../helpers/framework/namespace.js';
import {
  parsePullSecretRef,
  pullSecretCopy,
  pullSecretNamespace,
  readPullSecret,
  type PullSecret,
} from '../../helpers/framework/pull-secret.js';
import { runOptionsFrom, settingNamed, settingsFromEnv } from '../../helpers/framework/settings.js';
import { EnvironmentError, UsageError } from '../../helpers/k8s/errors.js';
import {
  NamespaceHandle,
  restrictedPodTemplate,
  withImagePullSecrets,
} from '../../helpers/k8s/namespace-handle.js';

function kubeConfig(namespace?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u', ...(namespace ? { namespace } : {}) }],
    currentContext: 'ctx',
  });
  return kc;
}

const regcred: PullSecret = {
  name: 'regcred',
  from: 'team/regcred',
  type: 'kubernetes.io/dockerconfigjson',
  data: { '.dockerconfigjson': 'e30=' },
};

/** A CoreV1Api that records calls; listSecretForAllNamespaces answers `secrets` (or throws). */
function fakeCore(secrets: object[] | Error = []) {
  const calls: { method: string; args: Record<string, unknown> }[] = [];
  const record =
    (method: string, answer: (args: Record<string, unknown>) => unknown = (a) => a.body) =>
    (args: Record<string, unknown>) => {
      calls.push({ method, args });
      return Promise.resolve(answer(args));
    };
  const core = {
    listSecretForAllNamespaces: (args: Record<string, unknown>) => {
      calls.push({ method: 'listSecretForAllNamespaces', args });
      return secrets instanceof Error
        ? Promise.reject(secrets)
        : Promise.resolve({ items: secrets });
    },
    createNamespace: record('createNamespace'),
    createNamespacedSecret: record('createNamespacedSecret'),
    createNamespacedPod: record('createNamespacedPod'),
  };
  return { core: core as unknown as CoreV1Api, calls };
}

describe('--image-pull-secret', () => {
  it('takes <name> or <namespace>/<name>, and refuses anything else', () => {
    expect(parsePullSecretRef('regcred')).to.deep.equal({ namespace: undefined, name: 'regcred' });
    expect(parsePullSecretRef('team/regcred')).to.deep.equal({
      namespace: 'team',
      name: 'regcred',
    });
    for (const bad of ['a/b/c', 'Reg_Cred', '/regcred', 'team/', '', 'Team/x'])
      expect(() => parsePullSecretRef(bad), bad).to.throw(UsageError);
  });

  it("looks a bare name up in the kubeconfig context's namespace, else default", () => {
    const ref = parsePullSecretRef('regcred');
    expect(pullSecretNamespace(ref, { kc: kubeConfig('team') })).to.equal('team');
    expect(pullSecretNamespace(ref, { kc: kubeConfig() })).to.equal('default');
    expect(
      pullSecretNamespace(parsePullSecretRef('ops/regcred'), { kc: kubeConfig('team') }),
    ).to.equal('ops');
  });

  it('is a setting of ra2 run and of the plugin (RA2_IMAGE_PULL_SECRET), handed to the runner', () => {
    expect(settingNamed('imagePullSecret').flag).to.equal('--image-pull-secret <name>');
    const { settings, problems } = settingsFromEnv({ RA2_IMAGE_PULL_SECRET: ' ops/regcred ' });
    expect(problems).to.deep.equal([]);
    expect(runOptionsFrom(settings).imagePullSecret).to.equal('ops/regcred');
    expect(settingsFromEnv({ RA2_IMAGE_PULL_SECRET: 'a/b/c' }).problems[0]).to.match(
      /^RA2_IMAGE_PULL_SECRET: "a\/b\/c" is not <name> or <namespace>\/<name>$/,
    );
  });

  it('ra2 run refuses a malformed one with exit 2 and one line', async () => {
    const err: string[] = [];
    const code = await run(['run', '--image-pull-secret', 'a/b/c'], {
      stdout: { write: () => true },
      stderr: { write: (t: string) => err.push(t) },
    });
    expect(code).to.equal(2);
    expect(err.join('')).to.match(
      /^ra2: .*--image-pull-secret.*is not <name> or <namespace>\/<name>\n$/,
    );
  });
});

describe('reading the pull secret at the start of a run', () => {
  const cluster = (core: CoreV1Api, namespace?: string) => ({
    kc: kubeConfig(namespace),
    core,
    server: 'https://127.0.0.1:6443',
  });

  it('reads the one secret, with the permission the role grants (list secrets)', async () => {
    const { core, calls } = fakeCore([
      {
        metadata: { name: 'regcred', namespace: 'team', resourceVersion: '7', uid: 'u' },
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': 'e30=' },
      },
    ]);
    expect(await readPullSecret(cluster(core, 'team'), 'regcred')).to.deep.equal(regcred);
    expect(calls).to.deep.equal([
      {
        method: 'listSecretForAllNamespaces',
        args: { fieldSelector: 'metadata.namespace=team,metadata.name=regcred' },
      },
    ]);
  });

  it('stops the run with one line when the secret is missing or holds no registry credentials', async () => {
    const missing = await readPullSecret(cluster(fakeCore([]).core), 'regcred').catch(
      (e: unknown) => e,
    );
    expect(missing).to.be.instanceOf(UsageError);
    expect((missing as Error).message).to.equal(
      "--image-pull-secret (RA2_IMAGE_PULL_SECRET): there is no secret regcred in namespace default (the kubeconfig context's namespace; name another as <namespace>/<name>)",
    );
    const opaque = fakeCore([{ metadata: { name: 'x' }, type: 'Opaque', data: {} }]).core;
    const wrongType = await readPullSecret(cluster(opaque), 'ops/x').catch((e: unknown) => e);
    expect(wrongType).to.be.instanceOf(UsageError);
    expect((wrongType as Error).message).to.contain('secret ops/x is of type Opaque');
  });

  it('says so when the credentials may not read it', async () => {
    const forbidden = new ApiException(403, 'secrets is forbidden', {}, {});
    const err = await readPullSecret(cluster(fakeCore(forbidden).core), 'ops/x').catch(
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(EnvironmentError);
    expect((err as Error).message).to.match(/cannot read secret ops\/x: .*403 Forbidden/);
  });
});

describe('the pull secret in the namespaces and pods of a run', () => {
  const labels = { 'ra2.anuket.io/run': 'r1', 'ra2.anuket.io/check': 'ra2.stg.001' };

  it("copies the secret into each check namespace, with the run's labels, before the check runs", async () => {
    const { core, calls } = fakeCore();
    const name = await createCheckNamespace({
      core,
      checkId: 'ra2.stg.001',
      labels,
      podSecurity: 'restricted',
      expiresAt: new Date(0),
      cleanup: new CleanupStack(),
      log: () => {},
      pullSecret: regcred,
    });
    expect(calls.map((c) => c.method)).to.deep.equal(['createNamespace', 'createNamespacedSecret']);
    expect(calls[1]?.args).to.deep.equal({
      namespace: name,
      body: pullSecretCopy(regcred, labels),
    });
    const copy = pullSecretCopy(regcred, labels);
    expect(copy.metadata).to.deep.include({ name: 'regcred', labels });
    expect(copy).to.deep.include({ type: regcred.type, data: regcred.data });
  });

  it('copies nothing without the flag', async () => {
    const { core, calls } = fakeCore();
    await createCheckNamespace({
      core,
      checkId: 'ra2.stg.001',
      labels,
      podSecurity: 'restricted',
      expiresAt: new Date(0),
      cleanup: new CleanupStack(),
      log: () => {},
    });
    expect(calls.map((c) => c.method)).to.deep.equal(['createNamespace']);
  });

  const handle = (core: CoreV1Api, imagePullSecrets?: string[]) =>
    new NamespaceHandle({
      kc: kubeConfig(),
      core,
      namespace: 'ra2-stg-001-abcde',
      labels,
      log: () => {},
      timeouts: { podStart: 1000, exec: 1000, pollInterval: 10 },
      imagePullSecrets,
    });

  it('puts imagePullSecrets on every pod the handle creates', async () => {
    const { core, calls } = fakeCore();
    await handle(core, ['regcred']).pods.create(restrictedPodTemplate('p', 'img', ['sh']));
    const body = calls[0]?.args.body as V1Pod;
    expect(body.spec?.imagePullSecrets).to.deep.equal([{ name: 'regcred' }]);
    expect(body.metadata?.labels).to.include(labels);
  });

  it('keeps the secrets a pod names already, and adds none without the flag', async () => {
    const { core, calls } = fakeCore();
    const own = restrictedPodTemplate('p', 'img', ['sh']);
    withImagePullSecrets(['mine'])(own);
    await handle(core, ['regcred', 'mine']).pods.create(own);
    await handle(core).pods.create(restrictedPodTemplate('q', 'img', ['sh']));
    expect((calls[0]?.args.body as V1Pod).spec?.imagePullSecrets).to.deep.equal([
      { name: 'mine' },
      { name: 'regcred' },
    ]);
    expect((calls[1]?.args.body as V1Pod).spec).not.to.have.property('imagePullSecrets');
  });
});
