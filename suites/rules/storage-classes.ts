/**
 * StorageClasses in the storage rows: which class is the default, whether
 * ra2.stg.004 has one to claim a volume of, and ra2.stg.007's judgement that
 * a claim naming no class gets the one default class and a volume its
 * provisioner created (Storage Classes doing the automation the row asks for).
 */
import type { V1StorageClass } from '@kubernetes/client-node';
import { fail, pass, skip, type Evidence, type Verdict } from '../../helpers/framework/result.js';
import type { BoundClaim } from '../../helpers/probes/pvc.js';

const defaultClassAnnotation = 'storageclass.kubernetes.io/is-default-class';
const provisionedByAnnotation = 'pv.kubernetes.io/provisioned-by';

export function defaultStorageClasses(classes: readonly V1StorageClass[]): string[] {
  return classes
    .filter((sc) => sc.metadata?.annotations?.[defaultClassAnnotation] === 'true')
    .map((sc) => sc.metadata?.name ?? '');
}

/** stg.004 claims a volume of the default class: without one, nothing is observed (the row is a "may"). */
export function persistenceNotObservable(classes: readonly V1StorageClass[]): Verdict | undefined {
  return defaultStorageClasses(classes).length === 0
    ? skip('no default StorageClass to provision a PersistentVolume with (optional: "may")', {
        storageClasses: classes.map((c) => c.metadata?.name),
      })
    : undefined;
}

/** "name: provisioner, binding mode" per class, as stg.007's evidence shows them. */
export function storageClassEvidence(classes: readonly V1StorageClass[]): Evidence {
  return {
    storageClasses: classes.map(
      (c) => `${c.metadata?.name ?? ''}: ${c.provisioner}, ${c.volumeBindingMode ?? 'Immediate'}`,
    ),
    defaults: defaultStorageClasses(classes),
  };
}

/** stg.007's first condition: exactly one default class, else the failure naming what is there. */
export function judgeOneDefaultClass(
  classes: readonly V1StorageClass[],
  evidence: Evidence = storageClassEvidence(classes),
): Verdict | undefined {
  const defaults = defaultStorageClasses(classes);
  if (defaults.length === 1) return undefined;
  return fail(
    'exactly one default StorageClass',
    classes.length === 0
      ? 'no StorageClass is marked default (no StorageClass exists)'
      : defaults.length === 0
        ? 'no StorageClass is marked default'
        : `${defaults.length} defaults: ${defaults.join(', ')}`,
    evidence,
  );
}

/**
 * stg.007's second condition: the claim that named no class is bound to a
 * volume of the default class that the class's provisioner created (a
 * pre-provisioned volume or another class's is not dynamic provisioning).
 */
export function judgeDynamicProvisioning(
  defaultClass: V1StorageClass | undefined,
  defaultName: string,
  claimClassAssigned: string | undefined,
  bound: BoundClaim,
  evidence: Evidence,
): Verdict {
  if (!bound.bound)
    return fail(
      'the claim to be bound',
      `phase ${bound.phase}; ${bound.events.join(' | ')}`,
      evidence,
    );
  const provisionedBy = bound.volume?.metadata?.annotations?.[provisionedByAnnotation];
  Object.assign(evidence, {
    claimClassAssigned,
    volume: bound.volume?.metadata?.name,
    provisionedBy,
    volumeClass: bound.volume?.spec?.storageClassName,
  });
  return provisionedBy === defaultClass?.provisioner &&
    bound.volume?.spec?.storageClassName === defaultName
    ? pass(
        `a claim naming no class got ${defaultName} and a volume provisioned by ${provisionedBy}`,
        evidence,
      )
    : fail(
        `a volume dynamically provisioned by ${defaultClass?.provisioner ?? '?'} for class ${defaultName}`,
        `volume ${bound.volume?.metadata?.name ?? '?'} provisioned by ${provisionedBy ?? 'nobody (pre-provisioned)'}, class ${bound.volume?.spec?.storageClassName ?? '?'}`,
        evidence,
      );
}
