/**
 * 4.8 Kubernetes Application package manager. The package manager runs
 * outside the cluster; what the cluster shows is whether a cluster-side
 * component such as Tiller (Helm v2) runs, which the row forbids, and the
 * traces API-based managers leave (Helm v3 stores releases as Secrets
 * labelled owner=helm), which are reported as evidence of use.
 */
import { findComponentPods, formatComponentPod } from '../helpers/k8s/components.js';
import { defineSuite } from '../helpers/framework/registry.js';
import { fail, pass } from '../helpers/framework/result.js';

export default defineSuite('packaging', (spec) => {
  spec(
    'ra2.pkg.001',
    {
      kind: 'inspect',
      observes:
        "Looks for running pods named like Tiller, Helm v2's cluster-side component, and lists the Helm v3 releases stored as Secrets labelled owner=helm; package managers that leave no trace in the cluster are not seen.",
    },
    async (ctx) => {
      const tiller = await findComponentPods(ctx.cluster.core, /tiller/i);
      const releases = (
        await ctx.cluster.core.listSecretForAllNamespaces({ labelSelector: 'owner=helm' })
      ).items.map(
        (s) =>
          `${s.metadata?.namespace ?? ''}/${s.metadata?.labels?.name ?? s.metadata?.name ?? ''}`,
      );
      const evidence = {
        tillerPods: tiller.map(formatComponentPod),
        helmV3Releases: [...new Set(releases)],
      };
      return tiller.length === 0
        ? pass(
            `no cluster-side package manager component (Tiller) runs; ${new Set(releases).size} Helm v3 release(s) stored through the API`,
            evidence,
          )
        : fail(
            'no cluster-side package manager component such as Tiller',
            `Tiller pods: ${tiller.map(formatComponentPod).join('; ')}`,
            evidence,
          );
    },
  );
});
