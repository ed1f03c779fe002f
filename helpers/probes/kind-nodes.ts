/**
 * Control of kind node containers through the Docker API (dockerode): the only
 * way to take a node away and bring it back, which failover probes need. Works
 * only where nodes are kind containers: their providerID is kind://docker/CLUSTER/NAME.
 */
import type Docker from 'dockerode';
import type { V1Node } from '@kubernetes/client-node';

const kindProviderPrefix = 'kind://docker/';

/** The container name behind a kind node, or undefined when the node is not a kind container. */
export function kindContainerName(node: V1Node): string | undefined {
  const providerID = node.spec?.providerID ?? '';
  if (!providerID.startsWith(kindProviderPrefix)) return undefined;
  return providerID.slice(kindProviderPrefix.length).split('/')[1];
}

/** The containers behind the nodes; undefined unless there are nodes and every one is a kind container. */
export function kindContainersOf(nodes: readonly V1Node[]): string[] | undefined {
  const containers = nodes.map(kindContainerName);
  if (containers.length === 0 || containers.some((c) => c === undefined)) return undefined;
  return containers as string[];
}

/**
 * dockerode (and its SSH/HTTP stack) is loaded on first use, never at import:
 * only this kind-only disruptive probe needs it, so a normal run does not pay
 * for it in start-up time or memory.
 */
async function newDockerClient(): Promise<Docker> {
  const { default: DockerClient } = await import('dockerode');
  return new DockerClient();
}

export class KindNodeJig {
  private client?: Promise<Docker>;

  constructor(docker?: Docker) {
    if (docker) this.client = Promise.resolve(docker);
  }

  private docker(): Promise<Docker> {
    return (this.client ??= newDockerClient());
  }

  private async container(name: string): Promise<Docker.Container> {
    return (await this.docker()).getContainer(name);
  }

  /** True when the Docker API answers: without it, no node can be stopped. */
  async reachable(): Promise<boolean> {
    try {
      await (await this.docker()).ping();
      return true;
    } catch {
      return false;
    }
  }

  async isRunning(container: string): Promise<boolean> {
    const info = await (await this.container(container)).inspect();
    return info.State.Running;
  }

  /** Stops the node container, as a node failure would: systemd inside gets its stop signal. */
  async stop(container: string, graceSeconds = 10): Promise<void> {
    await (await this.container(container)).stop({ t: graceSeconds });
  }

  /** Freezes every process of the node (the node hangs, but keeps its address and state). */
  async pause(container: string): Promise<void> {
    await (await this.container(container)).pause();
  }

  async unpause(container: string): Promise<void> {
    const handle = await this.container(container);
    const info = await handle.inspect();
    if (info.State.Paused) await handle.unpause();
  }

  /**
   * The container's addresses on its Docker networks (IPv4 and IPv6), sorted. A stopped
   * container has none; one started again gets each network's first free address, which
   * is its old one only if no lower address was freed meanwhile.
   */
  async addresses(container: string): Promise<string[]> {
    const info = await (await this.container(container)).inspect();
    return Object.values(info.NetworkSettings?.Networks ?? {})
      .flatMap((n) => [n.IPAddress, n.GlobalIPv6Address])
      .filter((a): a is string => Boolean(a))
      .sort();
  }

  async start(container: string): Promise<void> {
    if (await this.isRunning(container)) return;
    await (await this.container(container)).start();
  }
}
