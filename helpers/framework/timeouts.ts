/** Every wait the suite does, in one place (milliseconds). */
export interface Timeouts {
  /** Default per-check limit; --timeout overrides it. */
  check: number;
  podStart: number;
  podDelete: number;
  namespaceDelete: number;
  pvcBound: number;
  serviceEndpoints: number;
  /** A NetworkPolicy taking effect (or ceasing to) in the data path. */
  networkPolicy: number;
  /** A LoadBalancer Service or an Ingress getting an address. */
  loadBalancer: number;
  exec: number;
  /** A single API call during preflight. */
  apiCall: number;
  /** Between two polls of a wait. */
  pollInterval: number;
}

export const defaultTimeouts: Readonly<Timeouts> = {
  check: 5 * 60_000,
  podStart: 3 * 60_000,
  podDelete: 60_000,
  namespaceDelete: 2 * 60_000,
  pvcBound: 2 * 60_000,
  serviceEndpoints: 60_000,
  networkPolicy: 60_000,
  loadBalancer: 90_000,
  exec: 30_000,
  apiCall: 15_000,
  pollInterval: 1_000,
};
