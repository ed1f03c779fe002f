/**
 * 4.6 Storage components.
 *
 * ra2.stg.005 uses one pod that mounts all four required volume types at
 * once: if the pod starts and each mount shows the content put there (or
 * keeps what the pod wrote), the cluster supports that volume type. One pod
 * keeps the probe quick and the failure evidence in one place.
 *
 * Persistence (stg.004) is shown by two pods in turn: the second reads the
 * bytes the first wrote after the first is gone. Dynamic provisioning
 * (stg.007) is shown by a claim that names no class getting the default one
 * and a volume its provisioner created. Plugin and CSI rows read StorageClasses,
 * CSIDrivers, CSINodes and PersistentVolumes.
 */
import { type V1Pod, type V1StorageClass, StorageV1Api } from '@kubernetes/client-node';
import type { CheckContext } from '../helpers/framework/context.js';
import type { NamespaceHandle, Tweak } from '../helpers/k8s/namespace-handle.js';
import { parseKeyValues } from '../helpers/probes/key-value.js';
import { sleeperPod } from '../helpers/probes/pod.js';
import { claim, volumeSourceOf, waitBound } from '../helpers/probes/pvc.js';
import { containerOf, withResources, withVolume } from '../helpers/probes/tweaks.js';
import { randomSuffix } from '../helpers/framework/labels.js';
import { defineSuite } from '../helpers/framework/registry.js';
import { fail, pass } from '../helpers/framework/result.js';
import { waitFor } from '../helpers/k8s/wait.js';
import { mustStart } from '../helpers/framework/preconditions.js';
import {
  defaultStorageClasses,
  judgeDynamicProvisioning,
  judgeOneDefaultClass,
  persistenceNotObservable,
  storageClassEvidence,
} from './rules/storage-classes.js';
import { judgeCsiSupport, judgeVolumePlugins } from './rules/storage-plugins.js';
import {
  judgeEphemeralStorage,
  judgePersistence,
  judgeSharedVolume,
} from './rules/storage-probes.js';

// Kept for callers that import it from the suite.
export { defaultStorageClasses };

export default defineSuite('storage', (spec) => {
  // The container's root filesystem is the unpacked image plus a writable
  // layer in a directory on the node: a pod with ephemeral-storage requests
  // and limits writes, reads back and executes from it.
  spec(
    'ra2.stg.001',
    {
      kind: 'probe',
      observes:
        "Starts a pod with ephemeral-storage requests and limits and, inside it, reads the root filesystem's type from /proc/mounts, writes 16 MiB to it, reads the bytes back by checksum and runs a binary copied there; where on the node the writable layer lives is not visible.",
    },
    async (ctx) => {
      const ns = await ctx.ns();
      const pod = await mustStart(
        ns.pods.tryStart(
          sleeperPod(ctx, 'ephemeral'),
          withResources({ 'ephemeral-storage': '64Mi' }, { 'ephemeral-storage': '256Mi' }),
        ),
        'a pod with ephemeral-storage requests and limits to run',
      );
      const result = await ns.pods.exec('ephemeral', ['sh', '-c', ephemeralScript]);
      return judgeEphemeralStorage({
        node: pod.spec?.nodeName,
        fields: parseKeyValues(result.stdout),
        stderr: result.stderr,
      });
    },
  );

  // "Attach additional storage to containers": one volume attached to two
  // containers of a pod; what one writes the other reads.
  spec(
    'ra2.stg.002',
    {
      kind: 'probe',
      observes:
        'Starts a pod whose two containers mount one emptyDir (one read-write, one read-only) and reads, in the second, a token the first wrote.',
    },
    async (ctx) => {
      const ns = await ctx.ns();
      const token = `shared-${randomSuffix(12)}`;
      await mustStart(
        ns.pods.tryStart(
          sleeperPod(ctx, 'volumes'),
          withReaderSharing('shared', '/shared', '/data'),
        ),
        'a pod with a shared volume to run',
      );
      const wrote = await ns.pods.exec('volumes', ['sh', '-c', `echo ${token} > /shared/token`]);
      const read = await ns.pods.exec('volumes', ['cat', '/data/token'], 'reader');
      return judgeSharedVolume({ token, writerExitCode: wrote.exitCode, read });
    },
  );

  // Volume plugins for a storage protocol or management API show up as CSI
  // drivers, in-tree provisioners and PersistentVolume sources other than
  // hostPath/local. Optional ("may"): absent is a skip; present but failed
  // volumes are a failure.
  spec(
    'ra2.stg.003',
    {
      kind: 'inspect',
      observes:
        'Reads StorageClasses, CSIDrivers and the source of every PersistentVolume for plugins of a storage protocol or management API (CSI drivers, in-tree provisioners, sources other than hostPath and local), and whether any of their volumes is Failed; no volume of theirs is attached here.',
    },
    async (ctx) => {
      const storage = ctx.cluster.kc.makeApiClient(StorageV1Api);
      const [classes, drivers, pvs] = await Promise.all([
        storage.listStorageClass(),
        storage.listCSIDriver(),
        ctx.cluster.core.listPersistentVolume(),
      ]);
      return judgeVolumePlugins(classes.items, drivers.items, pvs.items);
    },
  );

  spec(
    'ra2.stg.004',
    {
      kind: 'probe',
      observes:
        "With a default StorageClass, writes 1 MiB of random bytes to a claimed volume from one pod, deletes the pod, and reads the bytes' checksum from a second pod on the same claim.",
    },
    async (ctx) => {
      const notObservable = persistenceNotObservable(await storageClasses(ctx));
      if (notObservable) return notObservable;
      const ns = await ctx.ns();
      await ns.createClaim(claim('data'));
      const writer = await mustStart(
        ns.pods.tryStart(podWithClaim(ctx, 'writer', 'data')),
        'a pod using the claim to run',
      );
      const wrote = await ns.pods.exec('writer', [
        'sh',
        '-c',
        'head -c 1048576 /dev/urandom > /data/blob && sync && sha256sum /data/blob | cut -d" " -f1',
      ]);
      const written = wrote.stdout.trim();
      await deletePodAndWait(ctx, ns, 'writer');
      const reader = await mustStart(
        ns.pods.tryStart(podWithClaim(ctx, 'reader', 'data')),
        'a second pod using the same claim to run',
      );
      const read = (
        await ns.pods.exec('reader', ['sh', '-c', 'sha256sum /data/blob | cut -d" " -f1'])
      ).stdout.trim();
      const bound = await waitBound(ctx, ns, 'data');
      return judgePersistence({
        written,
        read,
        writerNode: writer.spec?.nodeName,
        readerNode: reader.spec?.nodeName,
        volume: bound.bound
          ? `${bound.claim.spec?.volumeName ?? ''} (${bound.volume ? volumeSourceOf(bound.volume) : '?'})`
          : 'not bound',
      });
    },
  );

  spec(
    'ra2.stg.005',
    {
      kind: 'probe',
      observes:
        'Starts one pod that mounts an emptyDir, a ConfigMap, a Secret and a PersistentVolumeClaim of the default StorageClass and reads, in each, the content put there or written by the pod; other volume plugins are not tried.',
    },
    async (ctx) => {
      const classes = await storageClasses(ctx);
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

      const ns = await ctx.ns();
      const { core } = ctx.cluster;
      const namespace = ns.name;
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
      await ns.createClaim(claim('probe'));
      ctx.log(
        `Created ConfigMap, Secret and PVC "probe" (default StorageClass ${defaults.join(', ')})`,
      );

      await ns.pods.createRunning(
        sleeperPod(ctx, 'volumes'),
        withVolumeGroup,
        ...[
          { name: 'empty', emptyDir: {} },
          { name: 'configmap', configMap: { name: 'probe' } },
          { name: 'secret', secret: { secretName: 'probe' } },
          { name: 'pvc', persistentVolumeClaim: { claimName: 'probe' } },
        ].map((volume) => withVolume(volume, { mountPath: `/volumes/${volume.name}` })),
      );

      const observe = async (volume: string, script: string, expected: string) => {
        const result = await ns.pods.exec('volumes', ['sh', '-c', script]);
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
    },
  );

  // The row's "must"s (a CSI driver; the CSIDriverRegistry/CSINodeInfo
  // gates, which are GA and show as served csidrivers/csinodes) apply if CSI
  // is supported. No CSI driver registered anywhere means CSI is not supported
  // (skip, with evidence); drivers registered but on no node is a failure.
  spec(
    'ra2.stg.006',
    {
      kind: 'inspect',
      observes:
        "Reads CSIDriver objects, the drivers each CSINode registers and the default StorageClasses' provisioners; the feature gates are taken as on because csidrivers and csinodes are served, and no CSI volume is provisioned here.",
    },
    async (ctx) => {
      const storage = ctx.cluster.kc.makeApiClient(StorageV1Api);
      const [drivers, csiNodes, classes] = await Promise.all([
        storage.listCSIDriver(),
        storage.listCSINode(),
        storage.listStorageClass(),
      ]);
      return judgeCsiSupport(drivers.items, csiNodes.items, classes.items);
    },
  );

  spec(
    'ra2.stg.007',
    {
      kind: 'probe',
      observes:
        'Reads the StorageClasses for exactly one default, then creates a claim naming no class, starts a pod on it and reads the class the claim got and the provisioner and class of the volume bound to it.',
    },
    async (ctx) => {
      const classes = await storageClasses(ctx);
      const evidence = storageClassEvidence(classes);
      const noOneDefault = judgeOneDefaultClass(classes, evidence);
      if (noOneDefault) return noOneDefault;
      const defaultName = defaultStorageClasses(classes)[0]!;
      const ns = await ctx.ns();
      const created = await ns.createClaim(claim('dynamic'));
      await mustStart(
        ns.pods.tryStart(podWithClaim(ctx, 'consumer', 'dynamic')),
        'a pod using a claim of the default class to run',
        evidence,
      );
      return judgeDynamicProvisioning(
        classes.find((c) => c.metadata?.name === defaultName),
        defaultName,
        created.spec?.storageClassName,
        await waitBound(ctx, ns, 'dynamic'),
        evidence,
      );
    },
  );
});

const ephemeralScript = `
echo rootfs=$(awk '$2=="/"{print $3; exit}' /proc/mounts)
head -c 16777216 /dev/urandom > /tmp/blob
echo written=$(stat -c %s /tmp/blob)
echo sum1=$(sha256sum /tmp/blob | cut -d' ' -f1)
sync
echo sum2=$(cat /tmp/blob | sha256sum | cut -d' ' -f1)
# /bin/sh, copied: true may be only a shell builtin. The copy keeps the name sh, since on
# upstream's Alpine /bin/sh is busybox, which runs the applet its file is named after.
mkdir -p /tmp/exe && cp /bin/sh /tmp/exe/sh && /tmp/exe/sh -c true && echo exec=ok || echo exec=failed
true
`.trim();

async function storageClasses(ctx: CheckContext): Promise<V1StorageClass[]> {
  return (await ctx.cluster.kc.makeApiClient(StorageV1Api).listStorageClass()).items;
}

/** Volumes owned by the probe's group, so the non-root probe can write to them. */
const withVolumeGroup: Tweak<V1Pod> = (pod) => {
  pod.spec!.securityContext = { ...pod.spec!.securityContext, fsGroup: 65534 };
};

/**
 * One emptyDir mounted read-write in the probe container at `writerPath` and
 * read-only at `readerPath` in a second container, "reader", like the first.
 */
function withReaderSharing(volume: string, writerPath: string, readerPath: string): Tweak<V1Pod> {
  return (pod) => {
    withVolume({ name: volume, emptyDir: {} }, { mountPath: writerPath })(pod);
    const writer = containerOf(pod);
    pod.spec!.containers.push({
      ...writer,
      name: 'reader',
      volumeMounts: [{ name: volume, mountPath: readerPath, readOnly: true }],
    });
  };
}

function podWithClaim(ctx: CheckContext, name: string, claimName: string): V1Pod {
  const pod = sleeperPod(ctx, name);
  withVolumeGroup(pod);
  withVolume({ name: 'data', persistentVolumeClaim: { claimName } }, { mountPath: '/data' })(pod);
  return pod;
}

async function deletePodAndWait(
  ctx: CheckContext,
  ns: NamespaceHandle,
  name: string,
): Promise<void> {
  const { core } = ctx.cluster;
  await core.deleteNamespacedPod({ name, namespace: ns.name });
  await waitFor(
    `pod ${ns.name}/${name} to be gone`,
    () => core.listNamespacedPod({ namespace: ns.name, fieldSelector: `metadata.name=${name}` }),
    (list) => list.items.length === 0,
    ns.pollOptions(ctx.timeouts.podDelete),
  );
}
