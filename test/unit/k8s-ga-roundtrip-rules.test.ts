/** ra2.k8s.013: the GA table and the round trip of an object between two GA versions of a group. */
import { expect } from 'chai';
import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { ServedGroupVersion } from '../../helpers/k8s/discovery.js';
import {
  compareWithUpstream,
  requiredGaGroupVersions,
  upstreamGaByMinor,
} from '../../suites/rules/ga-apis.js';
import {
  hpaFieldsV1,
  hpaFieldsV2,
  judgeGaApis,
  planRoundTrips,
  roundTripDifferences,
  roundTripHpaV1,
  type RoundTrip,
} from '../../suites/rules/kubernetes-ga-roundtrip.js';

function gv(groupVersion: string): ServedGroupVersion {
  const [group, version] = groupVersion.includes('/')
    ? (groupVersion.split('/') as [string, string])
    : ['', groupVersion];
  return { group, version, groupVersion };
}

const labels = { 'app.kubernetes.io/managed-by': 'ra2-conformance', 'ra2.anuket.io/run': 'r1' };

/** What kube-apiserver returns through autoscaling/v2 for the HPA written through v1. */
function readThroughV2(): V2HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'ra2-round-trip', namespace: 'ns1', labels: { ...labels } },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'ra2-round-trip-target' },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    },
  };
}

function roundTrip(read: V2HorizontalPodAutoscaler): RoundTrip {
  const written = hpaFieldsV1(roundTripHpaV1(labels));
  const readBack = hpaFieldsV2(read);
  return {
    group: 'autoscaling',
    kind: 'HorizontalPodAutoscaler',
    wroteThrough: 'autoscaling/v1',
    readThrough: 'autoscaling/v2',
    object: 'ns1/ra2-round-trip',
    written,
    read: readBack,
    differences: roundTripDifferences(written, readBack),
    deleted: true,
  };
}

const table135 = {
  serverVersion: 'v1.35.4',
  judged: compareWithUpstream(35, new Set(upstreamGaByMinor.get(35)), requiredGaGroupVersions),
};

describe('GA APIs round trip between two GA versions (ra2.k8s.013)', () => {
  it('plans autoscaling v1 -> v2 where both are served, and names a group it has no object for', () => {
    const served = ['v1', 'apps/v1', 'autoscaling/v1', 'autoscaling/v2', 'autoscaling/v2beta2']
      .concat(['widgets.example.com/v1', 'widgets.example.com/v2'])
      .map(gv);
    const { plans, notRoundTripped } = planRoundTrips(served);
    expect(plans).to.deep.equal([
      {
        group: 'autoscaling',
        kind: 'HorizontalPodAutoscaler',
        wroteThrough: 'autoscaling/v1',
        readThrough: 'autoscaling/v2',
      },
    ]);
    expect(notRoundTripped).to.deep.equal([
      'widgets.example.com serves GA v1, v2: no object to round-trip defined for it',
    ]);
  });

  it('says so in the evidence, and does not fail, when no group serves two GA versions', () => {
    const { plans, notRoundTripped } = planRoundTrips(['v1', 'autoscaling/v2'].map(gv));
    expect(plans).to.deep.equal([]);
    const verdict = judgeGaApis(
      { serverVersion: 'v1.35.4', judged: { ...table135.judged } },
      [],
      notRoundTripped,
    );
    expect(verdict.status).to.equal('passed');
    expect(verdict.evidence?.notRoundTripped).to.deep.equal(['no group serves two GA versions']);
    expect(verdict.status === 'passed' && verdict.summary).to.contain(
      'no round trip (no group serves two GA versions)',
    );
  });

  it('fails a round trip that changes a field, naming the field and both values', () => {
    const read = readThroughV2();
    read.spec.maxReplicas = 4;
    const verdict = judgeGaApis(table135, [roundTrip(read)], []);
    expect(verdict).to.include({
      status: 'failed',
      expected: 'an object written through one GA version read back unchanged through another',
      observed:
        'HorizontalPodAutoscaler written through autoscaling/v1 read through autoscaling/v2: spec.maxReplicas: wrote 5, read 4',
    });
  });

  it('fails a round trip that loses a field (the CPU target) or a label', () => {
    const read = readThroughV2();
    read.spec.metrics = [];
    delete read.metadata!.labels!['ra2.anuket.io/run'];
    const differences = roundTrip(read).differences;
    expect(differences).to.deep.equal([
      'metadata.labels.ra2.anuket.io/run: wrote r1, read nothing',
      'spec.cpuUtilization: wrote 70, read nothing',
    ]);
    expect(judgeGaApis(table135, [roundTrip(read)], []).status).to.equal('failed');
  });

  it('still fails a GA group version the minor serves upstream and the cluster does not', () => {
    const served = new Set(upstreamGaByMinor.get(35)!.filter((g) => g !== 'batch/v1'));
    const judged = compareWithUpstream(35, served, requiredGaGroupVersions);
    const verdict = judgeGaApis(
      { serverVersion: 'v1.35.4', judged },
      [roundTrip(readThroughV2())],
      [],
    );
    expect(verdict).to.include({
      status: 'failed',
      expected: 'every GA group version upstream 1.35 serves',
      observed: 'not served: batch/v1',
    });
  });

  it('passes the v2 reading of the v1 object the API server converts', () => {
    const trip = roundTrip(readThroughV2());
    expect(trip.differences).to.deep.equal([]);
    const verdict = judgeGaApis(table135, [trip], []);
    expect(verdict.status).to.equal('passed');
    expect(verdict.status === 'passed' && verdict.summary).to.contain(
      'a HorizontalPodAutoscaler written through autoscaling/v1 read the same through autoscaling/v2',
    );
    expect(verdict.evidence?.comparedWith).to.equal('upstream 1.35');
  });
});
