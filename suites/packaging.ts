/**
 * 4.8 Kubernetes Application package manager. The package manager runs
 * outside the cluster; what the cluster shows is whether a cluster-side
 * component such as Tiller (Helm v2) runs, which the row forbids, and the
 * traces API-based managers leave (Helm v3 stores releases as Secrets
 * labelled owner=helm), which are the evidence of use: without any, the row
 * is not observed (the operator can attest the package manager in use).
 */
import { findComponentPods } from '../helpers/k8s/components.js';
import { defineSuite } from '../helpers/framework/registry.js';
import {
  helmReleaseSelector,
  judgePackageManagement,
  tillerPattern,
} from './rules/packaging-api.js';

export default defineSuite('packaging', (spec) => {
  spec(
    'ra2.pkg.001',
    {
      kind: 'inspect',
      attestable: 'evidence',
      observes:
        "Looks for running pods named like Tiller, Helm v2's cluster-side component, and lists the Helm v3 releases stored as Secrets labelled owner=helm; package managers that leave no trace in the cluster are not seen.",
    },
    async (ctx) =>
      judgePackageManagement(
        await findComponentPods(ctx.cluster.inventory, tillerPattern),
        (await ctx.cluster.core.listSecretForAllNamespaces({ labelSelector: helmReleaseSelector }))
          .items,
      ),
  );
});
