/** Image references, rewritten for air-gapped registries with --image-prefix. */

export const DEFAULT_PROBE_IMAGE = 'ra2-testbed/agnhost:v1.35.4';

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
