/**
 * The run's metadata: what each reader makes of a cluster (CNI, load balancer,
 * nodes), a forbidden read recorded in its field without failing the run, the
 * catalog's SHA-256 of its release file, the probe image's digest, and a
 * report of 1,000 nodes that stays a few lines while the JSON keeps them all.
 */
import { ClusterInventory } from '../../helpers/k8s/inventory.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ApiException, type CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import type { Cluster } from '../../helpers/k8s/cluster.js';
import { workloadOf, type Workload } from '../../helpers/k8s/cluster-facts.js';
import { detectCni, detectLoadBalancer } from '../../helpers/framework/platform-detect.js';
import {
  catalogFacts,
  collectClusterFacts,
  probeImageFacts,
  toolVersion,
} from '../../helpers/framework/run-metadata.js';
import { groupNodeInfos } from '../../helpers/framework/result.js';
import { renderJUnit } from '../../helpers/reporters/junit.js';
import { renderMarkdown } from '../../helpers/reporters/report.js';
import { renderHtml } from '../../helpers/reporters/report-html.js';
import { MAX_NODE_GROUPS } from '../../helpers/reporters/metadata-text.js';
import { fullReport, manyNodes } from './full-report-fixture.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ds = (namespace: string, name: string): Workload => ({ namespace, kind: 'DaemonSet', name });

describe('run metadata', () => {
  it('recognises the CNI by its DaemonSets, Multus as a meta-plugin, and says unknown otherwise', () => {
    expect(
      detectCni([ds('kube-system', 'kube-router'), ds('kube-system', 'kube-proxy')]).name,
    ).to.equal('kube-router');
    expect(detectCni([ds('kube-system', 'kindnet')]).name).to.equal('kindnet');
    expect(detectCni([ds('calico-system', 'calico-node')]).plugins).to.deep.equal(['calico']);
    expect(detectCni([ds('kube-system', 'cilium')]).plugins).to.deep.equal(['cilium']);
    expect(detectCni([ds('kube-flannel', 'kube-flannel-ds')]).plugins).to.deep.equal(['flannel']);
    const multus = detectCni([
      ds('kube-system', 'calico-node'),
      ds('kube-system', 'kube-multus-ds'),
    ]);
    expect(multus.name).to.equal('multus (meta-plugin) over calico');
    expect(multus.evidence).to.deep.equal([
      'kube-system/DaemonSet/calico-node',
      'kube-system/DaemonSet/kube-multus-ds',
    ]);
    // A Deployment named like a CNI is not one: only DaemonSets count.
    expect(
      detectCni([{ namespace: 'kube-system', kind: 'Deployment', name: 'cilium' }]).name,
    ).to.equal('unknown');
  });

  it('names the pods owner: a DaemonSet, a Deployment through its ReplicaSet, a static pod', () => {
    const pod = (owner?: { kind: string; name: string }, name = 'p'): V1Pod => ({
      metadata: {
        name,
        namespace: 'metallb-system',
        ownerReferences: owner
          ? [{ ...owner, apiVersion: 'apps/v1', uid: 'u', controller: true }]
          : undefined,
      },
    });
    expect(workloadOf(pod({ kind: 'DaemonSet', name: 'speaker' }))).to.deep.equal(
      ds('metallb-system', 'speaker'),
    );
    expect(workloadOf(pod({ kind: 'ReplicaSet', name: 'controller-7d9f8b6c5d' })).name).to.equal(
      'controller',
    );
    expect(workloadOf(pod(undefined, 'kube-apiserver-cp1')).kind).to.equal('Pod');
  });

  it('recognises MetalLB, a cloud by the nodes providerID, and says none detected on kind', () => {
    const metallb = detectLoadBalancer(
      [
        ds('metallb-system', 'speaker'),
        { namespace: 'metallb-system', kind: 'Deployment', name: 'controller' },
      ],
      [],
    );
    expect(metallb.implementation).to.equal('MetalLB');
    expect(detectLoadBalancer([], ['aws:///eu-west-1a/i-1']).implementation).to.equal(
      'cloud (aws)',
    );
    expect(
      detectLoadBalancer([ds('kube-system', 'kube-proxy')], ['kind://docker/c/n']).implementation,
    ).to.equal('none detected');
  });

  it('records a forbidden read in its field and reads the rest', async () => {
    const forbidden = () => Promise.reject(new ApiException(403, 'Forbidden', {}, {}));
    const api = {
      listNode: forbidden,
      listNamespacedPod: ({ namespace }: { namespace: string }) =>
        Promise.resolve({
          items:
            namespace === 'kube-system'
              ? [
                  {
                    metadata: {
                      name: 'c',
                      namespace,
                      ownerReferences: [
                        { kind: 'DaemonSet', name: 'calico-node', controller: true },
                      ],
                    },
                  },
                ]
              : [],
          metadata: {},
        }),
      listCSIDriver: () => Promise.resolve({ items: [{ metadata: { name: 'ebs.csi.aws.com' } }] }),
      listIngressClass: forbidden,
    };
    const cluster = {
      core: api,
      kc: { makeApiClient: () => api },
      inventory: new ClusterInventory(api as unknown as CoreV1Api),
    } as unknown as Cluster;
    const facts = await collectClusterFacts(cluster, 5_000);
    expect(facts.nodes).to.deep.equal({ unavailable: 'forbidden: cannot list nodes (403)' });
    expect(facts.ingressClasses).to.deep.equal({
      unavailable: 'forbidden: cannot list IngressClasses (403)',
    });
    expect(facts.csiDrivers).to.deep.equal({ value: ['ebs.csi.aws.com'] });
    expect(facts.cni).to.have.nested.property('value.name', 'calico');
  });

  it('gives up on a read that does not answer, within its time', async () => {
    const never = () => new Promise(() => {});
    const api = {
      listNode: never,
      listNamespacedPod: never,
      listCSIDriver: never,
      listIngressClass: never,
    };
    const cluster = {
      core: api,
      kc: { makeApiClient: () => api },
      inventory: new ClusterInventory(api as unknown as CoreV1Api),
    } as unknown as Cluster;
    const started = Date.now();
    const facts = await collectClusterFacts(cluster, 200);
    expect(Date.now() - started).to.be.lessThan(2_000);
    expect(facts.nodes).to.deep.equal({
      unavailable: 'could not list nodes: no answer within 0.2s',
    });
  });

  it('hashes the catalog release file it came from, and reads the tool version from package.json', () => {
    const file = path.join(root, 'catalog', 'releases', 'v-chapter4-2026.json');
    expect(catalogFacts('v-chapter4-2026')).to.deep.equal({
      release: 'v-chapter4-2026',
      file: 'catalog/releases/v-chapter4-2026.json',
      sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
    });
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(toolVersion().version).to.equal(pkg.version);
  });

  it('takes the probe image digest from the kubelet imageID, and says why there is none', () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    expect(
      probeImageFacts(
        'agnhost:2.53',
        { node: 'w1', imageID: `registry.k8s.io/agnhost@${digest}` },
        '',
      ),
    ).to.include({ digest, node: 'w1' });
    expect(probeImageFacts('agnhost:2.53', undefined, 'no probe pod ran').note).to.equal(
      'no probe pod ran',
    );
  });

  it('keeps the report of 1,000 nodes to a few lines; the JSON keeps every node', () => {
    const nodes = manyNodes(1000);
    const groups = groupNodeInfos(nodes);
    expect(groups.reduce((sum, g) => sum + g.count, 0)).to.equal(1000);
    expect(groups[0]?.count).to.be.greaterThan(groups.at(-1)?.count ?? 0);
    const report = fullReport(1000);
    const markdown = renderMarkdown(report);
    const nodeLines = markdown.split('\n').filter((l) => l.startsWith('  - '));
    expect(nodeLines.length).to.be.at.most(MAX_NODE_GROUPS + 1);
    expect(markdown).to.include('- Nodes: 1000 nodes in');
    expect(markdown).not.to.include('node-0999');
    expect(renderHtml(report).length).to.be.lessThan(40_000);
    const junit = renderJUnit(report);
    expect(junit.match(/name="run\.nodes\.\d+"/g)?.length).to.be.at.most(MAX_NODE_GROUPS + 1);
  });

  it('is in the JUnit properties and the report header', () => {
    const report = fullReport();
    const junit = renderJUnit(report);
    const { sha256 } = catalogFacts(report.info.release);
    expect(junit).to.include(`<property name="catalogSha256" value="${sha256 ?? ''}"/>`);
    expect(junit).to.include(
      `<property name="probeImageDigest" value="sha256:${'b'.repeat(64)}"/>`,
    );
    expect(junit).to.include(
      '<property name="run.csiDrivers" value="forbidden: cannot list CSIDrivers (403)"/>',
    );
    const markdown = renderMarkdown(report);
    expect(markdown).to.include('- CNI: multus (meta-plugin) over calico');
    expect(markdown).to.include('- IngressClasses: nginx (k8s.io/ingress-nginx)');
    expect(markdown).to.include('- LoadBalancer: cloud (aws)');
    expect(markdown).to.include(`- Tool: ra2-conformance ${toolVersion().version}`);
  });
});
