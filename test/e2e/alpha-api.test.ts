/**
 * ra2.k8s.012b against a cluster whose API server serves an alpha group
 * version (kind-configs/alpha-api.yaml): the check must fail and name it.
 */
import path from 'node:path';
import { expect } from 'chai';
import { ApisApi } from '@kubernetes/client-node';
import { describeResult, outputDir, runCli } from './support/cli.js';
import { openCluster } from './support/cluster.js';
import { requireKubeconfig } from './support/env.js';
import { expectOutcomeExit, parseJUnit, readJsonReport, resultOf } from './support/results.js';
import { e2eTimeouts, withMargin } from './support/timeouts.js';

describe('ra2.k8s.012b on the alpha-api cluster', function () {
  this.timeout(withMargin(e2eTimeouts.focusedRun));

  it('fails, naming every alpha group version the server serves', async () => {
    const kubeconfig = requireKubeconfig('alphaApi');
    const apis = await openCluster(kubeconfig).kc.makeApiClient(ApisApi).getAPIVersions();
    const alpha = apis.groups.flatMap((g) =>
      g.versions.filter((v) => /^v\d+alpha\d+$/.test(v.version)).map((v) => v.groupVersion),
    );
    expect(alpha, 'alpha group versions the alpha-api cluster serves').to.have.length.above(0);

    const dir = outputDir('alpha');
    const run = await runCli(
      [
        'run',
        '--kubeconfig',
        kubeconfig,
        '--focus',
        'ra2.k8s.012b',
        '--junit',
        path.join(dir, 'junit.xml'),
        '--json',
        path.join(dir, 'results.json'),
      ],
      e2eTimeouts.focusedRun,
    );
    const report = readJsonReport(path.join(dir, 'results.json'));
    const result = resultOf(report, 'ra2.k8s.012b');
    expect(result.status, describeResult(run)).to.equal('failed');
    // A MUST row that fails: not conformant, exit 1 (a SHOULD or MAY failure would leave it conformant).
    expectOutcomeExit(run, report);
    const junitCase = parseJUnit(path.join(dir, 'junit.xml')).cases.find(
      (c) => c.properties.id === 'ra2.k8s.012b',
    );
    expect(junitCase?.status).to.equal('failed');
    for (const gv of alpha) {
      expect(result.observed).to.contain(gv);
      expect(junitCase?.message).to.contain(gv);
    }
    expect(result.evidence?.alpha).to.have.members(alpha);
  });
});
