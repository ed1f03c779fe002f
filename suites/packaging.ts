/**
 * 4.8 Kubernetes Application package manager. The package manager runs
 * outside the cluster; what the cluster can show is the absence of
 * cluster-side components such as Tiller (planned inspect).
 */
import { defineSuite } from '../helpers/registry.js';

export default defineSuite('packaging', (spec) => {
  spec.todo('ra2.pkg.001', { kind: 'inspect' });
});
