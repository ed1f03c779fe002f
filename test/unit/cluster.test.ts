import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ApiException } from '@kubernetes/client-node';
import { describeApiError, loadKubeConfig } from '../../helpers/k8s/cluster.js';
import { EnvironmentError } from '../../helpers/k8s/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ra2-kubeconfig-'));
function kubeconfigFile(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const valid = `apiVersion: v1
kind: Config
clusters:
- name: test
  cluster: { server: "https://127.0.0.1:6443" }
users:
- name: test
  user: { token: abc }
contexts:
- name: kind-test
  context: { cluster: test, user: test }
current-context: kind-test
`;

describe('kubeconfig loading and error classification', () => {
  it('loads a valid kubeconfig and picks the current context', () => {
    expect(
      loadKubeConfig({ kubeconfig: kubeconfigFile('ok', valid), env: {} }).contextName,
    ).to.equal('kind-test');
  });

  it('reports a missing file, malformed YAML and an unknown context in one line', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => loadKubeConfig({ kubeconfig: path.join(dir, 'absent'), env: {} }), /does not exist/],
      [
        () => loadKubeConfig({ kubeconfig: kubeconfigFile('bad', 'clusters: [: :'), env: {} }),
        /cannot read kubeconfig/,
      ],
      [
        () =>
          loadKubeConfig({ kubeconfig: kubeconfigFile('ok2', valid), context: 'nope', env: {} }),
        /context "nope" does not exist.*kind-test/,
      ],
    ];
    for (const [load, message] of cases) {
      try {
        load();
        expect.fail('should have thrown');
      } catch (err) {
        expect(err).to.be.instanceOf(EnvironmentError);
        expect((err as Error).message).to.match(message);
        expect((err as Error).message).to.not.contain('\n');
      }
    }
  });

  it('says when the kubeconfig has no current context', () => {
    const noCurrent = valid.replace('current-context: kind-test', '');
    expect(() => loadKubeConfig({ kubeconfig: kubeconfigFile('nc', noCurrent), env: {} })).to.throw(
      EnvironmentError,
      /no current context/,
    );
  });

  it('classifies API errors', () => {
    const server = 'https://127.0.0.1:6443';
    expect(describeApiError(new ApiException(401, 'Unauthorized', {}, {}), server)).to.match(
      /rejected the credentials/,
    );
    expect(describeApiError(new ApiException(403, 'Forbidden', {}, {}), server)).to.match(
      /not allowed/,
    );
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    expect(describeApiError(refused, server)).to.equal(
      `cannot reach the API server at ${server} (ECONNREFUSED)`,
    );
    const blockedPort = new TypeError('fetch failed', { cause: new Error('bad port') });
    expect(describeApiError(blockedPort, 'https://127.0.0.1:1')).to.match(
      /^cannot reach the API server at https:\/\/127\.0\.0\.1:1 \(.*blocked ports\)$/,
    );
    const other = new TypeError('fetch failed', { cause: new Error('something odd') });
    expect(describeApiError(other, server)).to.equal(
      `cannot talk to the API server at ${server}: fetch failed: something odd`,
    );
    const tls = Object.assign(new Error('x'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(describeApiError(tls, server)).to.match(/TLS/);
  });
});
