/** ra2.k8s.019: a beta resource the API server serves itself only where no GA version of it is served. */
import { expect } from 'chai';
import type { ApiOrigin, ServedGroupVersion } from '../../helpers/k8s/discovery.js';
import { splitByOrigin } from '../../suites/rules/api-versions.js';
import { judgeBetaApis, type ResourceLister } from '../../suites/rules/kubernetes-beta-apis.js';

function gv(groupVersion: string): ServedGroupVersion {
  const [group, version] = groupVersion.includes('/')
    ? (groupVersion.split('/') as [string, string])
    : ['', groupVersion];
  return { group, version, groupVersion };
}

/** Discovery of a cluster: group version -> (origin, resources). */
function cluster(apis: Record<string, [ApiOrigin, string[]]>) {
  const served = Object.keys(apis).map(gv);
  const origins = new Map(Object.entries(apis).map(([key, [origin]]) => [key, origin]));
  const listed: string[] = [];
  const lister: ResourceLister = (groupVersion) => {
    listed.push(groupVersion);
    return Promise.resolve(apis[groupVersion]?.[1] ?? []);
  };
  return { split: splitByOrigin(served, origins), lister, listed };
}

describe('beta APIs only where no GA exists (ra2.k8s.019)', () => {
  it('fails a built-in resource served at beta while its GA version is served, naming both', async () => {
    const { split, lister } = cluster({
      v1: ['built-in', ['pods']],
      'batch/v1': ['built-in', ['jobs', 'cronjobs']],
      'batch/v1beta1': ['built-in', ['cronjobs']],
    });
    const verdict = await judgeBetaApis(split, lister);
    expect(verdict).to.include({
      status: 'failed',
      expected: 'a beta resource only where no GA version of it is served',
      observed: 'cronjobs served at batch/v1beta1 and at GA batch/v1',
    });
  });

  it('passes a built-in beta resource that no GA version of its group serves', async () => {
    const { split, lister } = cluster({
      'storage.k8s.io/v1': ['built-in', ['storageclasses', 'csidrivers']],
      'storage.k8s.io/v1beta1': ['built-in', ['volumeattributesclasses']],
    });
    const verdict = await judgeBetaApis(split, lister);
    expect(verdict.status).to.equal('passed');
    expect(verdict.evidence?.betaGroupVersions).to.deep.equal(['storage.k8s.io/v1beta1']);
  });

  it('does not judge a CRD or an aggregated server serving a resource at beta and GA together', async () => {
    const { split, lister, listed } = cluster({
      'batch/v1': ['built-in', ['jobs']],
      'widgets.example.com/v1': ['custom-resource', ['widgets']],
      'widgets.example.com/v1beta1': ['custom-resource', ['widgets']],
      'metrics.k8s.io/v1beta1': ['aggregated', ['pods']],
      'metrics.k8s.io/v1': ['aggregated', ['pods']],
    });
    const verdict = await judgeBetaApis(split, lister);
    expect(verdict.status).to.equal('passed');
    expect(verdict.evidence?.notJudged).to.include.members([
      'widgets.example.com/v1beta1 (custom-resource)',
      'metrics.k8s.io/v1beta1 (aggregated)',
    ]);
    expect(listed).to.deep.equal([]);
  });
});
