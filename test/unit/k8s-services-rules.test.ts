/** ra2.k8s.010 (dual stack), ra2.k8s.017 (NodePort), ra2.k8s.018 (ExternalName): the verdicts on what the probes saw. */
import { expect } from 'chai';
import { ApiException, type V1Node } from '@kubernetes/client-node';
import type { Verdict } from '../../helpers/framework/result.js';
import type { ConnectAttempt, HttpAttempt } from '../../helpers/probes/netexec.js';
import {
  dualStackClusterIps,
  dualStackRefused,
  externalNameUnresolved,
  judgeDualStackReach,
  judgeExternalNameHttp,
  judgeNodePortReach,
  nodePortTargets,
  refusalMessage,
  resolvesAsCname,
  usableNodePort,
} from '../../suites/rules/kubernetes-services.js';

function reached(target: string): ConnectAttempt {
  return { from: 'client', target, reachable: true, outcome: 'reached', exitCode: 0, detail: '' };
}
function refused(target: string, detail = 'REFUSED'): ConnectAttempt {
  return { from: 'client', target, reachable: false, outcome: 'blocked', exitCode: 1, detail };
}
function observedOf(verdict: Verdict): string {
  expect(verdict.status).to.equal('failed');
  return verdict.status === 'failed' ? verdict.observed : '';
}

describe('dual-stack Service (ra2.k8s.010)', () => {
  // What kube-apiserver answers a RequireDualStack Service on a single-stack cluster.
  const singleStackStatus = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    message:
      'Service "dual-stack" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services',
    reason: 'Invalid',
    code: 422,
  });

  it('fails a single-stack IPv4 cluster that refuses RequireDualStack, naming the API server’s reason', () => {
    const refusal = new ApiException(422, 'Unknown API Status Code!', singleStackStatus, {});
    const verdict = dualStackRefused(refusalMessage(refusal.message, refusal.body));
    expect(verdict).to.include({
      status: 'failed',
      expected: 'a Service with ipFamilyPolicy RequireDualStack to be accepted',
    });
    expect(observedOf(verdict)).to.equal(
      'rejected: Service "dual-stack" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services',
    );
  });

  it('falls back to the first line of the error when the body is no Status', () => {
    expect(refusalMessage('HTTP-Code: 422\nMessage: x', 'not json')).to.equal('HTTP-Code: 422');
  });

  it('fails a Service that got only an IPv4 ClusterIP', () => {
    const allocated = dualStackClusterIps(['10.96.0.10']);
    expect('status' in allocated && observedOf(allocated)).to.equal('clusterIPs ["10.96.0.10"]');
  });

  it('fails when the server does not answer over the IPv6 ClusterIP, naming it', () => {
    const ips = ['10.96.0.10', 'fd00:10:96::a'];
    const verdict = judgeDualStackReach(ips, { ipv4: ips[0]!, ipv6: ips[1]! }, [
      reached('10.96.0.10:8080'),
      refused('[fd00:10:96::a]:8080', 'TIMEOUT'),
    ]);
    expect(observedOf(verdict)).to.equal('[fd00:10:96::a]:8080: exit 1 TIMEOUT');
  });

  it('passes two families allocated and reached', () => {
    const ips = ['10.96.0.10', 'fd00:10:96::a'];
    const allocated = dualStackClusterIps(ips);
    expect(allocated).to.deep.equal({ ipv4: '10.96.0.10', ipv6: 'fd00:10:96::a' });
    const verdict = judgeDualStackReach(ips, allocated as { ipv4: string; ipv6: string }, [
      reached('10.96.0.10:8080'),
      reached('[fd00:10:96::a]:8080'),
    ]);
    expect(verdict.status).to.equal('passed');
  });
});

describe('NodePort Service (ra2.k8s.017)', () => {
  const node = (name: string, addresses: string[], controlPlane = false): V1Node => ({
    metadata: {
      name,
      labels: controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {},
    },
    status: { addresses: addresses.map((address) => ({ type: 'InternalIP', address })) },
  });
  const nodes = [
    node('cp', ['172.18.0.2'], true),
    node('w1', ['172.18.0.3', 'fc00:f853:ccd:e793::3']),
    node('w2', ['172.18.0.4']),
  ];

  it('tries every worker on its InternalIP of the Service’s family, never the control plane', () => {
    expect(nodePortTargets(nodes, 'IPv4')).to.deep.equal([
      { node: 'w1', ip: '172.18.0.3' },
      { node: 'w2', ip: '172.18.0.4' },
    ]);
    expect(nodePortTargets(nodes, 'IPv6')).to.deep.equal([
      { node: 'w1', ip: 'fc00:f853:ccd:e793::3' },
    ]);
  });

  it('fails a Service that got no node port', () => {
    const targets = nodePortTargets(nodes, 'IPv4');
    const spec = { ports: [{ port: 8080 }] };
    expect(observedOf(usableNodePort(spec, 'IPv4', targets) as Verdict)).to.equal(
      'nodePort none, worker IPv4 InternalIPs: 2',
    );
    expect(usableNodePort({ ports: [{ port: 8080, nodePort: 31000 }] }, 'IPv4', targets)).to.equal(
      31000,
    );
  });

  it('fails when one worker does not answer on the node port, naming it', () => {
    const verdict = judgeNodePortReach(31000, [
      { node: 'w1', ...reached('172.18.0.3:31000') },
      { node: 'w2', ...refused('172.18.0.4:31000') },
    ]);
    expect(verdict).to.include({
      status: 'failed',
      expected: 'the server reachable on nodePort 31000 of every worker tried',
    });
    expect(observedOf(verdict)).to.equal('w2 172.18.0.4:31000: REFUSED');
  });

  it('passes when every worker answers', () => {
    const verdict = judgeNodePortReach(31000, [
      { node: 'w1', ...reached('172.18.0.3:31000') },
      { node: 'w2', ...reached('172.18.0.4:31000') },
    ]);
    expect(verdict.status).to.equal('passed');
  });
});

describe('ExternalName Service (ra2.k8s.018)', () => {
  const alias = 'alias.ns1.svc.cluster.local';
  const backend = 'backend.ns1.svc.cluster.local';
  const cname = {
    stdout: `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n${alias}\tcanonical name = ${backend}.\nName:\t${backend}\nAddress: 10.96.12.34\n`,
    stderr: '',
  };
  const nxdomain = {
    stdout: 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n',
    stderr: `** server can't find ${alias}: NXDOMAIN\n`,
  };
  const http = (status: number, body: string, detail = 'curl exit 0'): HttpAttempt => ({
    from: 'client',
    url: `http://${alias}:8080/hostname`,
    status,
    body,
    detail,
  });

  it('fails when the cluster DNS does not answer the alias with a CNAME of the backend', () => {
    expect(resolvesAsCname(nxdomain.stdout, backend)).to.equal(false);
    const verdict = externalNameUnresolved(alias, backend, nxdomain);
    expect(verdict?.status).to.equal('failed');
    expect(observedOf(verdict!)).to.contain(`server can't find ${alias}: NXDOMAIN`);
  });

  it('fails when the alias resolves but the backend does not answer through it', () => {
    const url = `http://${alias}:8080/hostname`;
    const verdict = judgeExternalNameHttp(
      alias,
      backend,
      url,
      http(0, '', 'curl: (7) Failed to connect'),
      {},
    );
    expect(observedOf(verdict)).to.equal('status 0, body "", curl: (7) Failed to connect');
  });

  it('passes a CNAME of the backend that carries the request', () => {
    expect(resolvesAsCname(cname.stdout, backend)).to.equal(true);
    expect(externalNameUnresolved(alias, backend, cname)).to.equal(undefined);
    const url = `http://${alias}:8080/hostname`;
    expect(judgeExternalNameHttp(alias, backend, url, http(200, 'server'), {}).status).to.equal(
      'passed',
    );
  });
});
