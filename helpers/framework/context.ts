/** What a check body receives. Built per check by the runner. */
import type { CatalogRow, Profile } from '../../catalog/types.js';
import type { Cluster } from '../k8s/cluster.js';
import type { Attestation } from './attestations.js';
import type { NamespaceHandle } from '../k8s/namespace-handle.js';
import type { Timeouts } from './timeouts.js';

export interface CheckContext {
  row: CatalogRow;
  runId: string;
  cluster: Cluster;
  /** The profile this run checks (resolved when --profile auto). */
  profile: Profile;
  /** Probe image with any --image-prefix applied. */
  probeImage: string;
  timeouts: Timeouts;
  /**
   * --all-nodes: per-node probes cover every node instead of one sample per
   * role/zone/instance type (slower on big clusters, exhaustive).
   */
  allNodes: boolean;
  /** Aborted when the check times out or the run is interrupted. */
  signal: AbortSignal;
  /** Labels for every object the check creates. */
  labels: Record<string, string>;
  /** The user's attestation for this row, if any. */
  attestation?: Attestation;
  log(line: string): void;
  /** The check's own namespace, created on first use and deleted when the check ends. */
  namespace(): Promise<string>;
  /** A handle on the check's namespace: create pods, services, claims, policies... and wait. */
  ns(): Promise<NamespaceHandle>;
  /** Registers a cleanup step, run last-in-first-out when the check ends. */
  defer(description: string, run: () => Promise<void>): void;
}
