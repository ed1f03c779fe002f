/**
 * A probe image the nodes cannot pull is the platform's problem, said at once:
 * `ra2 run` stops within a minute with exit 2 and one line naming the image,
 * the node, the kubelet's reason and the setting that fixes it, and leaves
 * nothing in the cluster. Inside a check, a pod wait that meets the same
 * reason ends at once as an `error` of that check, never as a failure.
 */
import { expect } from 'chai';
import { EXIT_USAGE_OR_ENVIRONMENT } from '../../helpers/framework/result.js';
import { defineSuite } from '../../helpers/framework/registry.js';
import { runSuite } from '../../helpers/framework/runner.js';
import { pass } from '../../helpers/framework/result.js';
import { describeResult, lines, printedRunId, runCli } from './support/cli.js';
import { openCluster, waitForNoLeftovers } from './support/cluster.js';
import { requireKubeconfig } from './support/env.js';
import { e2eTimeouts, withMargin } from './support/timeouts.js';

/**
 * A registry on the node's own loopback, port 1, where nothing listens: every node fails the
 * pull at once (connection refused), and the attempt never leaves the node (no DNS lookup).
 */
const unpullable = '127.0.0.1:1/ra2-e2e/agnhost:0.0.0-missing';
/** The bound: the run stops within a minute. */
const STOP_WITHIN_MS = 60_000;

describe('a probe image the nodes cannot pull', function () {
  this.timeout(withMargin(e2eTimeouts.focusedRun));
  const kubeconfig = requireKubeconfig('basic');
  const cluster = openCluster(kubeconfig);

  it('ra2 run: exit 2 within 60 s, one line naming image, node, reason and fix; nothing left', async () => {
    const result = await runCli(
      ['run', '--kubeconfig', kubeconfig, '--focus', 'ra2.stg.001', '--probe-image', unpullable],
      e2eTimeouts.environmentError,
    );
    expect(result.exitCode, describeResult(result)).to.equal(EXIT_USAGE_OR_ENVIRONMENT);
    expect(result.durationMs, describeResult(result)).to.be.below(STOP_WITHIN_MS);
    expect(lines(result.stderr), describeResult(result)).to.have.length(1);
    expect(result.stderr).to.match(
      /^ra2: the probe image 127\.0\.0\.1:1\/ra2-e2e\/agnhost:0\.0\.0-missing cannot run on node \S+: (ErrImagePull|ImagePullBackOff)/,
    );
    expect(result.stderr).to.contain('--probe-image');
    expect(result.stderr).to.not.match(/^\s+at /m);
    // No row was judged: the run stopped before the checks.
    expect(result.stdout).to.not.match(/\bFAIL\b/);
    const runId = printedRunId(result.stdout);
    expect(runId, describeResult(result)).to.be.a('string');
    await waitForNoLeftovers(cluster, [runId ?? '']);
  });

  it('a pod wait inside a check ends at once as an error with the kubelet reason, not a failure', async () => {
    const suite = defineSuite('storage', (spec) =>
      spec(
        'ra2.stg.001',
        { kind: 'probe', observes: 'a pod of an unpullable image' },
        async (ctx) => {
          const ns = await ctx.ns();
          const started = await ns.pods.tryStart({
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'unpullable' },
            spec: {
              restartPolicy: 'Never',
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 65534,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              containers: [
                {
                  name: 'probe',
                  image: ctx.probeImage,
                  command: ['sh', '-c', 'sleep 60'],
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    capabilities: { drop: ['ALL'] },
                  },
                },
              ],
            },
          });
          return pass(started.started ? 'started' : `not started: ${started.reason}`);
        },
      ),
    );
    const started = Date.now();
    // skipPreflight: the run's image preflight would stop it first; this is the check's own wait.
    const report = await runSuite({
      suites: [suite],
      kubeconfig,
      profile: 'basic',
      focus: ['ra2.stg.001'],
      probeImage: unpullable,
      skipPreflight: true,
    });
    const [row] = report.results;
    expect(row?.status, JSON.stringify(row)).to.equal('error');
    expect(row?.message).to.match(/cannot start on node \S+: (ErrImagePull|ImagePullBackOff)/);
    expect(Date.now() - started).to.be.below(STOP_WITHIN_MS);
    await waitForNoLeftovers(cluster, [report.info.runId]);
  });
});
