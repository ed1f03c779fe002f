/**
 * ra2.crt.002 from what was observed: every kubelet-backed node reports a CRI runtime, and
 * each sampled node ran a probe pod to completion through its kubelet. Virtual nodes (KWOK,
 * virtual-kubelet) report their simulator's or provider's "runtime" and run no pod for real:
 * they are counted and left out, never passed.
 */
import type { V1Node } from '@kubernetes/client-node';
import { fail, pass, skip, type Verdict } from '../../helpers/framework/result.js';
import { leaveOutVirtualNodes, nodeName } from '../../helpers/k8s/nodes.js';
import type { Completion } from '../../helpers/probes/pod-completion.js';
import { parseRuntimeVersion } from './oci.js';

export interface CriObservation {
  nodes: readonly V1Node[];
  /** Ready and schedulable: the nodes a probe pod may be pinned to. */
  runnable: (node: V1Node) => boolean;
  /** The sample's sentence (what was probed, what was left out). */
  sampleNote: string;
  /**
   * One probe pod per sampled node, under the node it was pinned to: a pod that was never
   * bound has no node of its own, and must still count against the node it was meant for.
   */
  runs: readonly { node: string; completion: Completion }[];
  /** Node name -> the kubelet's containerRuntimeEndpoint, as read. */
  endpoints: ReadonlyMap<string, string>;
}

export function judgeCriRuntimes(observed: CriObservation): Verdict {
  const { runs, runnable, endpoints, sampleNote } = observed;
  const { judged, virtualLeftOut, note, onlyVirtual } = leaveOutVirtualNodes(observed.nodes);
  const perNode = judged.map((node) => {
    const runtime = node.status?.nodeInfo?.containerRuntimeVersion ?? '';
    const run = runs.find((r) => r.node === nodeName(node))?.completion;
    const problems: string[] = [];
    if (!parseRuntimeVersion(runtime).cri)
      problems.push(`runtime "${runtime}" is not a known CRI runtime`);
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
        : runnable(node)
          ? 'not run (not in the sample; --all-nodes runs one on every node)'
          : 'not run (node not Ready or unschedulable)',
      problems,
    };
  });
  const evidence = {
    sample: sampleNote,
    nodes: perNode,
    ...(virtualLeftOut ? { virtualLeftOut } : {}),
  };
  if (onlyVirtual) return skip(`nothing to judge: ${onlyVirtual}`, evidence);
  if (runs.length === 0)
    return fail(
      'a Ready, schedulable node to run a pod on',
      `no node is Ready and schedulable${note}`,
      evidence,
    );
  const failing = perNode.filter((n) => n.problems.length > 0);
  return failing.length === 0
    ? pass(
        `every node runs a CRI runtime (${[...new Set(perNode.map((n) => n.containerRuntimeVersion))].join(', ')}) and ran a probe pod to completion on ${runs.length} node(s) (${sampleNote})`,
        evidence,
      )
    : fail(
        'a CRI runtime on every node, running pods for the kubelet',
        `${failing.map((n) => `${n.node}: ${n.problems.join(', ')}`).join('; ')}${note}`,
        evidence,
      );
}
