/**
 * The kubelet's live configuration, read through the API server's node proxy
 * (GET /api/v1/nodes/{name}/proxy/configz). It reports what the kubelet runs
 * with, defaults filled in, whatever flags or files set it. Observes only.
 */
import type { CoreV1Api } from '@kubernetes/client-node';
import { oneLine } from './errors.js';
import { mapBounded } from './bounded.js';

/** The fields of a KubeletConfiguration the suite judges. */
export interface KubeletConfig {
  cpuManagerPolicy: string;
  topologyManagerPolicy: string;
  /** "" when unset. */
  reservedSystemCPUs: string;
  featureGates: Record<string, boolean>;
  systemReserved: Record<string, string>;
  kubeReserved: Record<string, string>;
  containerRuntimeEndpoint?: string;
}

export type KubeletConfigReading =
  { node: string; config: KubeletConfig } | { node: string; error: string };

function stringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

/**
 * The configz body is {"kubeletconfig": {...}}. The client may hand it over as
 * text or already parsed. Policies the kubelet leaves empty default to "none".
 */
export function parseConfigz(body: unknown): KubeletConfig {
  const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
  const root = (parsed as { kubeletconfig?: unknown } | null)?.kubeletconfig;
  if (!root || typeof root !== 'object') {
    throw new Error(`configz answer has no kubeletconfig: ${JSON.stringify(parsed).slice(0, 200)}`);
  }
  const c = root as Record<string, unknown>;
  const gates: Record<string, boolean> = {};
  for (const [k, v] of Object.entries((c.featureGates as object | undefined) ?? {})) {
    gates[k] = v === true || v === 'true';
  }
  return {
    cpuManagerPolicy:
      typeof c.cpuManagerPolicy === 'string' && c.cpuManagerPolicy ? c.cpuManagerPolicy : 'none',
    topologyManagerPolicy:
      typeof c.topologyManagerPolicy === 'string' && c.topologyManagerPolicy
        ? c.topologyManagerPolicy
        : 'none',
    reservedSystemCPUs: typeof c.reservedSystemCPUs === 'string' ? c.reservedSystemCPUs.trim() : '',
    featureGates: gates,
    systemReserved: stringMap(c.systemReserved),
    kubeReserved: stringMap(c.kubeReserved),
    containerRuntimeEndpoint:
      typeof c.containerRuntimeEndpoint === 'string' ? c.containerRuntimeEndpoint : undefined,
  };
}

export async function readKubeletConfig(core: CoreV1Api, node: string): Promise<KubeletConfig> {
  return parseConfigz(await core.connectGetNodeProxyWithPath({ name: node, path: 'configz' }));
}

/**
 * Reads at once: each goes through the API server's node proxy. Unbounded, 1,003 reads on the
 * scale bed queued there for 39 s and took the runner to 390 MiB.
 */
export const KUBELET_CONFIG_READS_AT_ONCE = 16;

/** Reads every node's configuration; a node whose configz cannot be read gets its error instead. */
export async function readKubeletConfigs(
  core: CoreV1Api,
  nodes: readonly string[],
  atOnce = KUBELET_CONFIG_READS_AT_ONCE,
): Promise<KubeletConfigReading[]> {
  return mapBounded(nodes, atOnce, async (node): Promise<KubeletConfigReading> => {
    try {
      return { node, config: await readKubeletConfig(core, node) };
    } catch (err) {
      return { node, error: oneLine(err) };
    }
  });
}

/**
 * A feature gate is on unless the configuration turns it off: the gates the
 * spec names (TopologyManager, CPUManager, DevicePlugins) are GA and on by default.
 */
export function gateEnabled(config: KubeletConfig, gate: string): boolean {
  return config.featureGates[gate] !== false;
}
