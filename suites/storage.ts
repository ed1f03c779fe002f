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
import { PodJig, sleeperPod } from '../helpers/probes/pod.js';
import { tryStart } from '../helpers/probes/pod-start.js';
import { claim, createClaim, volumeSourceOf, waitBound } from '../helpers/probes/pvc.js';
import { randomSuffix } from '../helpers/framework/labels.js';
import { defineSuite } from '../helpers/framework/registry.js';
import { fail, pass, skip } from '../helpers/framework/result.js';
import { waitFor } from '../helpers/k8s/wait.js';

const defaultClassAnnotation = 'storageclass.kubernetes.io/is-default-class';

export function defaultStorageClasses(classes: readonly V1StorageClass[]): string[] {
  return classes
    .filter((sc) => sc.metadata?.annotations?.[defaultClassAnnotation] === 'true')
    .map((sc) => sc.metadata?.name ?? '');
}

export default defineSuite('storage', (spec) => {
  // The container's root filesystem is the unpacked image plus a writable
  // layer in a directory on the node: a pod with ephemeral-storage requests
  // and limits writes, reads back and executes from it.
  spec('ra2.stg.001', { kind: 'probe' }, async (ctx) => {
    const jig = await PodJig.inCheckNamespace(ctx);
    const started = await tryStart(jig, sleeperPod(ctx, 'ephemeral'), (pod) => {
      pod.spec!.containers[0]!.resources = {
        requests: { 'ephemeral-storage': '64Mi' },
        limits: { 'ephemeral-storage': '256Mi' },
      };
    });
    if (!started.started)
      return fail('a pod with ephemeral-storage requests and limits to run', started.reason, {
        pod: started.described,
      });
    const result = await jig.exec('ephemeral', ['sh', '-c', ephemeralScript]);
    const f = keyValues(result.stdout);
    const evidence = {
      node: started.pod.spec?.nodeName,
      rootFilesystem: f.get('rootfs'),
      bytesWritten: f.get('written'),
      checksumWritten: f.get('sum1'),
      checksumRead: f.get('sum2'),
      executedFromWritableLayer: f.get('exec'),
      stderr: result.stderr.trim().slice(0, 300),
    };
    const ok =
      f.get('written') === String(16 * 2 ** 20) &&
      Boolean(f.get('sum1')) &&
      f.get('sum1') === f.get('sum2') &&
      f.get('exec') === 'ok';
    return ok
      ? pass(
          `the container wrote, read back and executed from its ${f.get('rootfs') ?? ''} root filesystem on ${evidence.node ?? '?'}`,
          evidence,
        )
      : fail(
          'a container to write 16 MiB to, read it back from and execute from its ephemeral root filesystem',
          JSON.stringify(evidence),
          evidence,
        );
  });

  // "Attach additional storage to containers": one volume attached to two
  // containers of a pod; what one writes the other reads.
  spec('ra2.stg.002', { kind: 'probe' }, async (ctx) => {
    const jig = await PodJig.inCheckNamespace(ctx);
    const token = `shared-${randomSuffix(12)}`;
    const started = await tryStart(jig, sleeperPod(ctx, 'volumes'), (pod) => {
      const writer = pod.spec!.containers[0]!;
      writer.volumeMounts = [{ name: 'shared', mountPath: '/shared' }];
      pod.spec!.containers.push({
        ...writer,
        name: 'reader',
        volumeMounts: [{ name: 'shared', mountPath: '/data', readOnly: true }],
      });
      pod.spec!.volumes = [{ name: 'shared', emptyDir: {} }];
    });
    if (!started.started)
      return fail('a pod with a shared volume to run', started.reason, { pod: started.described });
    const wrote = await jig.exec('volumes', ['sh', '-c', `echo ${token} > /shared/token`]);
    const read = await jig.exec('volumes', ['cat', '/data/token'], 'reader');
    const evidence = {
      wrote: wrote.exitCode,
      read: read.stdout.trim(),
      expected: token,
      mounts: ['probe: /shared', 'reader: /data (read-only)'],
    };
    return read.stdout.trim() === token
      ? pass('a volume attached to two containers carried data from one to the other', evidence)
      : fail(
          `the reader container to read "${token}" from the shared volume`,
          `read "${read.stdout.trim()}" ${read.stderr.trim()}`,
          evidence,
        );
  });

  // Volume plugins for a storage protocol or management API show up as CSI
  // drivers, in-tree provisioners and PersistentVolume sources other than
  // hostPath/local. Optional ("may"): absent is a skip; present but failed
  // volumes are a failure.
  spec('ra2.stg.003', { kind: 'inspect' }, async (ctx) => {
    const storage = ctx.cluster.kc.makeApiClient(StorageV1Api);
    const [classes, drivers, pvs] = await Promise.all([
      storage.listStorageClass(),
      storage.listCSIDriver(),
      ctx.cluster.core.listPersistentVolume(),
    ]);
    const nodeLocal = new Set(['hostPath', 'local', 'unknown']);
    const sources = pvs.items.map((pv) => ({
      pv: pv.metadata?.name ?? '',
      source: volumeSourceOf(pv),
      phase: pv.status?.phase ?? '',
    }));
    const pluginPvs = sources.filter((s) => !nodeLocal.has(s.source));
    const provisioners = classes.items.map((c) => `${c.metadata?.name ?? ''}: ${c.provisioner}`);
    const evidence = {
      storageClasses: provisioners,
      csiDrivers: drivers.items.map((d) => d.metadata?.name),
      persistentVolumeSources: sources.map((s) => `${s.pv}: ${s.source} (${s.phase})`),
    };
    const pluginClasses = classes.items.filter(
      (c) =>
        drivers.items.some((d) => d.metadata?.name === c.provisioner) ||
        /^kubernetes\.io\/(?!no-provisioner|host-path)/.test(c.provisioner),
    );
    if (pluginPvs.length === 0 && pluginClasses.length === 0 && drivers.items.length === 0)
      return skip(
        'no volume plugin for a storage protocol or management API is in use (optional: "may")',
        evidence,
      );
    const failed = pluginPvs.filter((s) => s.phase === 'Failed');
    return failed.length === 0
      ? pass(
          `volume plugins in use: ${[...new Set([...pluginPvs.map((s) => s.source), ...pluginClasses.map((c) => c.provisioner)])].join(', ') || drivers.items.map((d) => d.metadata?.name).join(', ')}`,
          evidence,
        )
      : fail(
          'volumes of the volume plugins in use to be usable',
          `Failed volumes: ${failed.map((s) => s.pv).join(', ')}`,
          evidence,
        );
  });

  spec('ra2.stg.004', { kind: 'probe' }, async (ctx) => {
    const classes = (await ctx.cluster.kc.makeApiClient(StorageV1Api).listStorageClass()).items;
    if (defaultStorageClasses(classes).length === 0)
      return skip(
        'no default StorageClass to provision a PersistentVolume with (optional: "may")',
        {
          storageClasses: classes.map((c) => c.metadata?.name),
        },
      );
    const jig = await PodJig.inCheckNamespace(ctx);
    await createClaim(ctx, jig.namespace, claim(ctx, 'data'));
    const writer = await tryStart(jig, podWithClaim(ctx, 'writer', 'data'));
    if (!writer.started)
      return fail('a pod using the claim to run', writer.reason, { pod: writer.described });
    const wrote = await jig.exec('writer', [
      'sh',
      '-c',
      'head -c 1048576 /dev/urandom > /data/blob && sync && sha256sum /data/blob | cut -d" " -f1',
    ]);
    const written = wrote.stdout.trim();
    await deletePodAndWait(ctx, jig, 'writer');
    const reader = await tryStart(jig, podWithClaim(ctx, 'reader', 'data'));
    if (!reader.started)
      return fail('a second pod using the same claim to run', reader.reason, {
        pod: reader.described,
      });
    const read = (
      await jig.exec('reader', ['sh', '-c', 'sha256sum /data/blob | cut -d" " -f1'])
    ).stdout.trim();
    const bound = await waitBound(ctx, jig.namespace, 'data');
    const evidence = {
      volume: bound.bound
        ? `${bound.claim.spec?.volumeName ?? ''} (${bound.volume ? volumeSourceOf(bound.volume) : '?'})`
        : 'not bound',
      writer: `${writer.pod.spec?.nodeName ?? '?'}: sha256 ${written}`,
      reader: `${reader.pod.spec?.nodeName ?? '?'}: sha256 ${read}`,
    };
    return written !== '' && read === written
      ? pass(
          'a PersistentVolume kept 1 MiB of random bytes after the pod that wrote them was deleted; a new pod read them back',
          evidence,
        )
      : fail(
          'the second pod to read the bytes the first pod wrote',
          `wrote ${written || '(nothing)'}, read ${read || '(nothing)'}`,
          evidence,
        );
  });

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

  // The row's "must"s (a CSI driver; the CSIDriverRegistry/CSINodeInfo
  // gates, which are GA and show as served csidrivers/csinodes) apply if CSI
  // is supported. No CSI driver registered anywhere means CSI is not supported
  // (skip, with evidence); drivers registered but on no node is a failure.
  spec('ra2.stg.006', { kind: 'inspect' }, async (ctx) => {
    const storage = ctx.cluster.kc.makeApiClient(StorageV1Api);
    const [drivers, csiNodes, classes] = await Promise.all([
      storage.listCSIDriver(),
      storage.listCSINode(),
      storage.listStorageClass(),
    ]);
    const registered = Object.fromEntries(
      csiNodes.items.map((n) => [
        n.metadata?.name ?? '',
        (n.spec.drivers ?? []).map((d) => d.name),
      ]),
    );
    const driverNames = drivers.items.map((d) => d.metadata?.name ?? '');
    const onNodes = new Set(Object.values(registered).flat());
    const defaults = classes.items.filter((c) => defaultStorageClasses([c]).length > 0);
    const evidence = {
      csiDrivers: drivers.items.map((d) => ({
        name: d.metadata?.name,
        volumeLifecycleModes: d.spec.volumeLifecycleModes ?? ['Persistent'],
      })),
      driversPerCsiNode: registered,
      defaultStorageClasses: defaults.map(
        (c) =>
          `${c.metadata?.name ?? ''}: ${c.provisioner}${driverNames.includes(c.provisioner) ? ' (CSI)' : ' (not CSI)'}`,
      ),
    };
    if (driverNames.length === 0 && onNodes.size === 0)
      return skip(
        'applies if CSI is supported; no CSI driver is registered (no CSIDriver object, no driver in any CSINode)',
        evidence,
      );
    const absent = driverNames.filter((d) => !onNodes.has(d));
    return absent.length < driverNames.length || onNodes.size > 0
      ? pass(
          `CSI is supported through ${[...new Set([...driverNames, ...onNodes])].join(', ')} (registered on ${Object.values(registered).filter((d) => d.length > 0).length} node(s))`,
          evidence,
        )
      : fail(
          'the CSI drivers to be registered on the nodes (CSINode)',
          `CSIDriver objects ${absent.join(', ')} are on no node`,
          evidence,
        );
  });

  spec('ra2.stg.007', { kind: 'probe' }, async (ctx) => {
    const classes = (await ctx.cluster.kc.makeApiClient(StorageV1Api).listStorageClass()).items;
    const defaults = defaultStorageClasses(classes);
    const evidence: Record<string, unknown> = {
      storageClasses: classes.map(
        (c) => `${c.metadata?.name ?? ''}: ${c.provisioner}, ${c.volumeBindingMode ?? 'Immediate'}`,
      ),
      defaults,
    };
    if (defaults.length !== 1)
      return fail(
        'exactly one default StorageClass',
        defaults.length === 0
          ? 'no StorageClass is marked default'
          : `${defaults.length} defaults: ${defaults.join(', ')}`,
        evidence,
      );
    const jig = await PodJig.inCheckNamespace(ctx);
    const created = await createClaim(ctx, jig.namespace, claim(ctx, 'dynamic'));
    const started = await tryStart(jig, podWithClaim(ctx, 'consumer', 'dynamic'));
    if (!started.started)
      return fail('a pod using a claim of the default class to run', started.reason, {
        ...evidence,
        pod: started.described,
      });
    const bound = await waitBound(ctx, jig.namespace, 'dynamic');
    if (!bound.bound)
      return fail(
        'the claim to be bound',
        `phase ${bound.phase}; ${bound.events.join(' | ')}`,
        evidence,
      );
    const sc = classes.find((c) => c.metadata?.name === defaults[0]);
    const provisionedBy = bound.volume?.metadata?.annotations?.['pv.kubernetes.io/provisioned-by'];
    Object.assign(evidence, {
      claimClassAssigned: created.spec?.storageClassName,
      volume: bound.volume?.metadata?.name,
      provisionedBy,
      volumeClass: bound.volume?.spec?.storageClassName,
    });
    return provisionedBy === sc?.provisioner && bound.volume?.spec?.storageClassName === defaults[0]
      ? pass(
          `a claim naming no class got ${defaults[0]} and a volume provisioned by ${provisionedBy}`,
          evidence,
        )
      : fail(
          `a volume dynamically provisioned by ${sc?.provisioner ?? '?'} for class ${defaults[0]}`,
          `volume ${bound.volume?.metadata?.name ?? '?'} provisioned by ${provisionedBy ?? 'nobody (pre-provisioned)'}, class ${bound.volume?.spec?.storageClassName ?? '?'}`,
          evidence,
        );
  });
});

const ephemeralScript = `
echo rootfs=$(awk '$2=="/"{print $3; exit}' /proc/mounts)
head -c 16777216 /dev/urandom > /tmp/blob
echo written=$(stat -c %s /tmp/blob)
echo sum1=$(sha256sum /tmp/blob | cut -d' ' -f1)
sync
echo sum2=$(cat /tmp/blob | sha256sum | cut -d' ' -f1)
# /bin/sh is a real binary in every probe image; true may be only a shell builtin
cp /bin/sh /tmp/exe && /tmp/exe -c true && echo exec=ok || echo exec=failed
true
`.trim();

function keyValues(output: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of output.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return fields;
}

function podWithClaim(ctx: CheckContext, name: string, claimName: string): V1Pod {
  const pod = sleeperPod(ctx, name);
  pod.spec!.securityContext = { ...pod.spec!.securityContext, fsGroup: 65534 };
  pod.spec!.volumes = [{ name: 'data', persistentVolumeClaim: { claimName } }];
  pod.spec!.containers[0]!.volumeMounts = [{ name: 'data', mountPath: '/data' }];
  return pod;
}

async function deletePodAndWait(ctx: CheckContext, jig: PodJig, name: string): Promise<void> {
  const { core } = ctx.cluster;
  await core.deleteNamespacedPod({ name, namespace: jig.namespace });
  await waitFor(
    `pod ${jig.namespace}/${name} to be gone`,
    () =>
      core.listNamespacedPod({ namespace: jig.namespace, fieldSelector: `metadata.name=${name}` }),
    (list) => list.items.length === 0,
    jig.waitOptions(ctx.timeouts.podDelete),
  );
}
