/**
 * 4.4 Container runtimes.
 *
 * OCI conformance is observed from inside a container: one pod asks for
 * OCI runtime-spec features through its security context and limits (user,
 * groups, capabilities, no-new-privileges, seccomp, read-only root, memory
 * limit) and a script in it reads what the runtime actually applied. CRI use
 * is observed per node: every node reports a CRI runtime, and a pod pinned to
 * a sample of the Ready, schedulable nodes (one per role/profile/zone/instance
 * type; every one with --all-nodes) runs to completion, which only happens
 * when the kubelet can drive that runtime through the CRI.
 */
import type { V1Node } from '@kubernetes/client-node';
import { restrictedPod } from '../helpers/probes/pod.js';
import { runToCompletion } from '../helpers/probes/pod-completion.js';
import { pinToNode, toleratingEveryTaint } from '../helpers/probes/tweaks.js';
import { readKubeletConfigs } from '../helpers/k8s/kubelet-config.js';
import { isReady, nodeName } from '../helpers/k8s/nodes.js';
import { mapBounded } from '../helpers/k8s/bounded.js';
import { defaultProbeConcurrency, sampleNodes } from '../helpers/probes/node-sample.js';
import {
  readOciReport,
  runtimeFeaturePod,
  runtimeFeatureRequest,
} from '../helpers/probes/oci-probe.js';
import { defineSuite } from '../helpers/framework/registry.js';
import { fail, pass } from '../helpers/framework/result.js';
import { judgeRuntimeFeatures } from './rules/oci.js';
import { judgeCriRuntimes } from './rules/cri.js';
import { profileLabelOf } from './rules/node-groups.js';

export default defineSuite('runtime', (spec) => {
  spec(
    'ra2.crt.001',
    {
      kind: 'probe',
      observes:
        'Starts a pod asking for a user, a supplementary group, no capabilities, no privilege escalation, RuntimeDefault seccomp, a read-only root and a memory limit, and reads from inside it what the runtime applied (ids, CapEff, NoNewPrivs, Seccomp, root writability, PID 1, hostname, cgroup memory limit): a sample of OCI 1.0 runtime-spec features, not the whole spec.',
    },
    async (ctx) => {
      const ns = await ctx.ns();
      const pod = await ns.pods.createRunning(runtimeFeaturePod(ctx));
      const node = pod.spec?.nodeName ?? '';
      const runtime = (await ctx.cluster.core.readNode({ name: node })).status?.nodeInfo
        ?.containerRuntimeVersion;
      const { report, stderr } = await readOciReport(ns, runtimeFeatureRequest.pod);
      const features = judgeRuntimeFeatures(report);
      const evidence = {
        node,
        containerRuntimeVersion: runtime,
        features: features.map(
          (f) => `${f.ok ? 'ok' : 'WRONG'} ${f.parameter}: ${f.observed} (expected ${f.expected})`,
        ),
        stderr: stderr.trim().slice(0, 300) || undefined,
      };
      const wrong = features.filter((f) => !f.ok);
      return wrong.length === 0
        ? pass(
            `${runtime ?? 'the runtime'} on ${node} applied all ${features.length} requested OCI runtime-spec features`,
            evidence,
          )
        : fail(
            'the runtime to apply the OCI runtime-spec features the pod asked for',
            wrong.map((f) => `${f.parameter}: ${f.observed} (expected ${f.expected})`).join('; '),
            evidence,
          );
    },
  );

  spec(
    'ra2.crt.002',
    {
      kind: 'probe',
      observes:
        "Reads each node's container runtime (status.nodeInfo.containerRuntimeVersion, matched against containerd, CRI-O and cri-dockerd); on one Ready, schedulable node per role/profile/zone/instance-type (every one with --all-nodes) reads the kubelet's runtime endpoint and runs a pod to completion through the kubelet. Virtual nodes (KWOK, virtual-kubelet) drive no CRI runtime and are counted and left out.",
    },
    async (ctx) => {
      const nodes = await ctx.cluster.inventory.nodes();
      // Every node's runtime is read from the API; the kubelet's endpoint and a pod run
      // on a sample (every node with --all-nodes), a bounded number at a time.
      const runnable = (n: V1Node) => isReady(n) && !n.spec?.unschedulable;
      const sample = sampleNodes(nodes.filter(runnable), {
        allNodes: ctx.allNodes,
        profileOf: profileLabelOf,
      });
      const endpoints = new Map(
        (await readKubeletConfigs(ctx.cluster.core, sample.nodes.map(nodeName))).map((r) => [
          r.node,
          'config' in r
            ? (r.config.containerRuntimeEndpoint ?? '(default)')
            : `(unreadable: ${r.error})`,
        ]),
      );
      const ns = await ctx.ns();
      const runs = await mapBounded(sample.nodes, defaultProbeConcurrency, (node, i) =>
        runToCompletion(
          ctx,
          ns,
          restrictedPod(ctx, `cri-${i}`, [
            'sh',
            '-c',
            'echo ran on $(cat /proc/sys/kernel/hostname)',
          ]),
          pinToNode(node),
          toleratingEveryTaint,
        ).then((completion) => ({ node: nodeName(node), completion })),
      );
      return judgeCriRuntimes({ nodes, runnable, sampleNote: sample.note, runs, endpoints });
    },
  );
});
