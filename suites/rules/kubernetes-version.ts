/**
 * ra2.k8s.005: the API server's minor is one upstream still supports, and every kubelet is
 * within the skew upstream allows. Virtual nodes (KWOK, virtual-kubelet) report their
 * simulator's or provider's version, not a kubelet's: they are counted and left out.
 */
import type { V1Node } from '@kubernetes/client-node';
import { fail, pass, skip, type Verdict } from '../../helpers/framework/result.js';
import { leaveOutVirtualNodes, nodeName } from '../../helpers/k8s/nodes.js';
import { kubeletSkew, supportedMinors, supportStatus } from './kubernetes-releases.js';

export function judgeKubernetesVersion(
  apiServer: string,
  nodes: readonly V1Node[],
  today: Date,
): Verdict {
  const support = supportStatus(apiServer, today);
  const { judged, virtualLeftOut, note, onlyVirtual } = leaveOutVirtualNodes(nodes);
  const kubelets = judged.map((node) => {
    const version = node.status?.nodeInfo?.kubeletVersion ?? '';
    let skew: { ok: boolean; minorsBehind: number };
    try {
      skew = kubeletSkew(apiServer, version);
    } catch {
      skew = { ok: false, minorsBehind: NaN };
    }
    return { node: nodeName(node), kubeletVersion: version, ...skew };
  });
  const evidence = {
    apiServer,
    support,
    supportTable: supportedMinors,
    supportTableSource: 'https://kubernetes.io/releases/ (end-of-life dates)',
    kubelets,
    ...(virtualLeftOut ? { virtualLeftOut } : {}),
  };
  const problems = [
    ...(support.status === 'unsupported' ? [support.reason] : []),
    ...kubelets
      .filter((k) => !k.ok)
      .map(
        (k) => `kubelet ${k.kubeletVersion || '(none)'} on ${k.node} is outside the supported skew`,
      ),
  ];
  if (problems.length > 0)
    return fail(
      'an upstream-supported Kubernetes minor, and kubelets at most 3 minors older than the API server',
      `${problems.join('; ')}${note}`,
      evidence,
    );
  if (support.status !== 'supported') return skip(support.reason, evidence);
  if (onlyVirtual)
    return skip(
      `no kubelet to judge: ${onlyVirtual}; ${apiServer} is supported until ${support.endOfLife}`,
      evidence,
    );
  return pass(
    `${apiServer} is supported until ${support.endOfLife} (${support.daysLeft} days); ${kubelets.length} kubelets within skew${note}`,
    evidence,
  );
}
