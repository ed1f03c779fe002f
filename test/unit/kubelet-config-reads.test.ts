import { expect } from 'chai';
import type { CoreV1Api } from '@kubernetes/client-node';
import {
  KUBELET_CONFIG_READS_AT_ONCE,
  readKubeletConfigs,
} from '../../helpers/k8s/kubelet-config.js';

/** A node proxy that answers configz after a tick, counting the reads in flight. */
function proxyCountingReads(unreachable: (node: string) => boolean) {
  let inFlight = 0;
  let most = 0;
  const core = {
    connectGetNodeProxyWithPath: async ({ name }: { name: string }) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
      if (unreachable(name)) throw new Error(`dial tcp: no route to host for ${name}`);
      return JSON.stringify({ kubeletconfig: { cpuManagerPolicy: 'static' } });
    },
  } as unknown as CoreV1Api;
  return { core, most: () => most };
}

describe('kubelet configuration reads (helpers/k8s/kubelet-config.ts)', () => {
  const nodes = Array.from({ length: 200 }, (_, i) => `node-${i}`);

  it('reads a thousand-node fleet a bounded number at a time, in node order', async () => {
    const proxy = proxyCountingReads(() => false);
    const readings = await readKubeletConfigs(proxy.core, nodes);
    expect(proxy.most()).to.equal(KUBELET_CONFIG_READS_AT_ONCE);
    expect(readings.map((r) => r.node)).to.deep.equal(nodes);
    expect(readings.every((r) => 'config' in r && r.config.cpuManagerPolicy === 'static')).to.equal(
      true,
    );
  });

  it('keeps each unreachable node as its own error and reads the others', async () => {
    const proxy = proxyCountingReads((node) => node.endsWith('7'));
    const readings = await readKubeletConfigs(proxy.core, nodes, 4);
    const failed = readings.filter((r) => 'error' in r);
    expect(proxy.most()).to.equal(4);
    expect(failed).to.have.length(20);
    expect(failed[0]).to.deep.equal({
      node: 'node-7',
      error: 'dial tcp: no route to host for node-7',
    });
  });
});
