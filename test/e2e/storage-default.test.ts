/**
 * ra2.stg.005 against basic with no default StorageClass: the test takes the
 * default-class annotation off `standard`, runs the check, and puts the
 * annotation back in an after hook whatever happened.
 */
import path from 'node:path';
import { expect } from 'chai';
import { StorageV1Api, type V1StorageClass } from '@kubernetes/client-node';
import { describeResult, outputDir, runCli } from './support/cli.js';
import {
  openCluster,
  waitForNoLeftovers,
  waitForNoLiveRuns,
  type TestCluster,
} from './support/cluster.js';
import { requireKubeconfig } from './support/env.js';
import { expectOutcomeExit, readJsonReport, resultOf } from './support/results.js';
import { e2eTimeouts, withMargin } from './support/timeouts.js';

const defaultClassAnnotation = 'storageclass.kubernetes.io/is-default-class';
const className = 'standard';

/** Sets (or, with undefined, removes) the default-class annotation; retries on conflicts. */
async function setDefaultAnnotation(storage: StorageV1Api, value: string | undefined) {
  for (let attempt = 1; ; attempt++) {
    const sc: V1StorageClass = await storage.readStorageClass({ name: className });
    const annotations = { ...sc.metadata?.annotations };
    if (value === undefined) delete annotations[defaultClassAnnotation];
    else annotations[defaultClassAnnotation] = value;
    sc.metadata = { ...sc.metadata, annotations };
    try {
      return await storage.replaceStorageClass({ name: className, body: sc });
    } catch (err) {
      if (attempt >= 5 || (err as { code?: number }).code !== 409) throw err;
    }
  }
}

describe('ra2.stg.005 without a default StorageClass', function () {
  this.timeout(withMargin(e2eTimeouts.focusedRun));
  let cluster: TestCluster;
  let storage: StorageV1Api;
  let original: string | undefined;
  let changed = false;

  before(async function () {
    this.timeout(e2eTimeouts.otherRuns + e2eTimeouts.hook);
    cluster = openCluster(requireKubeconfig('basic'));
    storage = cluster.kc.makeApiClient(StorageV1Api);
    // Taking the default class away would break the stg.005 of anyone else's run.
    await waitForNoLiveRuns(cluster, e2eTimeouts.otherRuns);
    const sc = await storage.readStorageClass({ name: className });
    original = sc.metadata?.annotations?.[defaultClassAnnotation];
    expect(original, `StorageClass ${className} is the default before the test`).to.equal('true');
    changed = true;
    const updated = await setDefaultAnnotation(storage, undefined);
    expect(updated.metadata?.annotations?.[defaultClassAnnotation]).to.equal(undefined);
  });

  after(async function () {
    this.timeout(e2eTimeouts.hook);
    if (!changed || !storage) return;
    const restored = await setDefaultAnnotation(storage, original);
    expect(restored.metadata?.annotations?.[defaultClassAnnotation]).to.equal(original);
  });

  it('fails, saying no StorageClass is marked default and listing the classes', async () => {
    const classes = (await storage.listStorageClass()).items;
    expect(
      classes.filter((sc) => sc.metadata?.annotations?.[defaultClassAnnotation] === 'true'),
      'default classes during the test',
    ).to.have.length(0);
    const dir = outputDir('stg005');
    const run = await runCli(
      [
        'run',
        '--kubeconfig',
        cluster.kubeconfig,
        '--focus',
        'ra2.stg.005',
        '--json',
        path.join(dir, 'results.json'),
      ],
      e2eTimeouts.focusedRun,
    );
    const report = readJsonReport(path.join(dir, 'results.json'));
    const result = resultOf(report, 'ra2.stg.005');
    expect(result.status, describeResult(run)).to.equal('failed');
    expectOutcomeExit(run, report);
    expect(result.observed).to.contain('no StorageClass is marked default');
    expect(result.evidence?.storageClasses).to.have.members(classes.map((sc) => sc.metadata?.name));
    expect(await waitForNoLeftovers(cluster, [report.runId])).to.deep.equal([]);
  });
});
