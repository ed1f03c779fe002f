/**
 * Driving the real runner without a cluster: a Cluster whose every API call
 * succeeds with nothing, and a suite of probe checks that pass at once, save
 * the one that waits until the run stops it. Shared by the tests of the CLI,
 * the Sonobuoy plugin and the interruption rules.
 */
import type { CoreV1Api } from '@kubernetes/client-node';
import { ClusterInventory } from '../../helpers/k8s/inventory.js';
import type { Cluster } from '../../helpers/k8s/cluster.js';
import { defineSuite, type Suite } from '../../helpers/framework/registry.js';
import { pass } from '../../helpers/framework/result.js';
import type { RunOptions } from '../../helpers/framework/runner.js';

/** Every method of every API client resolves to an empty list. */
function emptyApi(): unknown {
  return new Proxy(
    {},
    {
      get: (_target, name) => (name === 'then' ? undefined : () => Promise.resolve({ items: [] })),
    },
  );
}

export function fakeCluster(): Cluster {
  const api = emptyApi();
  return {
    kc: { makeApiClient: () => api },
    core: api,
    inventory: new ClusterInventory(api as CoreV1Api),
    server: 'https://fake.invalid',
    contextName: 'fake',
  } as unknown as Cluster;
}

/** Rows of section 4.3 that apply to the basic profile, in catalog order. */
export const FAKE_ROWS = [
  'ra2.k8s.001',
  'ra2.k8s.002',
  'ra2.k8s.003',
  'ra2.k8s.012a',
  'ra2.k8s.004',
];

/**
 * Probe checks on FAKE_ROWS: each passes at once but the one at `hangAt`,
 * which calls `onStarted` and then waits for its signal (the run's stop).
 */
export function fakeSuite(hangAt: number, onStarted: () => void = () => {}): Suite {
  return defineSuite('kubernetes', (spec) => {
    FAKE_ROWS.forEach((id, index) =>
      spec(id, { kind: 'probe', observes: `the fake observation of ${id}` }, async (ctx) => {
        if (index !== hangAt) return pass('fine');
        onStarted();
        await new Promise<void>((resolve) =>
          ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        return pass('never reached: the run stopped first');
      }),
    );
  });
}

/** Runner options for a fake run: the suite, the fake cluster, no preflight, the basic profile. */
export function fakeRunOptions(
  suite: Suite,
): Pick<RunOptions, 'suites' | 'connectCluster' | 'skipPreflight'> {
  return { suites: [suite], connectCluster: fakeCluster, skipPreflight: true };
}
