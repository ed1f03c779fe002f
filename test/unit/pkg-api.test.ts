import { expect } from 'chai';
import { ClusterInventory } from '../../helpers/k8s/inventory.js';
import type { CoreV1Api, V1Pod, V1Secret } from '@kubernetes/client-node';
import type { Attestation } from '../../helpers/framework/attestations.js';
import type { CheckContext } from '../../helpers/framework/context.js';
import { bindSuites } from '../../helpers/framework/registry.js';
import { matchingPods } from '../../helpers/k8s/components.js';
import packaging from '../../suites/packaging.js';
import { judgePackageManagement, tillerPattern } from '../../suites/rules/packaging-api.js';
import { catalog } from './fixtures.js';

/** The pod of Helm v2's `helm init`: Deployment tiller-deploy in kube-system. */
const tillerPod: V1Pod = {
  metadata: {
    name: 'tiller-deploy-6fd89dd9c8-x2k7p',
    namespace: 'kube-system',
    labels: { app: 'helm', name: 'tiller' },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'tiller-deploy-6fd89dd9c8', uid: 'u' },
    ],
  },
  spec: {
    nodeName: 'w1',
    containers: [{ name: 'tiller', image: 'ghcr.io/helm/tiller:v2.17.0' }],
  },
  status: { phase: 'Running', containerStatuses: [{ ready: true } as never] },
};
const otherPod: V1Pod = {
  metadata: { name: 'coredns-1', namespace: 'kube-system' },
  spec: { nodeName: 'cp', containers: [{ name: 'coredns', image: 'coredns/coredns:1.11' }] },
};
/** Helm v3 keeps one Secret per release revision, labelled owner=helm and name=<release>. */
const release = (name: string, revision: number): V1Secret => ({
  metadata: {
    name: `sh.helm.release.v1.${name}.v${revision}`,
    namespace: 'apps',
    labels: { owner: 'helm', name, version: String(revision) },
  },
});

describe('ra2.pkg.001 API-based package management (suites/rules/packaging-api.ts)', () => {
  it('fails a running Tiller, naming its pod (red)', () => {
    const tiller = matchingPods([otherPod, tillerPod], tillerPattern);
    const verdict = judgePackageManagement(tiller, [release('web', 1)]);
    expect(verdict).to.deep.include({
      status: 'failed',
      expected: 'no cluster-side package manager component such as Tiller',
      observed: 'Tiller pods: kube-system/tiller-deploy-6fd89dd9c8-x2k7p on w1 (Running, ready)',
    });
  });

  it('passes Helm v3 releases stored through the API with no Tiller (green)', () => {
    const verdict = judgePackageManagement(matchingPods([otherPod], tillerPattern), [
      release('web', 1),
      release('web', 2),
      release('db', 1),
    ]);
    expect(verdict).to.deep.include({
      status: 'passed',
      summary:
        'no cluster-side package manager component (Tiller) runs; 2 Helm v3 release(s) stored through the API',
      evidence: { tillerPods: [], helmV3Releases: ['apps/web', 'apps/db'] },
    });
  });

  it('is not observed (skipped, not passed) with no Tiller and no trace of a package manager', () => {
    const verdict = judgePackageManagement([], []);
    expect(verdict.status).to.equal('skipped');
    expect(verdict.status === 'skipped' && verdict.applicability).to.equal(undefined);
  });
});

describe('ra2.pkg.001 check with and without an attestation (suites/packaging.ts)', () => {
  const attestation: Attestation = {
    attestedBy: 'ops@example.org',
    statement: 'Applications are deployed with Helm 3 from CI',
    evidence: 'pipeline config',
  };
  async function run(pods: V1Pod[], secrets: V1Secret[], attested?: Attestation) {
    const selectors: string[] = [];
    const core = {
      listPodForAllNamespaces: () => Promise.resolve({ items: pods }),
      listSecretForAllNamespaces: ({ labelSelector }: { labelSelector: string }) => {
        selectors.push(labelSelector);
        return Promise.resolve({ items: secrets });
      },
    };
    const ctx = {
      cluster: { core, inventory: new ClusterInventory(core as unknown as CoreV1Api) },
      attestation: attested,
      log: () => {},
    } as unknown as CheckContext;
    const check = bindSuites(catalog, [packaging]).find((c) => c.row.id === 'ra2.pkg.001')!;
    return { verdict: await check.body!(ctx), selectors };
  }

  it('fails a running Tiller even when a package manager is attested (red)', async () => {
    const { verdict } = await run([tillerPod], [], attestation);
    expect(verdict.status).to.equal('failed');
    expect(verdict.status === 'failed' && verdict.observed).to.include('tiller-deploy');
  });

  it('no trace and no attestation: not observed; the attestation stands in for the trace', async () => {
    const unattested = await run([otherPod], []);
    expect(unattested.selectors).to.deep.equal(['owner=helm']);
    expect(unattested.verdict.status).to.equal('skipped');
    const attested = await run([otherPod], [], attestation);
    expect(attested.verdict.status).to.equal('passed');
    expect(attested.verdict.status === 'passed' && attested.verdict.attestation).to.equal(
      attestation,
    );
  });

  it('passes on the Helm v3 release Secrets it finds, without an attestation (green)', async () => {
    const { verdict } = await run([otherPod], [release('web', 1)]);
    expect(verdict.status).to.equal('passed');
    expect(verdict.status === 'passed' && verdict.attestation).to.equal(undefined);
  });
});
