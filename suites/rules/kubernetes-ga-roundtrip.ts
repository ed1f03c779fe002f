/**
 * ra2.k8s.013 "Backward compatibility of all supported GA APIs", beyond the
 * table of served GA group versions (suites/rules/ga-apis.ts): where a group
 * serves two GA versions, an object written through one must read back through
 * the other with the fields both versions carry unchanged. Upstream, only
 * autoscaling does (v1 and v2, HorizontalPodAutoscaler); a group with two GA
 * versions and no object defined here is named in the evidence, not judged.
 */
import type { V1HorizontalPodAutoscaler, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { gaVersion, type ServedGroupVersion } from '../../helpers/k8s/discovery.js';
import { fail, pass, type Verdict } from '../../helpers/framework/result.js';
import type { GaTableJudgement } from './ga-apis.js';

/** The fields both versions carry, by path ("spec.maxReplicas"): what a round trip must keep. */
export type SharedFields = Record<string, string | number | undefined>;

/** GA versions of each group that serves more than one, sorted ("autoscaling" -> ["v1", "v2"]). */
export function groupsWithSeveralGaVersions(
  served: readonly ServedGroupVersion[],
): Map<string, string[]> {
  const byGroup = new Map<string, string[]>();
  for (const gv of served) {
    if (!gaVersion.test(gv.version)) continue;
    byGroup.set(gv.group, [...(byGroup.get(gv.group) ?? []), gv.version]);
  }
  const several = new Map<string, string[]>();
  for (const [group, versions] of byGroup) {
    if (versions.length > 1)
      several.set(
        group,
        [...versions].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))),
      );
  }
  return several;
}

/** A round trip the check knows how to make: write through one GA version, read through another. */
export interface RoundTripPlan {
  group: string;
  kind: string;
  wroteThrough: string;
  readThrough: string;
}

/** The groups the check has an object for. */
const objectOfGroup: Record<string, { kind: string; from: string; to: string }> = {
  autoscaling: { kind: 'HorizontalPodAutoscaler', from: 'v1', to: 'v2' },
};

/**
 * The round trips to make among the groups serving several GA versions, and
 * what is left without one (said in the evidence, never a failure).
 */
export function planRoundTrips(served: readonly ServedGroupVersion[]): {
  plans: RoundTripPlan[];
  notRoundTripped: string[];
} {
  const plans: RoundTripPlan[] = [];
  const notRoundTripped: string[] = [];
  const several = groupsWithSeveralGaVersions(served);
  if (several.size === 0) notRoundTripped.push('no group serves two GA versions');
  for (const [group, versions] of several) {
    const known = objectOfGroup[group];
    if (known && versions.includes(known.from) && versions.includes(known.to)) {
      plans.push({
        group,
        kind: known.kind,
        wroteThrough: `${group}/${known.from}`,
        readThrough: `${group}/${known.to}`,
      });
    } else {
      notRoundTripped.push(
        `${group || 'core'} serves GA ${versions.join(', ')}: no object to round-trip defined for it`,
      );
    }
  }
  return { plans, notRoundTripped };
}

export const roundTripName = 'ra2-round-trip';

/** The HorizontalPodAutoscaler written through autoscaling/v1: a value in every field v2 shares. */
export function roundTripHpaV1(labels: Record<string, string>): V1HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: roundTripName, labels },
    spec: {
      // No such Deployment: the object is only stored and read, nothing scales.
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: `${roundTripName}-target`,
      },
      minReplicas: 2,
      maxReplicas: 5,
      targetCPUUtilizationPercentage: 70,
    },
  };
}

function metadataFields(metadata: { name?: string; labels?: Record<string, string> } | undefined) {
  const fields: SharedFields = { 'metadata.name': metadata?.name };
  for (const [key, value] of Object.entries(metadata?.labels ?? {}))
    fields[`metadata.labels.${key}`] = value;
  return fields;
}

/** The scale target and replica bounds, spelt the same in autoscaling/v1 and v2. */
function scaleFields(
  spec: V1HorizontalPodAutoscaler['spec'] | V2HorizontalPodAutoscaler['spec'],
): SharedFields {
  return {
    'spec.scaleTargetRef.apiVersion': spec?.scaleTargetRef.apiVersion,
    'spec.scaleTargetRef.kind': spec?.scaleTargetRef.kind,
    'spec.scaleTargetRef.name': spec?.scaleTargetRef.name,
    'spec.minReplicas': spec?.minReplicas,
    'spec.maxReplicas': spec?.maxReplicas,
  };
}

/** The fields of an autoscaling/v1 HPA that autoscaling/v2 also carries. */
export function hpaFieldsV1(hpa: V1HorizontalPodAutoscaler): SharedFields {
  const spec = hpa.spec;
  return {
    ...metadataFields(hpa.metadata),
    ...scaleFields(spec),
    'spec.cpuUtilization': spec?.targetCPUUtilizationPercentage,
  };
}

/** The same fields read off an autoscaling/v2 HPA (v1's CPU target is v2's cpu Resource metric). */
export function hpaFieldsV2(hpa: V2HorizontalPodAutoscaler): SharedFields {
  const spec = hpa.spec;
  const cpu = spec?.metrics?.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
  const target = cpu?.resource?.target;
  return {
    ...metadataFields(hpa.metadata),
    ...scaleFields(spec),
    'spec.cpuUtilization': target?.type === 'Utilization' ? target.averageUtilization : undefined,
  };
}

/** "spec.maxReplicas: wrote 5, read 4" for every written field lost or changed on the way back. */
export function roundTripDifferences(written: SharedFields, read: SharedFields): string[] {
  return Object.entries(written).flatMap(([path, value]) => {
    const back = read[path];
    if (back === value) return [];
    return [
      `${path}: wrote ${String(value)}, read ${back === undefined ? 'nothing' : String(back)}`,
    ];
  });
}

/** One round trip made: what was written, read and changed, and whether the object was deleted. */
export interface RoundTrip extends RoundTripPlan {
  object: string;
  written: SharedFields;
  read: SharedFields;
  differences: string[];
  deleted: boolean;
}

export interface GaTableView {
  serverVersion: string;
  judged: GaTableJudgement;
}

/**
 * The row's verdict: every GA group version of the minor's table served, and
 * every round trip made without a field lost or changed.
 */
export function judgeGaApis(
  { serverVersion, judged }: GaTableView,
  roundTrips: readonly RoundTrip[],
  notRoundTripped: readonly string[],
): Verdict {
  const comparedWith =
    judged.tableMinor !== undefined ? `upstream 1.${judged.tableMinor}` : 'common GA list';
  const evidence = {
    serverVersion,
    comparedWith,
    note: judged.note,
    expected: judged.expected,
    missing: judged.missing,
    roundTrips: roundTrips.map((r) => ({
      object: r.object,
      wroteThrough: r.wroteThrough,
      readThrough: r.readThrough,
      written: r.written,
      read: r.read,
      differences: r.differences,
      deleted: r.deleted,
    })),
    notRoundTripped,
  };
  const changed = roundTrips.filter((r) => r.differences.length > 0);
  const problems = [
    ...(judged.missing.length > 0 ? [`not served: ${judged.missing.join(', ')}`] : []),
    ...changed.map(
      (r) =>
        `${r.kind} written through ${r.wroteThrough} read through ${r.readThrough}: ${r.differences.join(', ')}`,
    ),
  ];
  if (problems.length > 0) {
    const expected = [
      ...(judged.missing.length > 0 ? [`every GA group version ${comparedWith} serves`] : []),
      ...(changed.length > 0
        ? ['an object written through one GA version read back unchanged through another']
        : []),
    ].join(', and ');
    return fail(expected, problems.join('; '), evidence);
  }
  const trips =
    roundTrips.length > 0
      ? roundTrips
          .map(
            (r) =>
              `a ${r.kind} written through ${r.wroteThrough} read the same through ${r.readThrough}`,
          )
          .join('; ')
      : `no round trip (${notRoundTripped.join('; ')})`;
  return pass(
    `all ${judged.expected.length} GA group versions of ${comparedWith} are served; ${trips}`,
    evidence,
  );
}
