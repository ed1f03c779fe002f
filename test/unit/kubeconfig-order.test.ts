/**
 * kubectl's kubeconfig order: --kubeconfig, then KUBECONFIG (a list, merged
 * with the first file winning), then ~/.kube/config, then the in-cluster
 * service account. A CI job in a pod with a kubeconfig for another cluster
 * must test the kubeconfig's cluster.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  connect,
  findCredentials,
  IN_CLUSTER_SOURCE,
  loadKubeConfig,
} from '../../helpers/k8s/cluster.js';
import { EnvironmentError } from '../../helpers/k8s/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ra2-kubeconfig-order-'));

function kubeconfig(name: string, context: string, server: string, current = true): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: ${context}
  cluster: { server: "${server}" }
users:
- name: ${context}
  user: { token: abc }
contexts:
- name: ${context}
  context: { cluster: ${context}, user: ${context} }
${current ? `current-context: ${context}` : ''}
`,
  );
  return file;
}

/** A HOME with ~/.kube/config, or without one. */
function home(withConfig: boolean): string {
  const root = mkdtempSync(path.join(dir, 'home-'));
  if (withConfig) {
    mkdirSync(path.join(root, '.kube'));
    writeFileSync(
      path.join(root, '.kube', 'config'),
      `apiVersion: v1
kind: Config
clusters: [{ name: home, cluster: { server: "https://home.example:6443" } }]
users: [{ name: home, user: { token: abc } }]
contexts: [{ name: home, context: { cluster: home, user: home } }]
current-context: home
`,
    );
  }
  return root;
}

/** A root under which the service account's token exists, as in a pod. */
function serviceAccountRoot(): string {
  const root = mkdtempSync(path.join(dir, 'pod-'));
  const account = path.join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
  mkdirSync(account, { recursive: true });
  writeFileSync(path.join(account, 'token'), 'in-cluster-token');
  writeFileSync(path.join(account, 'ca.crt'), '');
  return root;
}

const inPod = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

describe('kubeconfig order (kubectl)', () => {
  const flag = kubeconfig('flag', 'kind-flag', 'https://flag.example:6443');
  const listed = kubeconfig('listed', 'kind-basic', 'https://basic.example:6443');
  const other = kubeconfig('other', 'kind-other', 'https://other.example:6443');
  const root = serviceAccountRoot();

  it('--kubeconfig wins over KUBECONFIG, ~/.kube/config and the service account', () => {
    const loaded = loadKubeConfig({
      kubeconfig: flag,
      env: { ...inPod, KUBECONFIG: listed, HOME: home(true) },
      inClusterRoot: root,
    });
    expect(loaded.contextName).to.equal('kind-flag');
    expect(loaded.source).to.equal(`--kubeconfig ${flag}`);
  });

  it('KUBECONFIG wins over ~/.kube/config and over the in-cluster service account', () => {
    const loaded = loadKubeConfig({
      env: { ...inPod, KUBECONFIG: listed, HOME: home(true) },
      inClusterRoot: root,
    });
    expect(loaded.contextName).to.equal('kind-basic');
    expect(loaded.kc.getCurrentCluster()?.server).to.equal('https://basic.example:6443');
    expect(loaded.source).to.equal(`KUBECONFIG=${listed}`);
  });

  it('merges a KUBECONFIG list as kubectl does: first current context wins, missing files are ignored', () => {
    const noCurrent = kubeconfig('no-current', 'kind-none', 'https://none.example:6443', false);
    const list = [noCurrent, path.join(dir, 'absent'), other, listed].join(path.delimiter);
    const loaded = loadKubeConfig({ env: { KUBECONFIG: list, HOME: home(false) } });
    expect(loaded.contextName).to.equal('kind-other');
    expect(loaded.kc.getContexts().map((c) => c.name)).to.deep.equal([
      'kind-none',
      'kind-other',
      'kind-basic',
    ]);
    expect(
      loadKubeConfig({ env: { KUBECONFIG: list }, context: 'kind-basic' }).kc.getCurrentCluster()
        ?.server,
    ).to.equal('https://basic.example:6443');
  });

  it('a KUBECONFIG naming no existing file is one line, not a fall back to another cluster', () => {
    expect(() =>
      loadKubeConfig({
        env: { ...inPod, KUBECONFIG: path.join(dir, 'absent'), HOME: home(true) },
        inClusterRoot: root,
      }),
    ).to.throw(EnvironmentError, /KUBECONFIG=.*absent names no file that exists/);
  });

  it('~/.kube/config wins over the in-cluster service account', () => {
    const loaded = loadKubeConfig({ env: { ...inPod, HOME: home(true) }, inClusterRoot: root });
    expect(loaded.contextName).to.equal('home');
    expect(loaded.source).to.match(/\.kube\/config$/);
  });

  it('the in-cluster service account comes last', () => {
    expect(
      findCredentials({ env: { ...inPod, HOME: home(false) }, inClusterRoot: root }),
    ).to.deep.equal({
      source: IN_CLUSTER_SOURCE,
      root,
    });
    // client-node reads the service's address from the process environment.
    const saved = { ...process.env };
    Object.assign(process.env, inPod);
    delete process.env.KUBECONFIG;
    try {
      const cluster = connect({ env: { ...inPod, HOME: home(false) }, inClusterRoot: root });
      expect(cluster.contextName).to.equal('in-cluster');
      expect(cluster.source).to.equal(IN_CLUSTER_SOURCE);
      expect(cluster.server).to.equal('https://10.96.0.1:443');
    } finally {
      for (const key of Object.keys(inPod)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it('no kubeconfig and no service account: one line saying where it looked', () => {
    expect(() => loadKubeConfig({ env: { HOME: home(false) }, inClusterRoot: dir })).to.throw(
      EnvironmentError,
      /no kubeconfig: pass --kubeconfig, set KUBECONFIG or create ~\/\.kube\/config/,
    );
  });

  it('the connected cluster names its source and context', () => {
    const cluster = connect({ env: { KUBECONFIG: listed } });
    expect(cluster).to.include({
      contextName: 'kind-basic',
      server: 'https://basic.example:6443',
      source: `KUBECONFIG=${listed}`,
    });
  });
});
