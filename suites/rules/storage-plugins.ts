/**
 * Volume plugins in the storage rows, judged from StorageClasses, CSIDrivers,
 * CSINodes and PersistentVolumes. ra2.stg.003: plugins of a storage protocol
 * or management API may be used; where they are, their volumes must not be
 * Failed. ra2.stg.006: CSI may be supported; where a CSI driver is declared,
 * the nodes must register one (the kubelet's CSINode), else no CSI volume can
 * be mounted anywhere.
 */
import type {
  V1CSIDriver,
  V1CSINode,
  V1PersistentVolume,
  V1StorageClass,
} from '@kubernetes/client-node';
import { fail, notApplicable, pass, type Verdict } from '../../helpers/framework/result.js';
import { volumeSourceOf } from '../../helpers/probes/pvc.js';
import { defaultStorageClasses } from './storage-classes.js';

/** Sources that are a directory of the node, not a storage protocol or management API. */
const nodeLocal = new Set(['hostPath', 'local', 'unknown']);

export function judgeVolumePlugins(
  classes: readonly V1StorageClass[],
  drivers: readonly V1CSIDriver[],
  pvs: readonly V1PersistentVolume[],
): Verdict {
  const sources = pvs.map((pv) => ({
    pv: pv.metadata?.name ?? '',
    source: volumeSourceOf(pv),
    phase: pv.status?.phase ?? '',
  }));
  const pluginPvs = sources.filter((s) => !nodeLocal.has(s.source));
  const evidence = {
    storageClasses: classes.map((c) => `${c.metadata?.name ?? ''}: ${c.provisioner}`),
    csiDrivers: drivers.map((d) => d.metadata?.name),
    persistentVolumeSources: sources.map((s) => `${s.pv}: ${s.source} (${s.phase})`),
  };
  // A class is a plugin's when a CSI driver or an in-tree provisioner (not the no-op ones) serves it.
  const pluginClasses = classes.filter(
    (c) =>
      drivers.some((d) => d.metadata?.name === c.provisioner) ||
      /^kubernetes\.io\/(?!no-provisioner|host-path)/.test(c.provisioner),
  );
  if (pluginPvs.length === 0 && pluginClasses.length === 0 && drivers.length === 0)
    return notApplicable(
      'no volume plugin for a storage protocol or management API is in use (optional: "may")',
      evidence,
    );
  const failed = pluginPvs.filter((s) => s.phase === 'Failed');
  return failed.length === 0
    ? pass(
        `volume plugins in use: ${[...new Set([...pluginPvs.map((s) => s.source), ...pluginClasses.map((c) => c.provisioner)])].join(', ') || drivers.map((d) => d.metadata?.name).join(', ')}`,
        evidence,
      )
    : fail(
        'volumes of the volume plugins in use to be usable',
        `Failed volumes: ${failed.map((s) => `${s.pv} (${s.source})`).join(', ')}`,
        evidence,
      );
}

/**
 * The row's "must"s (a CSI driver; the CSIDriverRegistry/CSINodeInfo gates,
 * GA and shown by served csidrivers/csinodes) apply if CSI is supported. No
 * CSI driver registered anywhere means it is not (not applicable); drivers
 * declared but registered on no node is a failure.
 */
export function judgeCsiSupport(
  drivers: readonly V1CSIDriver[],
  csiNodes: readonly V1CSINode[],
  classes: readonly V1StorageClass[],
): Verdict {
  const registered = Object.fromEntries(
    csiNodes.map((n) => [n.metadata?.name ?? '', (n.spec.drivers ?? []).map((d) => d.name)]),
  );
  const driverNames = drivers.map((d) => d.metadata?.name ?? '');
  const onNodes = new Set(Object.values(registered).flat());
  const defaults = classes.filter((c) => defaultStorageClasses([c]).length > 0);
  const evidence = {
    csiDrivers: drivers.map((d) => ({
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
    return notApplicable(
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
}
