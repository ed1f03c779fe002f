/**
 * A check cut short (SIGTERM, the run's deadline) while a create call is in
 * flight: the object that call makes is still deleted by the run. CI saw a
 * check namespace with its pod, ConfigMap, Secret and PVC outlive a SIGTERMed
 * run; the body had gone on past the cleanup, which had already run.
 */
import { expect } from 'chai';
import type { KubeConfig } from '@kubernetes/client-node';
import { CleanupStack } from '../../helpers/framework/cleanup.js';
import { executeCheck, RunInterrupted } from '../../helpers/framework/runner.js';
import { bindSuites, defineSuite } from '../../helpers/framework/registry.js';
import { pass } from '../../helpers/framework/result.js';
import { defaultTimeouts } from '../../helpers/framework/timeouts.js';
import type { Cluster } from '../../helpers/k8s/cluster.js';
import { loadCatalog, DEFAULT_RELEASE } from '../../catalog/index.js';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('cleanup of a check cut short', () => {
  it('runs a step registered after the stack ran, at once', async () => {
    const stack = new CleanupStack();
    const logged: string[] = [];
    await stack.runAll((line) => logged.push(line));
    let ran = false;
    stack.push('delete namespace late', () => Promise.resolve(void (ran = true)));
    await delay(0);
    expect(ran).to.equal(true);
    expect(logged.join('\n')).to.contain('registered after the cleanup ran');
  });

  it('deletes the namespace whose create call was in flight when the run was interrupted', async () => {
    const catalog = loadCatalog(DEFAULT_RELEASE);
    const calls: string[] = [];
    const core = {
      // The API answers the create 50 ms after the interruption.
      createNamespace: async () => {
        calls.push('create');
        await delay(60);
        return {};
      },
      deleteNamespace: () => {
        calls.push('delete');
        return Promise.resolve({});
      },
    };
    const cluster = {
      kc: {} as KubeConfig,
      core,
      server: 'https://fake.invalid',
    } as unknown as Cluster;
    const suite = defineSuite('storage', (spec) =>
      spec('ra2.stg.005', { kind: 'probe', observes: 'volumes' }, async (ctx) => {
        await ctx.namespace();
        return pass('never reached in this test');
      }),
    );
    const [check] = bindSuites(catalog, [suite]);
    const run = new AbortController();
    setTimeout(
      () => run.abort(new RunInterrupted({ cause: 'signal', detail: 'SIGTERM received' })),
      10,
    );
    const result = await executeCheck(catalog, check!, {
      cluster,
      runId: 'run',
      profile: 'basic',
      timeouts: { ...defaultTimeouts, pollInterval: 1 },
      probeImage: 'registry.invalid/agnhost:2.59',
      runSignal: run.signal,
    });
    expect(result.status).to.equal('skipped');
    expect(result.message).to.contain('SIGTERM received');
    expect(calls).to.deep.equal(['create', 'delete']);
  });
});
