/**
 * 4.4 Container runtimes. Planned: read each node's containerRuntimeVersion
 * and the RuntimeClasses (inspect), and run an OCI-behaviour probe.
 */
import { defineSuite } from '../helpers/registry.js';

export default defineSuite('runtime', (spec) => {
  spec.todo('ra2.crt.001', { kind: 'probe' });
  spec.todo('ra2.crt.002', { kind: 'inspect' });
});
