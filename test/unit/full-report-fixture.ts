/**
 * A representative full report: every status and finding, an attested pass
 * and an attested non-applicability, an interruption, the run's metadata with
 * facts read and facts forbidden, and as many nodes as asked (1,000 for the
 * bounded-report test).
 */
import { buildRunReport, type NodeInfo, type RunReport } from '../../helpers/framework/result.js';
import { catalogFacts, toolVersion } from '../../helpers/framework/run-metadata.js';
import { catalog, result } from './fixtures.js';

export function manyNodes(count: number): NodeInfo[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `node-${String(i).padStart(4, '0')}`,
    osImage: i % 10 === 0 ? 'Ubuntu 24.04.1 LTS' : 'Debian GNU/Linux 12 (bookworm)',
    kernelVersion: '6.1.0-25-amd64',
    containerRuntimeVersion: 'containerd://2.1.4',
    kubeletVersion: 'v1.35.4',
    architecture: i % 100 === 0 ? 'arm64' : 'amd64',
    zone: `zone-${String.fromCharCode(97 + (i % 3))}`,
    providerID: `aws:///eu-west-1${String.fromCharCode(97 + (i % 3))}/i-${i}`,
  }));
}

export function fullReport(nodeCount = 3): RunReport {
  const attestation = { attestedBy: 'ops@example.org', statement: 'BIOS settings checked' };
  const results = [
    result('ra2.k8s.013', 'passed', { evidence: { seen: 3 }, observes: 'the API versions' }),
    result('ra2.k8s.001', 'failed', {
      expected: 'a supported release',
      observed: 'v1.20',
      message: 'expected a supported release; observed v1.20',
    }),
    result('ra2.k8s.017', 'failed', { kind: 'inspect', message: 'a SHOULD row failed' }),
    result('ra2.ch.004', 'passed', { kind: 'attest', attestation }),
    result('ra2.ch.001', 'skipped', {
      applicability: 'not-applicable',
      attestation: { attestedBy: 'ops', notApplicable: 'no huge pages here' },
    }),
    result('ra2.k8s.003', 'skipped', {
      message: 'SIGTERM received: not run',
      interruption: { cause: 'signal', detail: 'SIGTERM received' },
    }),
    result('ra2.k8s.004', 'error', { message: 'timed out after 5m', log: ['a line'] }),
    result('ra2.k8s.012a', 'not-implemented', { message: 'not implemented yet' }),
  ];
  return buildRunReport(
    {
      runId: 'run-full',
      release: catalog.release,
      releaseTitle: catalog.title,
      profile: 'basic',
      profileSource: 'auto: no node carries the network-intensive label',
      server: 'https://10.0.0.1:6443',
      context: 'prod',
      source: 'KUBECONFIG',
      kubernetesVersion: 'v1.35.4',
      startedAt: '2026-01-01T00:00:00.000Z',
      total: results.length,
      attestations: { file: 'att.yaml', sha256: 'a'.repeat(64), entries: 2 },
      metadata: {
        tool: toolVersion(),
        catalog: catalogFacts(catalog.release),
        options: { profile: 'auto', focus: ['ra2.k8s'], parallel: 1, disruptive: false },
        probeImage: {
          image: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
          imageID: `registry.k8s.io/e2e-test-images/agnhost@sha256:${'b'.repeat(64)}`,
          digest: `sha256:${'b'.repeat(64)}`,
          node: 'node-0001',
        },
        nodes: { value: manyNodes(nodeCount) },
        cni: {
          value: {
            name: 'multus (meta-plugin) over calico',
            plugins: ['calico'],
            metaPlugins: ['multus'],
            evidence: ['kube-system/DaemonSet/calico-node', 'kube-system/DaemonSet/kube-multus-ds'],
          },
        },
        csiDrivers: { unavailable: 'forbidden: cannot list CSIDrivers (403)' },
        ingressClasses: { value: [{ name: 'nginx', controller: 'k8s.io/ingress-nginx' }] },
        loadBalancer: {
          value: { implementation: 'cloud (aws)', evidence: ['node providerID aws://...'] },
        },
      },
    },
    results,
    '2026-01-01T00:05:00.000Z',
    { cause: 'signal', detail: 'SIGTERM received' },
  );
}
