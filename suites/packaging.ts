/**
 * 4.8 Kubernetes Application package manager. The package manager runs
 * outside the cluster; what the cluster shows is whether a cluster-side
 * component such as Tiller (Helm v2) runs, which the row forbids, and the
 * traces API-based managers leave (Helm v3 stores releases as Secrets
 * labelled owner=helm), which are the evidence of use: without any, the row
 * is not observed (the operator can attest the package manager in use).
 */
import { findComponentPods, formatComponentPod } from '../helpers/k8s/components.js';
import { defineSuite } from '../helpers/framework/registry.js';
import { fail, pass, skip } from '../helpers/framework/result.js';

export default defineSuite('packaging', (spec) => {
  spec(
    'ra2.pkg.001',
    {
      kind: 'inspect',
      attestable: 'evidence',
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
      if (tiller.length > 0)
        return fail(
          'no cluster-side package manager component such as Tiller',
          `Tiller pods: ${tiller.map(formatComponentPod).join('; ')}`,
          evidence,
        );
      // No Tiller is half the row; that a package manager uses the API needs a trace of its use.
      if (releases.length === 0)
        return skip(
          'no Tiller runs, but no package manager left a trace of managing applications through the Kubernetes API (no Helm v3 release Secrets): attest which package manager is used',
          evidence,
        );
      return pass(
        `no cluster-side package manager component (Tiller) runs; ${new Set(releases).size} Helm v3 release(s) stored through the API`,
        evidence,
      );
    },
  );
});
