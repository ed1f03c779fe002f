/**
 * 4.6 Storage components.
 *
 * ra2.stg.005 uses one pod that mounts all four required volume types at
 * once: if the pod starts and each mount shows the content put there (or
 * keeps what the pod wrote), the cluster supports that volume type. One pod
 * keeps the probe quick and the failure evidence in one place.
 */
import type { V1StorageClass } from '@kubernetes/client-node';
import { StorageV1Api } from '@kubernetes/client-node';
import { PodJig, sleeperPod } from '../helpers/jigs/pod.js';
import { randomSuffix } from '../helpers/labels.js';
import { defineSuite } from '../helpers/registry.js';
import { fail, pass } from '../helpers/verdict.js';

const defaultClassAnnotation = 'storageclass.kubernetes.io/is-default-class';

export function defaultStorageClasses(classes: readonly V1StorageClass[]): string[] {
  return classes
    .filter((sc) => sc.metadata?.annotations?.[defaultClassAnnotation] === 'true')
    .map((sc) => sc.metadata?.name ?? '');
}

export default defineSuite('storage', (spec) => {
  spec.todo('ra2.stg.001', { kind: 'probe' });
  spec.todo('ra2.stg.002', { kind: 'probe' });
  spec.todo('ra2.stg.003', { kind: 'inspect' });
  spec.todo('ra2.stg.004', { kind: 'probe' });

  spec('ra2.stg.005', { kind: 'probe' }, async (ctx) => {
    const classes = (await ctx.cluster.kc.makeApiClient(StorageV1Api).listStorageClass()).items;
    const defaults = defaultStorageClasses(classes);
    if (defaults.length === 0) {
      return fail(
        'a default StorageClass for the PersistentVolumeClaim',
        'no StorageClass is marked default',
        {
          storageClasses: classes.map((sc) => sc.metadata?.name),
        },
      );
    }

    const jig = await PodJig.inCheckNamespace(ctx);
    const { core } = ctx.cluster;
    const namespace = jig.namespace;
    const token = randomSuffix(12);
    await core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: { name: 'probe', labels: ctx.labels },
        data: { content: `configmap-${token}` },
      },
    });
    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: 'probe', labels: ctx.labels },
        stringData: { content: `secret-${token}` },
      },
    });
    await core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name: 'probe', labels: ctx.labels },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } } },
      },
    });
    ctx.log(
      `Created ConfigMap, Secret and PVC "probe" (default StorageClass ${defaults.join(', ')})`,
    );

    await jig.createAndWaitRunning(sleeperPod(ctx, 'volumes'), (pod) => {
      pod.spec!.securityContext = { ...pod.spec!.securityContext, fsGroup: 65534 };
      pod.spec!.volumes = [
        { name: 'empty', emptyDir: {} },
        { name: 'configmap', configMap: { name: 'probe' } },
        { name: 'secret', secret: { secretName: 'probe' } },
        { name: 'pvc', persistentVolumeClaim: { claimName: 'probe' } },
      ];
      pod.spec!.containers[0]!.volumeMounts = ['empty', 'configmap', 'secret', 'pvc'].map(
        (name) => ({ name, mountPath: `/volumes/${name}` }),
      );
    });

    const observe = async (volume: string, script: string, expected: string) => {
      const result = await jig.exec('volumes', ['sh', '-c', script]);
      return {
        volume,
        expected,
        observed: result.stdout.trim(),
        stderr: result.stderr.trim(),
        ok: result.exitCode === 0 && result.stdout.trim() === expected,
      };
    };
    const roundTrip = (dir: string, text: string) =>
      `echo ${text} > ${dir}/written && cat ${dir}/written`;
    const observations = [
      await observe('emptyDir', roundTrip('/volumes/empty', `empty-${token}`), `empty-${token}`),
      await observe('ConfigMap', 'cat /volumes/configmap/content', `configmap-${token}`),
      await observe('Secret', 'cat /volumes/secret/content', `secret-${token}`),
      await observe(
        'PersistentVolumeClaim',
        roundTrip('/volumes/pvc', `pvc-${token}`),
        `pvc-${token}`,
      ),
    ];
    const evidence = { defaultStorageClass: defaults, observations };
    const bad = observations.filter((o) => !o.ok);
    return bad.length === 0
      ? pass(
          'emptyDir, ConfigMap, Secret and PersistentVolumeClaim volumes each showed the expected content',
          evidence,
        )
      : fail(
          'each volume type to show its expected content',
          bad
            .map((o) => `${o.volume}: read "${o.observed}"${o.stderr ? ` (${o.stderr})` : ''}`)
            .join('; '),
          evidence,
        );
  });

  spec.todo('ra2.stg.006', { kind: 'inspect' });
  spec.todo('ra2.stg.007', { kind: 'inspect' });
});
