/**
 * 4.9 Kubernetes workloads. The OCI parameter groups (app.001-005) are
 * planned as one probe pod observing its root filesystem, mounts, process,
 * hostname and user; the descriptor rows (app.006-010) as inspections of the
 * workloads running in the cluster.
 */
import { defineSuite } from '../helpers/registry.js';

export default defineSuite('workloads', (spec) => {
  spec.todo('ra2.app.001', { kind: 'probe' });
  spec.todo('ra2.app.002', { kind: 'probe' });
  spec.todo('ra2.app.003', { kind: 'probe' });
  spec.todo('ra2.app.004', { kind: 'probe' });
  spec.todo('ra2.app.005', { kind: 'probe' });
  spec.todo('ra2.app.006', { kind: 'inspect' });
  spec.todo('ra2.app.007', { kind: 'inspect' });
  spec.todo('ra2.app.008', { kind: 'probe', disruptive: true });
  spec.todo('ra2.app.009', { kind: 'inspect' });
  spec.todo('ra2.app.010', { kind: 'inspect' });
});
