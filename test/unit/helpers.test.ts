import { expect } from 'chai';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { parseCgroupReport, parseCpuList, parseLimit } from '../../helpers/probes/cgroup.js';
import { CleanupStack } from '../../helpers/framework/cleanup.js';
import { exitCodeOf } from '../../helpers/k8s/exec.js';
import { withImagePrefix } from '../../helpers/framework/images.js';
import { namespaceName, runLabels } from '../../helpers/framework/labels.js';
import { workers } from '../../helpers/k8s/nodes.js';
import { profileOfNodes } from '../../helpers/framework/profile.js';
import { parseQuantity } from '../../helpers/k8s/quantity.js';
import { waitFor, WaitTimeoutError } from '../../helpers/k8s/wait.js';
import { atLeastOnePerZone } from '../../suites/kubernetes.js';
import { capacityAtLeast, cpuCommitment } from '../../suites/node.js';

const node = (
  name: string,
  labels: Record<string, string>,
  status: V1Node['status'] = {},
): V1Node => ({ metadata: { name, labels }, status });

describe('helpers', () => {
  it('parses cgroup v1 and v2 reports', () => {
    expect(parseCpuList('0-3,8,10-11')).to.deep.equal([0, 1, 2, 3, 8, 10, 11]);
    expect(parseLimit('max')).to.equal(null);
    expect(parseLimit('9223372036854771712')).to.equal(null);
    const v2 = parseCgroupReport(
      'version=2\ncpuset=2-3\nmemory=268435456\nhugetlb.2MB=4194304\nhugetlb.1GB=max\n',
    );
    expect(v2).to.deep.equal({
      version: 2,
      cpuset: [2, 3],
      memoryLimitBytes: 268435456,
      hugetlbLimitBytes: { '2MB': 4194304, '1GB': null },
    });
    expect(
      parseCgroupReport('version=1\ncpuset=0\nmemory=9223372036854771712\n').memoryLimitBytes,
    ).to.equal(null);
  });

  it('parses quantities', () => {
    expect(parseQuantity('250m')).to.equal(0.25);
    expect(parseQuantity('32Gi')).to.equal(32 * 2 ** 30);
    expect(parseQuantity('61255492Ki')).to.equal(61255492 * 1024);
    expect(parseQuantity('320G')).to.equal(320e9);
  });

  it('runs cleanup last-in-first-out and continues past errors, rethrowing the first', async () => {
    const order: string[] = [];
    const stack = new CleanupStack();
    stack.push('a', () => Promise.resolve(void order.push('a')));
    stack.push('b', () => Promise.reject(new Error('b failed')));
    stack.push('c', () => Promise.resolve(void order.push('c')));
    const logged: string[] = [];
    let thrown: unknown;
    await stack.runAll((l) => logged.push(l)).catch((e: unknown) => (thrown = e));
    expect(order).to.deep.equal(['c', 'a']);
    expect((thrown as Error).message).to.equal('b failed');
    expect(logged[0]).to.contain('cleanup "b" failed');
    expect(stack.size).to.equal(0);
  });

  it('waits with a deadline, logging and reporting the last object seen', async () => {
    const lines: string[] = [];
    let n = 0;
    expect(
      await waitFor(
        'n to reach 3',
        () => Promise.resolve(++n),
        (v) => v >= 3,
        { timeoutMs: 1000, intervalMs: 1, log: (l) => lines.push(l) },
      ),
    ).to.equal(3);
    expect(lines[0]).to.match(/^Waiting up to 1s for n to reach 3/);
    try {
      await waitFor(
        'never',
        () => Promise.resolve({ phase: 'Pending' }),
        () => false,
        { timeoutMs: 20, intervalMs: 5, log: () => {} },
      );
      expect.fail('should time out');
    } catch (err) {
      expect(err).to.be.instanceOf(WaitTimeoutError);
      expect((err as WaitTimeoutError).lastSeen).to.deep.equal({ phase: 'Pending' });
    }
  });

  it('pauses a full interval after a poll, or only what is left of it when not sliding', async () => {
    const { pauseAfterPoll } = await import('../../helpers/k8s/wait.js');
    const at = (ms: number) => 1_000_000 + ms;
    // A poll that took 3 s (a connect timing out) against a 1 s interval and a far deadline.
    expect(pauseAfterPoll({ intervalMs: 1000 }, at(0), at(3000), at(60_000))).to.equal(1000);
    expect(
      pauseAfterPoll({ intervalMs: 1000, sliding: false }, at(0), at(3000), at(60_000)),
    ).to.equal(0);
    // A quick poll waits out the rest of the interval; never past the deadline.
    expect(
      pauseAfterPoll({ intervalMs: 1000, sliding: false }, at(0), at(200), at(60_000)),
    ).to.equal(800);
    expect(pauseAfterPoll({ intervalMs: 1000 }, at(0), at(200), at(500))).to.equal(300);
  });

  it('labels objects for the run and sonobuoy, and names namespaces after the check', () => {
    expect(runLabels('r1', 'ra2.k8s.010')).to.deep.include({
      'app.kubernetes.io/managed-by': 'ra2-conformance',
      'ra2.anuket.io/run': 'r1',
      'e2e-framework': 'ra2.k8s.010',
      'e2e-run': 'r1',
    });
    expect(namespaceName('ra2.k8s.012b')).to.match(/^ra2-k8s-012b-[a-z0-9]{5}$/);
  });

  it('prefixes images for air-gapped registries', () => {
    expect(withImagePrefix('ra2-testbed/agnhost:v1.35.4', undefined)).to.equal(
      'ra2-testbed/agnhost:v1.35.4',
    );
    expect(withImagePrefix('ra2-testbed/agnhost:v1.35.4', 'reg.local:5000/mirror/')).to.equal(
      'reg.local:5000/mirror/ra2-testbed/agnhost:v1.35.4',
    );
    expect(withImagePrefix('registry.k8s.io/e2e/agnhost:2.5', 'reg.local')).to.equal(
      'reg.local/e2e/agnhost:2.5',
    );
  });

  it('reads exit codes from exec statuses', () => {
    expect(exitCodeOf({ status: 'Success' })).to.equal(0);
    expect(
      exitCodeOf({
        status: 'Failure',
        details: { causes: [{ reason: 'ExitCode', message: '7' }] },
      }),
    ).to.equal(7);
  });

  it('selects workers and resolves the profile from node labels', () => {
    const nodes = [
      node('cp', { 'node-role.kubernetes.io/control-plane': '' }),
      node('w1', { 'anuket.io/profile-network-intensive': 'true' }),
    ];
    expect(workers(nodes).map((n) => n.metadata?.name)).to.deep.equal(['w1']);
    expect(profileOfNodes(nodes).profile).to.equal('network-intensive');
    expect(profileOfNodes(nodes.slice(0, 1)).profile).to.equal('basic');
  });
});

describe('node and topology checks (pure parts)', () => {
  it('needs a control-plane node in every zone', () => {
    const nodes = [
      node('cp-a', {
        'node-role.kubernetes.io/control-plane': '',
        'topology.kubernetes.io/zone': 'a',
      }),
      node('w-a', { 'topology.kubernetes.io/zone': 'a' }),
      node('w-b', { 'topology.kubernetes.io/zone': 'b' }),
    ];
    const verdict = atLeastOnePerZone(nodes, 'control-plane', (ns) =>
      ns.filter((n) => n.metadata?.labels?.['node-role.kubernetes.io/control-plane'] !== undefined),
    );
    expect(verdict.status).to.equal('failed');
    expect(verdict.status === 'failed' && verdict.observed).to.equal(
      'no control-plane node in zone(s) b',
    );
    expect(atLeastOnePerZone(nodes, 'worker', workers).status).to.equal('passed');
  });

  it('sums CPU requests and limits of the pods bound to a node', () => {
    const pod = (nodeName: string, cpu: string): V1Pod => ({
      spec: {
        nodeName,
        containers: [{ name: 'c', resources: { requests: { cpu }, limits: { cpu } } }],
      },
    });
    const n = node('w1', {}, { allocatable: { cpu: '2' } });
    expect(cpuCommitment(n, [pod('w1', '500m'), pod('w1', '1'), pod('w2', '4')])).to.deep.include({
      requests: 1.5,
      limits: 1.5,
      allocatable: 2,
      pods: 2,
    });
  });

  it('fails capacity below the minimum with the measured values', () => {
    const small = node('kind-worker', {}, { capacity: { memory: '16Gi' } });
    const verdict = capacityAtLeast([small], 'memory', 32e9, 'RAM');
    expect(verdict.status).to.equal('failed');
    expect(verdict.status === 'failed' && verdict.observed).to.match(/kind-worker: 16\.0 GiB/);
  });
});
