import { expect } from 'chai';
import type { V1APIService } from '@kubernetes/client-node';
import { originOf, type ApiOrigin } from '../../helpers/k8s/discovery.js';
import { enabledAlphaFeatures, splitByOrigin } from '../../suites/rules/api-versions.js';

const automanaged = 'kube-aggregator.kubernetes.io/automanaged';
function apiService(labels: Record<string, string>, service?: { name: string }): V1APIService {
  const made: V1APIService = {
    metadata: { name: 'v1alpha1.example', labels },
    spec: {
      group: 'example',
      version: 'v1alpha1',
      groupPriorityMinimum: 1,
      versionPriority: 1,
      service,
    },
  };
  return made;
}
function gv(groupVersion: string) {
  const [group, version] = groupVersion.includes('/')
    ? groupVersion.split('/')
    : ['', groupVersion];
  return { group: group as string, version: version as string, groupVersion };
}

describe('API origins (ra2.k8s.012b, ra2.k8s.019)', () => {
  it('tells built-in, CRD and aggregated group versions apart by their APIService', () => {
    expect(originOf(apiService({ [automanaged]: 'onstart' }))).to.equal('built-in');
    expect(originOf(apiService({ [automanaged]: 'true' }))).to.equal('custom-resource');
    expect(originOf(apiService({}, { name: 'metrics-server' }))).to.equal('aggregated');
    expect(originOf(apiService({}))).to.equal('unknown');
  });

  it('judges only built-in group versions: NFD and whereabouts alpha CRDs are listed, not judged', () => {
    const origins = new Map<string, ApiOrigin>([
      ['v1', 'built-in'],
      ['internal.apiserver.k8s.io/v1alpha1', 'built-in'],
      ['nfd.k8s-sigs.io/v1alpha1', 'custom-resource'],
      ['whereabouts.cni.cncf.io/v1alpha1', 'custom-resource'],
      ['metrics.k8s.io/v1beta1', 'aggregated'],
    ]);
    const split = splitByOrigin(
      [
        gv('v1'),
        gv('internal.apiserver.k8s.io/v1alpha1'),
        gv('nfd.k8s-sigs.io/v1alpha1'),
        gv('whereabouts.cni.cncf.io/v1alpha1'),
        gv('metrics.k8s.io/v1beta1'),
        gv('mystery.example/v1alpha1'),
      ],
      origins,
    );
    expect(split.builtIn.map((g) => g.groupVersion)).to.deep.equal([
      'v1',
      'internal.apiserver.k8s.io/v1alpha1',
    ]);
    expect(split.notJudged).to.deep.equal([
      'nfd.k8s-sigs.io/v1alpha1 (custom-resource)',
      'whereabouts.cni.cncf.io/v1alpha1 (custom-resource)',
      'metrics.k8s.io/v1beta1 (aggregated)',
      'mystery.example/v1alpha1 (unknown)',
    ]);
  });

  it('reads the enabled alpha feature gates from the API server metrics, whatever the label order', () => {
    const metrics = [
      '# HELP kubernetes_feature_enabled [BETA] This metric records the data about the stage and enablement of a k8s feature.',
      'kubernetes_feature_enabled{name="InPlacePodVerticalScaling",stage="BETA"} 1',
      'kubernetes_feature_enabled{name="StorageVersionAPI",stage="ALPHA"} 1',
      'kubernetes_feature_enabled{stage="ALPHA",name="APIServerTracing"} 1',
      'kubernetes_feature_enabled{name="DisabledAlpha",stage="ALPHA"} 0',
      'apiserver_request_total{code="200"} 12',
    ].join('\n');
    expect(enabledAlphaFeatures(metrics).map((g) => g.name)).to.deep.equal([
      'StorageVersionAPI',
      'APIServerTracing',
    ]);
    expect(enabledAlphaFeatures('')).to.deep.equal([]);
  });
});
