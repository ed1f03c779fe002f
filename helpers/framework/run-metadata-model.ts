/**
 * What a run records about itself and the cluster it ran on, as data every
 * reporter renders (result.ts re-exports it): which tool and catalog gave the
 * verdicts, with which options and probe image, on which nodes and add-ons.
 * A fact that could not be read says why instead ("forbidden: ... (403)").
 */

import type { NodeFacts } from '../k8s/cluster-facts.js';

/** The version of the results JSON's shape; schemas/ra2-results.schema.json describes it. */
export const RESULTS_SCHEMA_VERSION = '1.0.0';

/** A read fact, or why there is none (a 403 says "forbidden"). Never fails a run. */
export type Fact<T> = { value: T } | { unavailable: string };

/** One node's OS, kernel, runtime, kubelet, architecture and zone, as helpers/k8s reads them. */
export type NodeInfo = NodeFacts;

export interface CniFacts {
  /** "calico", "multus (meta-plugin) over calico", or "unknown". */
  name: string;
  plugins: string[];
  metaPlugins: string[];
  /** The workloads it was recognised by: "kube-system/DaemonSet/calico-node". */
  evidence: string[];
}

export interface LoadBalancerFacts {
  /** "MetalLB", "cloud (aws)", or "none detected". */
  implementation: string;
  evidence: string[];
}

export interface ProbeImageFacts {
  image: string;
  /** The kubelet's imageID of the preflight pod's container (status.containerStatuses[].imageID). */
  imageID?: string;
  /** The sha256 digest in the imageID, when it has one. */
  digest?: string;
  node?: string;
  /** Why there is no imageID: no probe row ran, the preflight was skipped, ... */
  note?: string;
}

export interface RunMetadata {
  tool: { name: string; version: string };
  catalog: { release: string; file: string; sha256?: string; problem?: string };
  /** The run's options as given (JSON values only). */
  options: Record<string, unknown>;
  probeImage: ProbeImageFacts;
  nodes: Fact<NodeInfo[]>;
  cni: Fact<CniFacts>;
  csiDrivers: Fact<string[]>;
  ingressClasses: Fact<{ name: string; controller: string }[]>;
  loadBalancer: Fact<LoadBalancerFacts>;
}

/** Nodes that agree on everything but their name, counted once. */
export interface NodeInfoGroup extends Omit<NodeInfo, 'name' | 'providerID'> {
  count: number;
  /** The first few names, for a reader to find one. */
  examples: string[];
}

const groupKeys = [
  'osImage',
  'kernelVersion',
  'containerRuntimeVersion',
  'kubeletVersion',
  'architecture',
  'zone',
] as const;

/** Identical node infos grouped with a count, largest group first: bounded on 1,000 nodes. */
export function groupNodeInfos(nodes: readonly NodeInfo[], examples = 3): NodeInfoGroup[] {
  const groups = new Map<string, NodeInfoGroup>();
  for (const node of nodes) {
    const key = groupKeys.map((k) => node[k]).join('\u0000');
    const group = groups.get(key);
    if (group) {
      group.count++;
      if (group.examples.length < examples) group.examples.push(node.name);
    } else {
      const fields = Object.fromEntries(groupKeys.map((k) => [k, node[k]])) as Omit<
        NodeInfoGroup,
        'count' | 'examples'
      >;
      groups.set(key, { ...fields, count: 1, examples: [node.name] });
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

export function factValue<T>(fact: Fact<T> | undefined): T | undefined {
  return fact && 'value' in fact ? fact.value : undefined;
}

/** The fact as one line: `show` of its value, or why there is none. */
export function factText<T>(fact: Fact<T> | undefined, show: (value: T) => string): string {
  if (!fact) return 'not recorded';
  return 'value' in fact ? show(fact.value) : fact.unavailable;
}
