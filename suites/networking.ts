/**
 * 4.5 Networking solutions. Planned: network-attachment jigs (Multus
 * NetworkAttachmentDefinitions) for the multiple-connection-point rows and a
 * policy matrix for network policies; all are still to come.
 */
import { defineSuite } from '../helpers/registry.js';

export default defineSuite('networking', (spec) => {
  spec.todo('ra2.ntw.001', { kind: 'inspect' });
  spec.todo('ra2.ntw.002', { kind: 'inspect' });
  spec.todo('ra2.ntw.003', { kind: 'probe' });
  spec.todo('ra2.ntw.004', { kind: 'probe' });
  spec.todo('ra2.ntw.005', { kind: 'inspect' });
  spec.todo('ra2.ntw.006', { kind: 'probe' });
  spec.todo('ra2.ntw.007', { kind: 'probe' });
  spec.todo('ra2.ntw.008', { kind: 'inspect' });
  spec.todo('ra2.ntw.009', { kind: 'probe' });
  spec.todo('ra2.ntw.010', { kind: 'inspect' });
  spec.todo('ra2.ntw.011', { kind: 'probe' });
  spec.todo('ra2.ntw.012', { kind: 'inspect' });
  spec.todo('ra2.ntw.013', { kind: 'probe' });
  spec.todo('ra2.ntw.014', { kind: 'probe' });
  spec.todo('ra2.ntw.015', { kind: 'probe' });
});
