/**
 * A run that cannot start (no server, a broken kubeconfig, an unknown
 * context, credentials without permissions) exits 2 with exactly one line on
 * stderr and no stack trace.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { EXIT_USAGE_OR_ENVIRONMENT } from '../../helpers/framework/result.js';
import { describeResult, lines, outputDir, runCli, type CliResult } from './support/cli.js';
import { isNotFound, openCluster, type TestCluster } from './support/cluster.js';
import { requireKubeconfig } from './support/env.js';
import { e2eTimeouts, withMargin } from './support/timeouts.js';

/** A kubeconfig with one cluster, one token user and one context named `context`. */
function tokenKubeconfig(
  file: string,
  server: string,
  token: string,
  caData?: string,
  context = 'e2e',
): string {
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'target',
          cluster: caData
            ? { server, 'certificate-authority-data': caData }
            : { server, 'insecure-skip-tls-verify': true },
        },
      ],
      users: [{ name: 'e2e', user: { token } }],
      contexts: [{ name: context, context: { cluster: 'target', user: 'e2e' } }],
      'current-context': context,
    }),
  );
  return file;
}

/** The contract for every environment error: exit 2, one line on stderr, no stack. */
function expectOneLineEnvironmentError(result: CliResult, pattern: RegExp): void {
  expect(result.exitCode, describeResult(result)).to.equal(EXIT_USAGE_OR_ENVIRONMENT);
  expect(lines(result.stderr), describeResult(result)).to.have.length(1);
  expect(result.stderr).to.match(/^ra2: /);
  expect(result.stderr).to.match(pattern);
  for (const stream of [result.stderr, result.stdout]) {
    expect(stream).to.not.match(/^\s+at /m);
    expect(stream).to.not.contain('node:internal');
  }
}

const runArgs = (kubeconfig: string, ...extra: string[]) => [
  'run',
  '--kubeconfig',
  kubeconfig,
  ...extra,
];

describe('ra2 run that cannot start', function () {
  this.timeout(withMargin(e2eTimeouts.environmentError));
  const dir = outputDir('env');

  /** A local port nothing listens on: bound, read, released. */
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  for (const [what, server] of [
    ['port 1 (on the Fetch block list)', () => Promise.resolve('https://127.0.0.1:1')],
    ['a closed port', async () => `https://127.0.0.1:${await closedPort()}`],
  ] as const) {
    it(`an unreachable server at ${what}: exit 2, one line naming the server`, async () => {
      const url = await server();
      const kubeconfig = tokenKubeconfig(
        path.join(dir, 'unreachable.kubeconfig'),
        url,
        'not-a-token',
      );
      const result = await runCli(runArgs(kubeconfig), e2eTimeouts.environmentError);
      expectOneLineEnvironmentError(result, /cannot reach the API server at /);
      expect(result.stderr).to.contain(url);
    });
  }

  it('a malformed kubeconfig file: exit 2, one line naming the file', async () => {
    const kubeconfig = path.join(dir, 'malformed.kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\nclusters: [: :\n  - {{{\n');
    const result = await runCli(runArgs(kubeconfig), e2eTimeouts.environmentError);
    expectOneLineEnvironmentError(result, /cannot read kubeconfig .*malformed\.kubeconfig/);
  });

  it('a context that does not exist: exit 2, one line naming it and the known ones', async () => {
    const kubeconfig = requireKubeconfig('basic');
    const known = openCluster(kubeconfig)
      .kc.getContexts()
      .map((c) => c.name);
    const result = await runCli(
      runArgs(kubeconfig, '--context', 'no-such-context'),
      e2eTimeouts.environmentError,
    );
    expectOneLineEnvironmentError(result, /context "no-such-context" does not exist/);
    for (const name of known) expect(result.stderr).to.contain(name);
  });

  describe('credentials lacking permissions', () => {
    const namespace = `ra2-e2e-rbac-${Date.now().toString(36)}`;
    const account = 'ra2-e2e-limited';
    let cluster: TestCluster;
    let created = false;

    before(async function () {
      this.timeout(e2eTimeouts.hook);
      cluster = openCluster(requireKubeconfig('basic'));
      const rbac = cluster.kc.makeApiClient(RbacAuthorizationV1Api);
      // Deliberately not labelled as the suite's: these are the test's fixtures.
      const labels = { 'ra2.anuket.io/e2e-fixture': 'rbac' };
      await cluster.core.createNamespace({ body: { metadata: { name: namespace, labels } } });
      created = true;
      await cluster.core.createNamespacedServiceAccount({
        namespace,
        body: { metadata: { name: account, labels } },
      });
      await rbac.createNamespacedRole({
        namespace,
        body: {
          metadata: { name: account, labels },
          rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
        },
      });
      await rbac.createNamespacedRoleBinding({
        namespace,
        body: {
          metadata: { name: account, labels },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: account },
          subjects: [{ kind: 'ServiceAccount', name: account, namespace }],
        },
      });
    });

    after(async function () {
      this.timeout(e2eTimeouts.hook);
      if (!created) return;
      await cluster.core.deleteNamespace({ name: namespace }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    });

    it('exit 2, one line naming the missing permissions', async () => {
      const token = await cluster.core.createNamespacedServiceAccountToken({
        name: account,
        namespace,
        body: { spec: { audiences: [], expirationSeconds: 600 } },
      });
      const target = cluster.kc.getCurrentCluster();
      expect(target?.caData, 'the basic kubeconfig embeds its CA').to.be.a('string');
      const kubeconfig = tokenKubeconfig(
        path.join(dir, 'limited.kubeconfig'),
        target?.server ?? '',
        token.status?.token ?? '',
        target?.caData,
        'limited',
      );
      const result = await runCli(runArgs(kubeconfig), e2eTimeouts.environmentError);
      expectOneLineEnvironmentError(result, /credentials of context "limited" lack permissions/);
      expect(result.stderr).to.match(/cannot .*list nodes/);
      expect(result.stderr).to.contain('create namespaces');
    });
  });
});
