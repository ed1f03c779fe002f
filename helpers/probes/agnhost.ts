/** agnhost, the Kubernetes e2e test image the probes run. */

/** Where the agnhost binary sits in its image (its entrypoint). */
export const AGNHOST = '/agnhost';
