/**
 * Collects the run's metadata: the tool's version, the catalog release file
 * and its SHA-256, the options, and what the cluster is built from (nodes,
 * CNI, CSI drivers, IngressClasses, load balancer). Every cluster read is
 * bounded in time and may fail on its own: the field then says why
 * ("forbidden: cannot list nodes (403)"), and the run goes on.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_NAME, packageRoot } from '../../catalog/package-root.js';
import type { Cluster } from '../k8s/cluster.js';
import {
  csiDriverNames,
  ingressClasses,
  nodeFacts,
  readFact,
  workloadsIn,
  type FactRead,
} from '../k8s/cluster-facts.js';
import { ADDON_NAMESPACES, detectCni, detectLoadBalancer } from './platform-detect.js';
import type { Fact, ProbeImageFacts, RunMetadata } from './run-metadata-model.js';

function readFromRoot(relative: string): { file: string; bytes: Buffer } | undefined {
  const root = packageRoot();
  if (!root) return undefined;
  try {
    return { file: relative, bytes: readFileSync(path.join(root, relative)) };
  } catch {
    return undefined;
  }
}

export function toolVersion(): RunMetadata['tool'] {
  const pkg = readFromRoot('package.json');
  const parsed = pkg
    ? (JSON.parse(pkg.bytes.toString('utf8')) as { name?: string; version?: string })
    : {};
  return { name: parsed.name ?? PACKAGE_NAME, version: parsed.version ?? 'unknown' };
}

/** The release data file the catalog was loaded from, and the SHA-256 of its bytes. */
export function catalogFacts(release: string): RunMetadata['catalog'] {
  const file = path.posix.join('catalog', 'releases', `${release}.json`);
  const read = readFromRoot(file);
  if (!read) return { release, file, problem: `cannot read ${file}` };
  return { release, file, sha256: createHash('sha256').update(read.bytes).digest('hex') };
}

/** Options as JSON values: functions, suites, reporters, signals and clusters left out. */
export function optionsRecord(options: object): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (['suites', 'reporters', 'signal', 'connectCluster'].includes(key)) continue;
    if (value === undefined || typeof value === 'function') continue;
    if (key === 'attestations') {
      const file = (value as { file?: { file: string; sha256: string } }).file;
      record[key] = file ? { file: file.file, sha256: file.sha256 } : 'given in memory';
      continue;
    }
    record[key] = JSON.parse(JSON.stringify(value)) as unknown;
  }
  return record;
}

function asFact<T>(read: FactRead<T>): Fact<T> {
  return read.ok ? { value: read.value } : { unavailable: read.problem };
}

function withinTime<T>(ms: number, what: string, read: () => Promise<T>): () => Promise<T> {
  return () =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000}s`)), ms);
      read().then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(`${what}: ${String(err)}`));
        },
      );
    });
}

type ClusterFacts = Pick<
  RunMetadata,
  'nodes' | 'cni' | 'csiDrivers' | 'ingressClasses' | 'loadBalancer'
>;

/** The cluster's facts, each read on its own within `timeoutMs`. */
export async function collectClusterFacts(
  cluster: Cluster,
  timeoutMs: number,
): Promise<ClusterFacts> {
  const bounded = <T>(what: string, read: () => Promise<T>) =>
    readFact(what, withinTime(timeoutMs, what, read));
  const [nodes, workloads, csi, ingress] = await Promise.all([
    bounded('list nodes', async () => (await cluster.inventory.nodes()).map(nodeFacts)),
    bounded('list pods in the add-on namespaces', async () =>
      (await Promise.all(ADDON_NAMESPACES.map((ns) => workloadsIn(cluster.core, ns)))).flat(),
    ),
    bounded('list CSIDrivers', () => csiDriverNames(cluster.kc)),
    bounded('list IngressClasses', () => ingressClasses(cluster.kc)),
  ]);
  const providerIDs = nodes.ok ? nodes.value.flatMap((n) => n.providerID ?? []) : [];
  return {
    nodes: asFact(nodes),
    cni: workloads.ok ? { value: detectCni(workloads.value) } : { unavailable: workloads.problem },
    csiDrivers: asFact(csi),
    ingressClasses: asFact(ingress),
    loadBalancer: workloads.ok
      ? { value: detectLoadBalancer(workloads.value, providerIDs) }
      : {
          unavailable: `${workloads.problem}${providerIDs.length ? '' : '; no node providerID'}`,
        },
  };
}

/** Facts of a run that read no cluster: every row was decided without one. */
export function noClusterFacts(why: string): ClusterFacts {
  const unavailable = { unavailable: why };
  return {
    nodes: unavailable,
    cni: unavailable,
    csiDrivers: unavailable,
    ingressClasses: unavailable,
    loadBalancer: unavailable,
  };
}

/** What the preflight saw of the probe image: the kubelet's imageID and its sha256 digest. */
export function probeImageFacts(
  image: string,
  preflight: { node?: string; imageID?: string } | undefined,
  whyNone: string,
): ProbeImageFacts {
  const imageID = preflight?.imageID;
  const digest = /sha256:[0-9a-f]{64}/.exec(imageID ?? '')?.[0];
  return {
    image,
    ...(imageID ? { imageID } : {}),
    ...(digest ? { digest } : {}),
    ...(preflight?.node ? { node: preflight.node } : {}),
    ...(imageID ? {} : { note: preflight ? 'the preflight pod reported no imageID' : whyNone }),
  };
}

export interface MetadataRequest {
  options: object;
  release: string;
  /** Absent when no row needed the cluster. */
  cluster?: Cluster;
  timeoutMs: number;
  probeImage: string;
  /** Why the preflight will not report the image's imageID, if it will not. */
  noProbePod?: string;
}

/** The run's metadata as it starts; the probe image's imageID comes with the preflight. */
export async function startRunMetadata(request: MetadataRequest): Promise<RunMetadata> {
  return {
    tool: toolVersion(),
    catalog: catalogFacts(request.release),
    options: optionsRecord(request.options),
    probeImage: probeImageFacts(
      request.probeImage,
      undefined,
      request.noProbePod ?? 'the run stopped before the image preflight',
    ),
    ...(request.cluster
      ? await collectClusterFacts(request.cluster, request.timeoutMs)
      : noClusterFacts('no cluster was read: every row was decided without one')),
  };
}
