/**
 * ra2.ntw.005, 006, 009 and 015: the judges of the multiplexer/meta-plugin
 * rows. Red: a deployed multiplexer that is not running or half there, a
 * pod the multiplexer did not attach through CNI, a NetworkAttachmentDefinition
 * that is no CNI configuration, an IPAM that hands out no or the same
 * address on two nodes; green: Multus and whereabouts as the
 * network-intensive bed runs them. Without a multiplexer the "if used" rows
 * are not applicable.
 */
import { expect } from 'chai';
import type { Verdict } from '../../helpers/framework/result.js';
import type { ComponentPod } from '../../helpers/k8s/components.js';
import type { ConnectAttempt } from '../../helpers/probes/netexec.js';
import type {
  AttachmentObservation,
  Multiplexer,
  NetworkAttachmentDefinition,
} from '../../helpers/probes/network-attachment.js';
import {
  attachmentConfigs,
  judgeAttachmentPlugins,
  judgeClusterIpam,
  judgeMultiplexerCni,
  judgeMultiplexerDeployment,
  multiplexerNotUsed,
  secondaryAddressesDistinct,
  type SecondaryAddress,
} from '../../suites/rules/networking-multiplexer.js';

/** A text field of a verdict (observed, reason, summary), '' when it has none. */
const field = (v: Verdict, key: 'observed' | 'reason' | 'summary'): string =>
  ((v as Record<string, unknown>)[key] as string | undefined) ?? '';

const multusPod = (o: Partial<ComponentPod> = {}): ComponentPod => ({
  namespace: 'kube-system',
  pod: 'kube-multus-ds-abcde',
  node: 'worker-a',
  owner: 'DaemonSet/kube-multus-ds',
  phase: 'Running',
  ready: true,
  images: ['ghcr.io/k8snetworkplumbingwg/multus-cni:v4.1.0'],
  ...o,
});
const multiplexer = (served: boolean, pods: ComponentPod[]): Multiplexer => ({
  nad: { served, groupVersions: served ? ['k8s.cni.cncf.io/v1'] : [] },
  pods,
});

describe('ra2.ntw.005 multiplexer deployed', () => {
  it('fails when the multiplexer pod does not run, naming it', () => {
    const v = judgeMultiplexerDeployment(
      multiplexer(true, [
        multusPod(),
        multusPod({
          pod: 'kube-multus-ds-fghij',
          node: 'worker-b',
          phase: 'Pending',
          ready: false,
        }),
      ]),
    );
    expect(v.status).to.equal('failed');
    expect(field(v, 'observed')).to.equal(
      'not running: kube-system/kube-multus-ds-fghij on worker-b (Pending, not ready)',
    );
  });

  it('fails when the NetworkAttachmentDefinition API is served but no multiplexer pod exists', () => {
    const v = judgeMultiplexerDeployment(multiplexer(true, []));
    expect(v.status).to.equal('failed');
    expect(field(v, 'observed')).to.match(
      /network-attachment-definitions.* is served but no multiplexer pod runs/,
    );
  });

  it('fails when multiplexer pods run but the NetworkAttachmentDefinition API is not served', () => {
    const v = judgeMultiplexerDeployment(multiplexer(false, [multusPod()]));
    expect(v.status).to.equal('failed');
    expect(field(v, 'observed')).to.match(
      /^multiplexer pods found but .*network-attachment-definitions.* is not served$/,
    );
  });

  it('is not applicable, never passed, when no multiplexer is deployed (a MAY row)', () => {
    const v = judgeMultiplexerDeployment(multiplexer(false, []));
    expect(v).to.include({ status: 'skipped', applicability: 'not-applicable' });
    expect(field(v, 'reason')).to.contain('no multiplexer/meta-plugin is deployed');
  });

  it('passes when the API is served and every multiplexer pod runs', () => {
    const v = judgeMultiplexerDeployment(multiplexer(true, [multusPod()]));
    expect(v.status).to.equal('passed');
    expect(field(v, 'summary')).to.contain('1 pod(s) running');
  });
});

describe('rows that apply if a multiplexer is used (ra2.ntw.006, 007, 009, 015)', () => {
  it('are not applicable without the NetworkAttachmentDefinition API or without a multiplexer pod', () => {
    for (const m of [
      multiplexer(false, []),
      multiplexer(true, []),
      multiplexer(false, [multusPod()]),
    ]) {
      const v = multiplexerNotUsed(m);
      expect(v).to.include({ status: 'skipped', applicability: 'not-applicable' });
      expect(field(v!, 'reason')).to.contain(
        'applies if a multiplexer/meta-plugin is used; none is',
      );
    }
  });
  it('apply when the API is served and a multiplexer pod exists', () => {
    expect(multiplexerNotUsed(multiplexer(true, [multusPod()]))).to.equal(undefined);
  });
});

/** What a pod shows inside (ip addr) and in its network-status. */
const observation = (
  inside: Record<string, string[]>,
  status: AttachmentObservation['status'],
): AttachmentObservation => ({ inside, status, evidence: { inside, status } });
const defaultNet = { name: 'kindnet', interface: 'eth0', ips: ['10.244.1.5'], default: true };
const net1 = { name: 'ra2-ntw/extra', interface: 'net1', ips: ['198.18.6.2'], default: false };
const attached = observation({ eth0: ['10.244.1.5'], net1: ['198.18.6.2'] }, [defaultNet, net1]);

describe('ra2.ntw.006 multiplexer called through CNI', () => {
  it('fails when the pod has only its default interface and no network-status (the multiplexer was not called)', () => {
    const v = judgeMultiplexerCni(observation({ eth0: ['10.244.1.5'] }, []));
    expect(v.status).to.equal('failed');
    expect(field(v, 'observed')).to.equal(
      'network-status has no default network; net1 missing or without address',
    );
  });

  it('fails when net1 is published in network-status but not inside the pod', () => {
    const v = judgeMultiplexerCni(observation({ eth0: ['10.244.1.5'] }, [defaultNet, net1]));
    expect(v.status).to.equal('failed');
    expect(field(v, 'observed')).to.equal('net1 missing or without address');
  });

  it('fails when the pod has no default interface eth0', () => {
    const v = judgeMultiplexerCni(observation({ net1: ['198.18.6.2'] }, [defaultNet, net1]));
    expect(v.status).to.equal('failed');
    expect(field(v, 'observed')).to.equal('no default interface eth0 inside the pod');
  });

  it('passes when the default network and net1 are inside the pod and in network-status', () => {
    const v = judgeMultiplexerCni(attached);
    expect(v.status).to.equal('passed');
    expect(field(v, 'summary')).to.contain('default network (kindnet) and net1');
  });
});

describe('ra2.ntw.009 attachments managed by CNI plugins', () => {
  const nad = (name: string, config: string): NetworkAttachmentDefinition => ({
    namespace: 'default',
    name,
    config,
    annotations: {},
  });
  const macvlan = nad('ni-net1', '{"cniVersion":"0.3.1","name":"ni-net1","type":"macvlan"}');

  it('fails on NetworkAttachmentDefinitions whose config is no CNI configuration, naming each', () => {
    const existing = attachmentConfigs([
      macvlan,
      nad('no-version', '{"name":"x","type":"macvlan"}'),
      nad('not-json', 'type: macvlan'),
      nad('no-type', '{"cniVersion":"1.0.0","name":"y"}'),
    ]);
    const v = judgeAttachmentPlugins(existing, attached);
    expect(v.status).to.equal('failed');
    expect(field(v, 'observed')).to.equal(
      'default/no-version: config has no cniVersion; default/not-json: config is not JSON; default/no-type: config names no plugin type',
    );
  });

  it('fails when the probe’s macvlan attachment did not appear', () => {
    const v = judgeAttachmentPlugins(
      attachmentConfigs([macvlan]),
      observation({ eth0: ['10.244.1.5'] }, [defaultNet]),
    );
    expect(v.status).to.equal('failed');
    expect(field(v, 'observed')).to.equal('the macvlan attachment net1 did not appear');
  });

  it('passes CNI configurations, a config kept in a file on the nodes, and a made attachment', () => {
    const v = judgeAttachmentPlugins(attachmentConfigs([macvlan, nad('on-node', '')]), attached);
    expect(v.status).to.equal('passed');
    expect(field(v, 'summary')).to.contain('2 NetworkAttachmentDefinition(s)');
  });

  it('judges the probe’s own attachment when the cluster has no NetworkAttachmentDefinition', () => {
    expect(judgeAttachmentPlugins([], attached).status).to.equal('passed');
    expect(judgeAttachmentPlugins([], observation({ eth0: ['10.244.1.5'] }, [])).status).to.equal(
      'failed',
    );
  });
});

describe('ra2.ntw.015 IPAM for secondary networks across nodes', () => {
  const at = (pod: string, node: string, ip?: string): SecondaryAddress => ({ pod, node, ip });
  const reached: ConnectAttempt = {
    from: 'client',
    target: '198.18.16.1:8080',
    reachable: true,
    outcome: 'reached',
    exitCode: 0,
    detail: '',
  };
  const evidence = { server: 'worker-a: net1 …', client: 'worker-b: net1 …' };

  it('fails when a node-local IPAM hands out the same address on both nodes', () => {
    const same = [at('server', 'worker-a', '198.18.16.1'), at('client', 'worker-b', '198.18.16.1')];
    expect(secondaryAddressesDistinct(same)).to.equal(false);
    const v = judgeClusterIpam(same, undefined, evidence);
    expect(v.status).to.equal('failed');
    expect(v).to.include({ expected: 'distinct secondary addresses across nodes' });
    expect(field(v, 'observed')).to.equal(
      'server on worker-a and client on worker-b got the same address 198.18.16.1',
    );
  });

  it('fails when the IPAM gave a pod no address', () => {
    const none = [at('server', 'worker-a', '198.18.16.1'), at('client', 'worker-b')];
    expect(secondaryAddressesDistinct(none)).to.equal(false);
    const v = judgeClusterIpam(none, undefined, evidence);
    expect(v.status).to.equal('failed');
    expect(field(v, 'observed')).to.equal('server 198.18.16.1, client none');
    expect(judgeClusterIpam([], undefined, evidence).status).to.equal('failed');
  });

  it('fails when the pods cannot reach each other over their distinct addresses', () => {
    const distinct = [
      at('server', 'worker-a', '198.18.16.1'),
      at('client', 'worker-b', '198.18.16.2'),
    ];
    const v = judgeClusterIpam(
      distinct,
      { ...reached, reachable: false, outcome: 'blocked', exitCode: 1, detail: 'TIMEOUT' },
      evidence,
    );
    expect(v.status).to.equal('failed');
    expect(field(v, 'observed')).to.equal('198.18.16.1:8080: TIMEOUT');
  });

  it('skips, never passes, distinct addresses no connection was tried over', () => {
    const distinct = [
      at('server', 'worker-a', '198.18.16.1'),
      at('client', 'worker-b', '198.18.16.2'),
    ];
    const v = judgeClusterIpam(distinct, undefined, evidence);
    expect(v.status).to.equal('skipped');
    expect(field(v, 'reason')).to.contain('nothing to judge');
  });

  it('passes distinct addresses across nodes that connect', () => {
    const distinct = [
      at('server', 'worker-a', '198.18.16.1'),
      at('client', 'worker-b', '198.18.16.2'),
    ];
    expect(secondaryAddressesDistinct(distinct)).to.equal(true);
    const v = judgeClusterIpam(distinct, reached, evidence);
    expect(v.status).to.equal('passed');
    expect(field(v, 'summary')).to.equal(
      'pods on worker-a and worker-b got distinct secondary addresses 198.18.16.1, 198.18.16.2 and connected over them',
    );
  });
});
