/**
 * ra2.k8s.012b and ra2.k8s.019 judge Kubernetes' own APIs: the group versions
 * the API server serves itself. Group versions served by CustomResourceDefinitions
 * or aggregated API servers (NFD's nfd.k8s-sigs.io/v1alpha1, whereabouts,
 * metrics-server) are add-ons: they are listed as evidence, never judged.
 */
import type { ApiOrigin, ServedGroupVersion } from '../../helpers/k8s/discovery.js';

export interface OriginSplit {
  builtIn: ServedGroupVersion[];
  /** Everything else, "group/version (origin)", for the evidence. */
  notJudged: string[];
}

/** A group version without an APIService is not known to be Kubernetes' own, so it is not judged. */
export function splitByOrigin(
  served: ServedGroupVersion[],
  origins: Map<string, ApiOrigin>,
): OriginSplit {
  const builtIn: ServedGroupVersion[] = [];
  const notJudged: string[] = [];
  for (const gv of served) {
    const origin = origins.get(gv.groupVersion) ?? 'unknown';
    if (origin === 'built-in') builtIn.push(gv);
    else notJudged.push(`${gv.groupVersion} (${origin})`);
  }
  return { builtIn, notJudged };
}

export interface FeatureGate {
  name: string;
  stage: string;
}

/**
 * The feature gates the API server reports enabled at ALPHA stage, from its
 * metrics: `kubernetes_feature_enabled{name="X",stage="ALPHA"} 1`.
 */
export function enabledAlphaFeatures(metrics: string): FeatureGate[] {
  const gates: FeatureGate[] = [];
  for (const line of metrics.split('\n')) {
    const match = /^kubernetes_feature_enabled\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!match || Number(match[2]) !== 1) continue;
    const labels = new Map<string, string>();
    for (const label of (match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g))
      labels.set(label[1] ?? '', label[2] ?? '');
    const name = labels.get('name');
    if (labels.get('stage') === 'ALPHA' && name) gates.push({ name, stage: 'ALPHA' });
  }
  return gates;
}
