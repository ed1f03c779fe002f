/**
 * The run's metadata as short labelled lines, shared by the report header and
 * the JUnit properties. Nodes are grouped (identical infos counted once) and
 * at most MAX_NODE_GROUPS groups are shown, so 1,000 nodes stay a few lines;
 * the JSON keeps every node.
 */
import {
  factText,
  groupNodeInfos,
  type NodeInfoGroup,
  type RunInfo,
  type RunMetadata,
} from '../framework/result.js';

export const MAX_NODE_GROUPS = 10;

export interface MetadataLine {
  /** A stable name: the JUnit property's. */
  key: string;
  label: string;
  text: string;
}

/** "2 × Debian GNU/Linux 12 (bookworm), kernel 6.1.0, containerd://2.1.4, kubelet v1.35.4, amd64, zone zone-a (a, b)" */
export function nodeGroupText(group: NodeInfoGroup): string {
  const more = group.count > group.examples.length ? ', ...' : '';
  return `${group.count} × ${group.osImage}, kernel ${group.kernelVersion}, ${group.containerRuntimeVersion}, kubelet ${group.kubeletVersion}, ${group.architecture}, zone ${group.zone} (${group.examples.join(', ')}${more})`;
}

/** The shown groups and, if any were left out, one line saying how many. */
export function nodeGroupLines(metadata: RunMetadata, max = MAX_NODE_GROUPS): string[] {
  if (!('value' in metadata.nodes)) return [metadata.nodes.unavailable];
  const groups = groupNodeInfos(metadata.nodes.value);
  const shown = groups.slice(0, max).map(nodeGroupText);
  const rest = groups.slice(max);
  if (rest.length > 0) {
    const nodes = rest.reduce((sum, g) => sum + g.count, 0);
    shown.push(`and ${rest.length} more groups (${nodes} nodes): the JSON results list every node`);
  }
  return shown;
}

function nodesSummary(metadata: RunMetadata): string {
  if (!('value' in metadata.nodes)) return metadata.nodes.unavailable;
  const groups = groupNodeInfos(metadata.nodes.value).length;
  return `${metadata.nodes.value.length} nodes in ${groups} group${groups === 1 ? '' : 's'} of identical node info`;
}

function probeImageText(probe: RunMetadata['probeImage']): string {
  const ran = probe.imageID ? `imageID ${probe.imageID}` : (probe.note ?? 'no imageID');
  return `${probe.image}: ${ran}${probe.node ? ` (on ${probe.node})` : ''}`;
}

export function metadataLines(info: RunInfo): MetadataLine[] {
  const m = info.metadata;
  if (!m) return [];
  return [
    { key: 'tool', label: 'Tool', text: `${m.tool.name} ${m.tool.version}` },
    {
      key: 'catalog',
      label: 'Catalog',
      text: `${m.catalog.release} (${m.catalog.file}, sha256 ${m.catalog.sha256 ?? m.catalog.problem ?? 'unknown'})`,
    },
    { key: 'options', label: 'Options', text: JSON.stringify(m.options) },
    { key: 'probeImage', label: 'Probe image', text: probeImageText(m.probeImage) },
    { key: 'nodes', label: 'Nodes', text: nodesSummary(m) },
    { key: 'cni', label: 'CNI', text: factText(m.cni, (c) => c.name) },
    {
      key: 'csiDrivers',
      label: 'CSI drivers',
      text: factText(m.csiDrivers, (d) => d.join(', ') || 'none'),
    },
    {
      key: 'ingressClasses',
      label: 'IngressClasses',
      text: factText(
        m.ingressClasses,
        (c) => c.map((i) => `${i.name} (${i.controller})`).join(', ') || 'none',
      ),
    },
    {
      key: 'loadBalancer',
      label: 'LoadBalancer',
      text: factText(m.loadBalancer, (lb) => lb.implementation),
    },
  ];
}
