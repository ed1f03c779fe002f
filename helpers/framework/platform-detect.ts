/**
 * Which CNI and LoadBalancer implementation a cluster runs, recognised by the
 * well-known names of their workloads and, for a cloud's load balancers, by
 * the nodes' providerID. Metadata only: no check judges on it.
 */
import type { Workload } from '../k8s/cluster-facts.js';
import type { CniFacts, LoadBalancerFacts } from './run-metadata-model.js';

/** The namespaces where CNIs and load-balancer controllers are installed. */
export const ADDON_NAMESPACES = [
  'kube-system',
  'kube-flannel',
  'calico-system',
  'cilium',
  'kube-router',
  'antrea-system',
  'ovn-kubernetes',
  'openshift-ovn-kubernetes',
  'metallb-system',
  'metallb',
  'openelb-system',
] as const;

/** DaemonSet name patterns of the CNIs, in the order a report names them. */
const cniPatterns: readonly [name: string, pattern: RegExp][] = [
  ['kube-router', /^kube-router/],
  ['calico', /^calico-node$/],
  ['cilium', /^cilium(-agent)?$/],
  ['flannel', /flannel/],
  ['kindnet', /^kindnet/],
  ['ovn', /^ovnkube-node|^ovn-/],
  ['weave', /^weave-net/],
  ['antrea', /^antrea-agent/],
];
const metaPluginPatterns: readonly [name: string, pattern: RegExp][] = [['multus', /multus/]];

const label = (w: Workload) => `${w.namespace}/${w.kind}/${w.name}`;

function matching(
  workloads: readonly Workload[],
  patterns: readonly [string, RegExp][],
): { names: string[]; evidence: string[] } {
  const names: string[] = [];
  const evidence: string[] = [];
  for (const [name, pattern] of patterns) {
    const hits = workloads.filter((w) => w.kind === 'DaemonSet' && pattern.test(w.name));
    if (hits.length === 0) continue;
    names.push(name);
    evidence.push(...hits.map(label));
  }
  return { names, evidence };
}

export function detectCni(workloads: readonly Workload[]): CniFacts {
  const plugins = matching(workloads, cniPatterns);
  const meta = matching(workloads, metaPluginPatterns);
  const base = plugins.names.join(', ') || 'unknown';
  const name = meta.names.length ? `${meta.names.join(', ')} (meta-plugin) over ${base}` : base;
  return {
    name,
    plugins: plugins.names,
    metaPlugins: meta.names,
    evidence: [...plugins.evidence, ...meta.evidence],
  };
}

/** Load-balancer controllers recognised by workload name (any kind). */
const lbPatterns: readonly [name: string, test: (w: Workload) => boolean][] = [
  ['MetalLB', (w) => /metallb/.test(w.namespace) || /metallb/.test(w.name)],
  ['kube-vip', (w) => /kube-vip/.test(w.name)],
  ['OpenELB', (w) => /openelb|porter-manager/.test(`${w.namespace}/${w.name}`)],
  ['k3s ServiceLB (klipper)', (w) => w.kind === 'DaemonSet' && /^svclb-/.test(w.name)],
];

/** providerID prefixes of clouds whose controller manager provides load balancers. */
const clouds = [
  'aws',
  'gce',
  'azure',
  'openstack',
  'vsphere',
  'digitalocean',
  'ibm',
  'oci',
  'alicloud',
  'hcloud',
  'linode',
  'exoscale',
  'scaleway',
  'vultr',
  'cloudstack',
  'ovhcloud',
];

export function detectLoadBalancer(
  workloads: readonly Workload[],
  providerIDs: readonly string[],
): LoadBalancerFacts {
  const names: string[] = [];
  const evidence: string[] = [];
  for (const [name, test] of lbPatterns) {
    const hits = workloads.filter(test);
    if (hits.length === 0) continue;
    names.push(name);
    evidence.push(...hits.map(label));
  }
  const providers = [...new Set(providerIDs.map((id) => id.split('://')[0] ?? ''))];
  for (const provider of providers.filter((p) => clouds.includes(p))) {
    names.push(`cloud (${provider})`);
    evidence.push(`node providerID ${provider}://...`);
  }
  return { implementation: names.join(', ') || 'none detected', evidence };
}
