/**
 * Where the clusters under test come from. A missing or unreadable kubeconfig
 * fails the suite with a message saying what to set; it never skips.
 */
import { existsSync } from 'node:fs';

export const clusterEnv = {
  basic: {
    variable: 'RA2_E2E_KUBECONFIG',
    hint: 'testbed/cluster.sh up basic, then RA2_E2E_KUBECONFIG=.testbed/ra2-basic.kubeconfig',
  },
  networkIntensive: {
    variable: 'RA2_E2E_NI_KUBECONFIG',
    hint: 'testbed/cluster.sh up network-intensive, then RA2_E2E_NI_KUBECONFIG=.testbed/ra2-network-intensive.kubeconfig',
  },
  alphaApi: {
    variable: 'RA2_E2E_ALPHA_KUBECONFIG',
    hint: 'testbed/cluster.sh up alpha-api, then RA2_E2E_ALPHA_KUBECONFIG=.testbed/ra2-alpha-api.kubeconfig',
  },
} as const;

/** The kubeconfig path named by the cluster's env variable; throws a readable error otherwise. */
export function requireKubeconfig(cluster: keyof typeof clusterEnv): string {
  const { variable, hint } = clusterEnv[cluster];
  const file = process.env[variable];
  if (!file)
    throw new Error(`${variable} is not set: these tests need the ${cluster} cluster (${hint})`);
  if (!existsSync(file))
    throw new Error(`${variable}=${file} does not exist: is the ${cluster} cluster up? (${hint})`);
  return file;
}
