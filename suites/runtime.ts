/**
 * 4.4 Container runtimes.
 *
 * OCI conformance is observed from inside a container: one pod asks for
 * OCI runtime-spec features through its security context and limits (user,
 * groups, capabilities, no-new-privileges, seccomp, read-only root, memory
 * limit) and a script in it reads what the runtime actually applied. CRI use
 * is observed per node: every node reports a CRI runtime, and a pod pinned to
 * each Ready, schedulable node runs to completion, which only happens when the
 * kubelet can drive that runtime through the CRI.
 */
import type { V1Node } from '@kubernetes/client-node';
import { PodJig, restrictedPod, sleeperPod } from '../helpers/probes/pod.js';
import { runToCompletion } from '../helpers/probes/pod-completion.js';
import { readKubeletConfigs } from '../helpers/k8s/kubelet-config.js';
import { isReady, listNodes, nodeName } from '../helpers/k8s/nodes.js';
import { judgeOciProbe, ociProbeScript, parseRuntimeVersion } from '../helpers/probes/oci-probe.js';
import { defineSuite } from '../helpers/framework/registry.js';
import { fail, pass } from '../helpers/framework/result.js';

const oci = {
  uid: 1234,
  gid: 2345,
  supplementalGroup: 3456,
  hostname: 'oci-probe',
  memoryLimitBytes: 64 * 2 ** 20,
  pid1: ['sh', 'sleep'],
};

export default defineSuite('runtime', (spec) => {
  spec('ra2.crt.001', { kind: 'probe' }, async (ctx) => {
    const jig = await PodJig.inCheckNamespace(ctx);
    const pod = await jig.createAndWaitRunning(sleeperPod(ctx, oci.hostname), (p) => {
      p.spec!.securityContext = {
        ...p.spec!.securityContext,
        runAsUser: oci.uid,
        runAsGroup: oci.gid,
        supplementalGroups: [oci.supplementalGroup],
      };
      const container = p.spec!.containers[0]!;
      container.securityContext = { ...container.securityContext, readOnlyRootFilesystem: true };
      container.resources = {
        requests: { memory: '64Mi', cpu: '50m' },
        limits: { memory: '64Mi', cpu: '50m' },
      };
    });
    const node = pod.spec?.nodeName ?? '';
    const runtime = (await ctx.cluster.core.readNode({ name: node })).status?.nodeInfo
      ?.containerRuntimeVersion;
    const probe = await jig.exec(oci.hostname, ['sh', '-c', ociProbeScript]);
    const features = judgeOciProbe(probe.stdout, oci);
    const evidence = {
      node,
      containerRuntimeVersion: runtime,
      features: features.map(
        (f) => `${f.ok ? 'ok' : 'WRONG'} ${f.feature}: ${f.observed} (expected ${f.expected})`,
      ),
      stderr: probe.stderr.trim().slice(0, 300) || undefined,
    };
    const wrong = features.filter((f) => !f.ok);
    return wrong.length === 0
      ? pass(
          `${runtime ?? 'the runtime'} on ${node} applied all ${features.length} requested OCI runtime-spec features`,
          evidence,
        )
      : fail(
          'the runtime to apply the OCI runtime-spec features the pod asked for',
          wrong.map((f) => `${f.feature}: ${f.observed} (expected ${f.expected})`).join('; '),
          evidence,
        );
  });

  spec('ra2.crt.002', { kind: 'probe' }, async (ctx) => {
    const nodes = await listNodes(ctx.cluster.core);
    const endpoints = new Map(
      (await readKubeletConfigs(ctx.cluster.core, nodes.map(nodeName))).map((r) => [
        r.node,
        'config' in r
          ? (r.config.containerRuntimeEndpoint ?? '(default)')
          : `(unreadable: ${r.error})`,
      ]),
    );
    const runnable = (n: V1Node) => isReady(n) && !n.spec?.unschedulable;
    const jig = await PodJig.inCheckNamespace(ctx);
    const runs = await Promise.all(
      nodes.filter(runnable).map((node, i) =>
        runToCompletion(
          ctx,
          jig,
          restrictedPod(ctx, `cri-${i}`, [
            'sh',
            '-c',
            'echo ran on $(cat /proc/sys/kernel/hostname)',
          ]),
          (pod) => {
            pod.spec!.nodeSelector = { 'kubernetes.io/hostname': nodeName(node) };
            pod.spec!.tolerations = [{ operator: 'Exists' }];
          },
        ).then((run) => ({ node: nodeName(node), ...run })),
      ),
    );
    const perNode = nodes.map((node) => {
      const runtime = node.status?.nodeInfo?.containerRuntimeVersion ?? '';
      const parsed = parseRuntimeVersion(runtime);
      const run = runs.find((r) => r.node === nodeName(node));
      const problems: string[] = [];
      if (!parsed.cri) problems.push(`runtime "${runtime}" is not a known CRI runtime`);
      if (run && !(run.finished && run.phase === 'Succeeded'))
        problems.push(
          `probe pod ${run.pod} ${run.finished ? `ended ${run.phase}` : `still ${run.phase}`}`,
        );
      return {
        node: nodeName(node),
        containerRuntimeVersion: runtime,
        runtimeEndpoint: endpoints.get(nodeName(node)),
        probe: run
          ? {
              pod: run.pod,
              phase: run.phase,
              exitCode: run.exitCode,
              log: run.log,
              described: run.described,
            }
          : 'not run (node not Ready or unschedulable)',
        problems,
      };
    });
    const failing = perNode.filter((n) => n.problems.length > 0);
    const evidence = { nodes: perNode };
    if (runs.length === 0) {
      return fail(
        'a Ready, schedulable node to run a pod on',
        'no node is Ready and schedulable',
        evidence,
      );
    }
    return failing.length === 0
      ? pass(
          `every node runs a CRI runtime (${[...new Set(perNode.map((n) => n.containerRuntimeVersion))].join(', ')}) and ran a probe pod to completion on ${runs.length} node(s)`,
          evidence,
        )
      : fail(
          'a CRI runtime on every node, running pods for the kubelet',
          failing.map((n) => `${n.node}: ${n.problems.join(', ')}`).join('; '),
          evidence,
        );
  });
});
