/**
 * Network devices a probe leaves on a node (a CNI bridge plugin creates its
 * bridge on first use and never deletes it): a root shell with CAP_NET_ADMIN
 * in the node's network namespace (hostNetwork, so the check namespace needs
 * podSecurity 'privileged') removes them and looks again that they are gone.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { applyTweaks, type NamespaceHandle, type Pods } from '../k8s/namespace-handle.js';
import { listNodes, nodeName } from '../k8s/nodes.js';
import { waitFor } from '../k8s/wait.js';
import { restrictedPod } from './pod.js';
import { containerOf, pinToNode } from './tweaks.js';

/** A root shell with CAP_NET_ADMIN in `node`'s network namespace, sleeping until exec'd into. */
export function nodeNetAdminPod(ctx: CheckContext, name: string, node: V1Node): V1Pod {
  const pod = restrictedPod(ctx, name, ['sh', '-c', 'sleep 3600']);
  pod.spec!.hostNetwork = true;
  pod.spec!.securityContext = {
    runAsUser: 0,
    runAsGroup: 0,
    seccompProfile: { type: 'RuntimeDefault' },
  };
  containerOf(pod).securityContext = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] },
  };
  return applyTweaks(pod, [pinToNode(node)]);
}

/** What removing a link on a node showed: still there afterwards or gone. */
export interface LinkRemoval {
  link: string;
  node: string;
  existedBefore: boolean;
  goneAfter: boolean;
  detail: string;
}

/**
 * In a `nodeNetAdminPod`: deletes `link` if present, then asks `ip link show`
 * again. `goneAfter` is true only when the second look no longer finds it.
 */
export async function removeLink(
  pods: Pick<Pods, 'exec'>,
  pod: string,
  node: string,
  link: string,
): Promise<LinkRemoval> {
  const before = await pods.exec(pod, ['ip', 'link', 'show', 'dev', link]);
  const existedBefore = before.exitCode === 0;
  const del = existedBefore ? await pods.exec(pod, ['ip', 'link', 'del', 'dev', link]) : undefined;
  const after = await pods.exec(pod, ['ip', 'link', 'show', 'dev', link]);
  const goneAfter = after.exitCode !== 0 && /does not exist|cannot find/i.test(after.stderr);
  return {
    link,
    node,
    existedBefore,
    goneAfter,
    detail: [
      existedBefore ? `found ${link}` : `${link} not present`,
      del
        ? `ip link del exit ${del.exitCode}${del.stderr.trim() ? `: ${del.stderr.trim()}` : ''}`
        : '',
      `ip link show afterwards: exit ${after.exitCode} ${after.stderr.trim()}`.trim(),
    ]
      .filter(Boolean)
      .join('; '),
  };
}

/** Deletes a pod of the namespace and waits until the API no longer lists it. */
export async function deletePodAndWait(
  ctx: CheckContext,
  ns: NamespaceHandle,
  name: string,
): Promise<void> {
  const { core } = ctx.cluster;
  await core.deleteNamespacedPod({ name, namespace: ns.name, gracePeriodSeconds: 0 });
  await waitFor(
    `pod ${ns.name}/${name} to be gone`,
    () => core.listNamespacedPod({ namespace: ns.name, fieldSelector: `metadata.name=${name}` }),
    (list) => list.items.length === 0,
    ns.pollOptions(ctx.timeouts.podDelete),
  );
}

/**
 * Removes `link` from node `node` once the pods using it (`users`) are gone:
 * deletes them, starts a net-admin shell on the node, deletes the link and
 * looks again. Throws when no shell could be started there.
 */
export async function removeLinkFromNode(
  ctx: CheckContext,
  ns: NamespaceHandle,
  node: string,
  link: string,
  users: readonly string[],
): Promise<LinkRemoval> {
  for (const pod of users) await deletePodAndWait(ctx, ns, pod);
  // Read now, not from the run's inventory: the node may have gone since the run began.
  const target = (await listNodes(ctx.cluster.core)).find((n) => nodeName(n) === node);
  if (!target) throw new Error(`node ${node} is no longer listed: ${link} may be left on it`);
  const shell = `link-cleanup-${Math.floor(Math.random() * 1e6)}`;
  await ns.pods.createRunning(nodeNetAdminPod(ctx, shell, target));
  try {
    return await removeLink(ns.pods, shell, node, link);
  } finally {
    await deletePodAndWait(ctx, ns, shell).catch(() => undefined);
  }
}
