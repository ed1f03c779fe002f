/** Image references, rewritten for air-gapped registries with --image-prefix. */

/**
 * Upstream's agnhost, the Kubernetes e2e test image (an Alpine userland plus
 * curl, dig/nslookup, nc, ip, iperf and bash): the in-pod scripts are written
 * for busybox's sh and tools. The offline test bed builds and preloads an image
 * of this name (testbed/build-images.sh, AGNHOST_VERSION in testbed/versions.env).
 */
export const DEFAULT_PROBE_IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.59';

/**
 * Puts `prefix` in front of the image's repository path, dropping the image's
 * own registry host if it names one: ("registry.local:5000/mirror",
 * "registry.k8s.io/e2e-test-images/agnhost:2.53") ->
 * "registry.local:5000/mirror/e2e-test-images/agnhost:2.53".
 */
export function withImagePrefix(image: string, prefix: string | undefined): string {
  if (!prefix) return image;
  const parts = image.split('/');
  const first = parts[0] ?? '';
  const namesRegistry =
    parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const path = namesRegistry ? parts.slice(1).join('/') : image;
  return `${prefix.replace(/\/+$/, '')}/${path}`;
}
