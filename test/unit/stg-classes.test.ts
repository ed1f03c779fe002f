import { expect } from 'chai';
import type { V1PersistentVolume, V1StorageClass } from '@kubernetes/client-node';
import type { CheckContext } from '../../helpers/framework/context.js';
import { bindSuites } from '../../helpers/framework/registry.js';
import { CheckEnded, type Verdict } from '../../helpers/framework/result.js';
import storage from '../../suites/storage.js';
import {
  judgeDynamicProvisioning,
  judgeOneDefaultClass,
  persistenceNotObservable,
  storageClassEvidence,
} from '../../suites/rules/storage-classes.js';
import { catalog, storageClass } from './fixtures.js';

const defaultClass = storageClass('standard', 'rancher.io/local-path', true);
const volume = (name: string, className: string, provisionedBy?: string): V1PersistentVolume => ({
  metadata: {
    name,
    ...(provisionedBy ? { annotations: { 'pv.kubernetes.io/provisioned-by': provisionedBy } } : {}),
  },
  spec: { storageClassName: className, hostPath: { path: `/data/${name}` } },
});
const claimOf = (name: string) => ({ metadata: { name }, spec: { storageClassName: 'standard' } });

describe('ra2.stg.007 storage classes (suites/rules/storage-classes.ts)', () => {
  it('fails a cluster with no StorageClass, or none marked default (red)', () => {
    expect(judgeOneDefaultClass([])).to.deep.include({
      status: 'failed',
      expected: 'exactly one default StorageClass',
      observed: 'no StorageClass is marked default (no StorageClass exists)',
    });
    const noDefault = [storageClass('slow', 'rancher.io/local-path')];
    expect(judgeOneDefaultClass(noDefault)).to.deep.include({
      status: 'failed',
      observed: 'no StorageClass is marked default',
      evidence: { storageClasses: ['slow: rancher.io/local-path, Immediate'], defaults: [] },
    });
  });

  it('fails two default StorageClasses, naming both (red)', () => {
    const two = [defaultClass, storageClass('fast', 'ebs.csi.aws.com', true)];
    expect(judgeOneDefaultClass(two)).to.deep.include({
      status: 'failed',
      observed: '2 defaults: standard, fast',
    });
  });

  it('fails a claim of the default class that never binds, with its phase and events (red)', () => {
    const verdict = judgeDynamicProvisioning(
      defaultClass,
      'standard',
      'standard',
      {
        bound: false,
        phase: 'Pending',
        events: ['Warning ProvisioningFailed: failed to provision volume: no node available'],
      },
      storageClassEvidence([defaultClass]),
    );
    expect(verdict).to.deep.include({
      status: 'failed',
      expected: 'the claim to be bound',
      observed:
        'phase Pending; Warning ProvisioningFailed: failed to provision volume: no node available',
    });
  });

  it('fails a claim bound to a pre-provisioned volume, not one the provisioner made (red)', () => {
    const verdict = judgeDynamicProvisioning(
      defaultClass,
      'standard',
      'standard',
      { bound: true, claim: claimOf('dynamic'), volume: volume('manual-pv', 'standard') },
      storageClassEvidence([defaultClass]),
    );
    expect(verdict).to.deep.include({
      status: 'failed',
      expected: 'a volume dynamically provisioned by rancher.io/local-path for class standard',
      observed: 'volume manual-pv provisioned by nobody (pre-provisioned), class standard',
    });
  });

  it('passes a claim naming no class that got the default class and a provisioned volume (green)', () => {
    const verdict = judgeDynamicProvisioning(
      defaultClass,
      'standard',
      'standard',
      {
        bound: true,
        claim: claimOf('dynamic'),
        volume: volume('pvc-123', 'standard', 'rancher.io/local-path'),
      },
      storageClassEvidence([defaultClass]),
    );
    expect(verdict.status, JSON.stringify(verdict)).to.equal('passed');
    expect(verdict.evidence).to.deep.include({
      claimClassAssigned: 'standard',
      volume: 'pvc-123',
      provisionedBy: 'rancher.io/local-path',
      volumeClass: 'standard',
    });
    expect(judgeOneDefaultClass([defaultClass, storageClass('fast', 'x')])).to.equal(undefined);
  });

  it('stg.004 is not observable without a default class, and is with one', () => {
    expect(persistenceNotObservable([storageClass('slow', 'x')])).to.deep.include({
      status: 'skipped',
      evidence: { storageClasses: ['slow'] },
    });
    expect(persistenceNotObservable([defaultClass])).to.equal(undefined);
  });
});

describe('ra2.stg.004 and ra2.stg.007 checks on a claim that never binds (suites/storage.ts)', () => {
  /**
   * The real check bodies on a fake cluster: the listed StorageClasses, and a
   * namespace whose pods never start for `notStarted` (the claim is created).
   */
  async function runStorageCheck(
    id: string,
    classes: V1StorageClass[],
    notStarted: string,
  ): Promise<{ verdict: Verdict; claims: string[] }> {
    const claims: string[] = [];
    const ns = {
      name: 'ns1',
      createClaim: (c: { metadata: { name: string } }) => {
        claims.push(c.metadata.name);
        return Promise.resolve(c);
      },
      pods: {
        tryStart: (pod: { metadata: { name: string } }) =>
          Promise.resolve({
            started: false,
            name: pod.metadata.name,
            reason: notStarted,
            described: { phase: 'Pending' },
          }),
      },
    };
    const ctx = {
      labels: {},
      probeImage: 'probe:1',
      log: () => {},
      ns: () => Promise.resolve(ns),
      cluster: {
        kc: {
          makeApiClient: () => ({ listStorageClass: () => Promise.resolve({ items: classes }) }),
        },
      },
    } as unknown as CheckContext;
    const check = bindSuites(catalog, [storage]).find((c) => c.row.id === id)!;
    try {
      return { verdict: await check.body!(ctx), claims };
    } catch (err) {
      if (err instanceof CheckEnded) return { verdict: err.verdict, claims };
      throw err;
    }
  }

  const unbound =
    'pod writer not Running: Pending, PodScheduled=False (Unschedulable: 0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims)';

  it('stg.004 fails when the claim never binds: the pod that should write to it never runs (red)', async () => {
    const { verdict, claims } = await runStorageCheck('ra2.stg.004', [defaultClass], unbound);
    expect(claims).to.deep.equal(['data']);
    expect(verdict).to.deep.include({
      status: 'failed',
      expected: 'a pod using the claim to run',
      observed: unbound,
    });
  });

  it('stg.004 is not observed (skipped, not passed) without a default StorageClass', async () => {
    const { verdict, claims } = await runStorageCheck('ra2.stg.004', [], unbound);
    expect(claims).to.deep.equal([]);
    expect(verdict).to.deep.include({
      status: 'skipped',
      reason: 'no default StorageClass to provision a PersistentVolume with (optional: "may")',
    });
    expect(verdict.status === 'skipped' && verdict.applicability).to.equal(undefined);
  });

  it('stg.007 fails the same way when the claim of the default class never binds (red)', async () => {
    const { verdict } = await runStorageCheck('ra2.stg.007', [defaultClass], unbound);
    expect(verdict).to.deep.include({
      status: 'failed',
      expected: 'a pod using a claim of the default class to run',
      observed: unbound,
    });
  });

  it('stg.007 fails without a default StorageClass before claiming anything (red)', async () => {
    const { verdict, claims } = await runStorageCheck(
      'ra2.stg.007',
      [storageClass('slow', 'rancher.io/local-path')],
      unbound,
    );
    expect(claims).to.deep.equal([]);
    expect(verdict).to.deep.include({
      status: 'failed',
      observed: 'no StorageClass is marked default',
    });
  });
});
