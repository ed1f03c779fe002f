/**
 * KindNodeJig.addresses: what the ha failover test compares before a node container stops
 * and after it starts again, read from Docker's inspect answer.
 */
import { expect } from 'chai';
import type Docker from 'dockerode';
import { KindNodeJig } from '../../helpers/probes/kind-nodes.js';

/** A Docker client whose one container reports these networks. */
function dockerWith(networks: Record<string, { IPAddress: string; GlobalIPv6Address: string }>) {
  const container = { inspect: () => Promise.resolve({ NetworkSettings: { Networks: networks } }) };
  return { getContainer: () => container } as unknown as Docker;
}

describe('KindNodeJig.addresses', () => {
  it('lists the IPv4 and IPv6 address on every network, sorted', async () => {
    const jig = new KindNodeJig(
      dockerWith({
        kind: { IPAddress: '172.18.0.4', GlobalIPv6Address: 'fc00:f853:ccd:e793::4' },
        'ra2-network-intensive-net1': { IPAddress: '10.250.1.2', GlobalIPv6Address: '' },
      }),
    );
    expect(await jig.addresses('node')).to.deep.equal([
      '10.250.1.2',
      '172.18.0.4',
      'fc00:f853:ccd:e793::4',
    ]);
  });

  it('has none for a stopped container (no address on any network)', async () => {
    const jig = new KindNodeJig(dockerWith({ kind: { IPAddress: '', GlobalIPv6Address: '' } }));
    expect(await jig.addresses('node')).to.deep.equal([]);
  });
});
