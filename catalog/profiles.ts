/**
 * Anuket profile labels on nodes. RA2 (ra2.k8s.011) names them
 * anuket.io/profile/basic and anuket.io/profile/network-intensive, but a label
 * key may hold only one "/" (prefix/name), so the API refuses those keys. The
 * project reads the nearest valid key, anuket.io/profile-basic and
 * anuket.io/profile-network-intensive, and also accepts the spec's spelling
 * should an API ever return it.
 */
import type { V1Node } from '@kubernetes/client-node';

export const anuketProfiles = ['basic', 'network-intensive'] as const;
export type AnuketProfile = (typeof anuketProfiles)[number];

/** Label keys that mark `profile`: the valid key first, then the spec's spelling. */
export function profileLabelKeys(profile: AnuketProfile): string[] {
  return [`anuket.io/profile-${profile}`, `anuket.io/profile/${profile}`];
}

/** Any label that looks like an Anuket profile label. */
export function isProfileLabelKey(key: string): boolean {
  return key.startsWith('anuket.io/profile-') || key.startsWith('anuket.io/profile/');
}

export function hasProfile(node: V1Node, profile: AnuketProfile): boolean {
  const labels = node.metadata?.labels ?? {};
  return profileLabelKeys(profile).some((key) => labels[key] === 'true');
}

/** The label key that marks a network-intensive node. */
export const networkIntensiveLabel = profileLabelKeys('network-intensive')[0]!;
