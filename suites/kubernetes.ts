/**
 * 4.3 Kubernetes.
 *
 * API-level rows (alpha/beta/GA versions) are decided from discovery, the
 * same view every client gets. Availability rows read nodes and their zone
 * labels. The dual-stack probe needs real traffic: one server pod behind a
 * RequireDualStack Service and one client pod, so both the allocation of two
 * ClusterIPs and the data path through each family are observed.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ApiException, type V1Node } from '@kubernetes/client-node';
import {
  alphaVersion,
  betaVersion,
  gaVersion,
  resourcesOf,
  servedGroupVersions,
} from '../helpers/discovery.js';
import { AGNHOST } from '../helpers/images.js';
import { PodJig, restrictedPod, sleeperPod } from '../helpers/jigs/pod.js';
import { createService, clusterIpService, waitForReadyEndpoints } from '../helpers/jigs/service.js';
import { controlPlanes, listNodes, nodesByZone, workers } from '../helpers/nodes.js';
import { defineSuite } from '../helpers/registry.js';
import { fail, pass } from '../helpers/verdict.js';

/** GA group versions every supported Kubernetes release serves. */
export const requiredGaGroupVersions = [
  'v1',
  'admissionregistration.k8s.io/v1',
  'apiextensions.k8s.io/v1',
  'apps/v1',
  'authentication.k8s.io/v1',
  'authorization.k8s.io/v1',
  'autoscaling/v1',
  'autoscaling/v2',
  'batch/v1',
  'certificates.k8s.io/v1',
  'coordination.k8s.io/v1',
  'discovery.k8s.io/v1',
  'events.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1',
  'networking.k8s.io/v1',
  'node.k8s.io/v1',
  'policy/v1',
  'rbac.authorization.k8s.io/v1',
  'scheduling.k8s.io/v1',
  'storage.k8s.io/v1',
];

export default defineSuite('kubernetes', (spec) => {
  spec('ra2.k8s.001', { kind: 'attest' });
  spec.todo('ra2.k8s.002', { kind: 'inspect' });

  spec('ra2.k8s.003', { kind: 'inspect' }, async (ctx) => {
    return atLeastOnePerZone(await listNodes(ctx.cluster.core), 'control-plane', controlPlanes);
  });

  spec.todo('ra2.k8s.012a', { kind: 'inspect' });

  spec('ra2.k8s.004', { kind: 'inspect' }, async (ctx) => {
    return atLeastOnePerZone(await listNodes(ctx.cluster.core), 'worker', workers);
  });

  spec.todo('ra2.k8s.005', { kind: 'inspect' });
  spec.todo('ra2.k8s.006', { kind: 'inspect' });
  spec.todo('ra2.k8s.007', { kind: 'inspect' });
  spec.todo('ra2.k8s.008', { kind: 'inspect' });
  spec.todo('ra2.k8s.009', { kind: 'inspect' });

  spec('ra2.k8s.010', { kind: 'probe' }, async (ctx) => {
    const jig = await PodJig.inCheckNamespace(ctx);
    const serverLabels = { 'ra2.anuket.io/role': 'dual-stack-server' };
    const port = 8080;
    let service;
    try {
      service = await createService(
        ctx,
        jig.namespace,
        clusterIpService(ctx, 'dual-stack', serverLabels, port),
        (s) => {
          s.spec = { ...s.spec, ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] };
        },
      );
    } catch (err) {
      if (err instanceof ApiException && (err as ApiException<unknown>).code === 422) {
        return fail(
          'a Service with ipFamilyPolicy RequireDualStack to be accepted',
          `rejected: ${String((err as Error).message).split('\n')[0]}`,
        );
      }
      throw err;
    }
    const clusterIPs = service.spec?.clusterIPs ?? [];
    const ipv4 = clusterIPs.find((ip) => isIPv4(ip));
    const ipv6 = clusterIPs.find((ip) => isIPv6(ip));
    if (!ipv4 || !ipv6) {
      return fail(
        'two ClusterIPs, one IPv4 and one IPv6',
        `clusterIPs ${JSON.stringify(clusterIPs)}`,
        { clusterIPs },
      );
    }

    await jig.createAndWaitRunning(restrictedPod(ctx, 'server', []), (pod) => {
      const container = pod.spec!.containers[0]!;
      delete container.command;
      container.args = ['netexec', `--http-port=${port}`];
      pod.metadata!.labels = { ...pod.metadata!.labels, ...serverLabels };
    });
    await waitForReadyEndpoints(ctx, jig.namespace, 'dual-stack', 2);
    await jig.createAndWaitRunning(sleeperPod(ctx, 'client'));

    const reach = async (ip: string) => {
      const target = isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`;
      const result = await jig.exec('client', [AGNHOST, 'connect', '--timeout=5s', target]);
      return { target, exitCode: result.exitCode, stderr: result.stderr.trim() };
    };
    const attempts = [await reach(ipv4), await reach(ipv6)];
    const evidence = { clusterIPs, attempts };
    const unreachable = attempts.filter((a) => a.exitCode !== 0);
    return unreachable.length === 0
      ? pass(`service got ${ipv4} and ${ipv6}; the client reached the server over both`, evidence)
      : fail(
          'the server to be reachable through the service over IPv4 and IPv6',
          unreachable.map((a) => `${a.target}: exit ${a.exitCode} ${a.stderr}`).join('; '),
          evidence,
        );
  });

  spec.todo('ra2.k8s.011', { kind: 'inspect' });

  spec('ra2.k8s.012b', { kind: 'inspect' }, async (ctx) => {
    const served = await servedGroupVersions(ctx.cluster.kc);
    const alpha = served.filter((gv) => alphaVersion.test(gv.version)).map((gv) => gv.groupVersion);
    const evidence = { served: served.map((gv) => gv.groupVersion), alpha };
    return alpha.length === 0
      ? pass(`none of the ${served.length} served group versions is alpha`, evidence)
      : fail(
          'no alpha API group versions served',
          `alpha APIs served: ${alpha.join(', ')}`,
          evidence,
        );
  });

  spec('ra2.k8s.013', { kind: 'inspect' }, async (ctx) => {
    const served = new Set(
      (await servedGroupVersions(ctx.cluster.kc)).map((gv) => gv.groupVersion),
    );
    const missing = requiredGaGroupVersions.filter((gv) => !served.has(gv));
    const evidence = { required: requiredGaGroupVersions, missing };
    return missing.length === 0
      ? pass(`all ${requiredGaGroupVersions.length} GA group versions are served`, evidence)
      : fail('every GA group version to be served', `not served: ${missing.join(', ')}`, evidence);
  });

  spec.todo('ra2.k8s.014', { kind: 'probe' });
  spec.todo('ra2.k8s.015', { kind: 'probe' });
  spec.todo('ra2.k8s.016', { kind: 'probe' });
  spec.todo('ra2.k8s.017', { kind: 'probe' });
  spec.todo('ra2.k8s.018', { kind: 'probe' });

  spec('ra2.k8s.019', { kind: 'inspect' }, async (ctx) => {
    const served = await servedGroupVersions(ctx.cluster.kc);
    const resources = new Map<string, string[]>();
    const listed = async (groupVersion: string) => {
      if (!resources.has(groupVersion))
        resources.set(groupVersion, await resourcesOf(ctx.cluster.kc, groupVersion));
      return resources.get(groupVersion) as string[];
    };
    const violations: string[] = [];
    for (const beta of served.filter((gv) => gv.group !== '' && betaVersion.test(gv.version))) {
      const gaOfGroup = served.filter(
        (gv) => gv.group === beta.group && gaVersion.test(gv.version),
      );
      for (const resource of await listed(beta.groupVersion)) {
        for (const ga of gaOfGroup) {
          if ((await listed(ga.groupVersion)).includes(resource)) {
            violations.push(
              `${resource} served at ${beta.groupVersion} and at GA ${ga.groupVersion}`,
            );
          }
        }
      }
    }
    const betas = served.filter((gv) => betaVersion.test(gv.version)).map((gv) => gv.groupVersion);
    const evidence = { betaGroupVersions: betas, violations };
    return violations.length === 0
      ? pass(
          `no beta resource is also served at a GA version (${betas.length} beta group versions examined)`,
          evidence,
        )
      : fail(
          'a beta resource only where no GA version of it is served',
          violations.join('; '),
          evidence,
        );
  });
});

/**
 * Zones are those named on any node; a cluster whose nodes carry no zone
 * label is one unnamed zone. Each zone needs at least one node of the role.
 */
export function atLeastOnePerZone(
  nodes: readonly V1Node[],
  role: string,
  ofRole: (nodes: readonly V1Node[]) => V1Node[],
) {
  const zones = [...nodesByZone(nodes).keys()];
  const roleByZone = nodesByZone(ofRole(nodes));
  const evidence = {
    zones: Object.fromEntries(
      [...nodesByZone(nodes)].map(([zone, names]) => [zone || '(no zone label)', names]),
    ),
    [`${role}NodesByZone`]: Object.fromEntries(
      [...roleByZone].map(([zone, names]) => [zone || '(no zone label)', names]),
    ),
  };
  const lacking = zones.filter((zone) => !roleByZone.has(zone));
  if (nodes.length === 0)
    return fail(`at least one ${role} node per zone`, 'the cluster lists no nodes', evidence);
  return lacking.length === 0
    ? pass(`each of ${zones.length} zone(s) has a ${role} node`, evidence)
    : fail(
        `at least one ${role} node per zone`,
        `no ${role} node in zone(s) ${lacking.map((z) => z || '(no zone label)').join(', ')}`,
        evidence,
      );
}
