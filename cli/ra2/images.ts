/**
 * `ra2 images`: every image a run uses, with --image-prefix applied, so an
 * air-gapped cluster's registry can be filled before the run. The checks use
 * only the probe image; with --sonobuoy the list adds the plugin's own image
 * and Sonobuoy's aggregator/worker image.
 */
import { DEFAULT_PROBE_IMAGE, withImagePrefix } from '../../helpers/framework/images.js';

/** The Sonobuoy release the plugin is built and tested with (scripts/build-sonobuoy.sh). */
export const SONOBUOY_VERSION = 'v0.57.3';
export const SONOBUOY_IMAGE = `docker.io/sonobuoy/sonobuoy:${SONOBUOY_VERSION}`;
/** The plugin image's repository; its tag is the package version (scripts/build-plugin-image.sh). */
export const PLUGIN_REPOSITORY = 'ra2-testbed/ra2-conformance';

export interface UsedImage {
  image: string;
  usedFor: string;
}

export function usedImages(options: {
  probeImage?: string;
  imagePrefix?: string;
  sonobuoy?: boolean;
  version: string;
}): UsedImage[] {
  const prefixed = (image: string) => withImagePrefix(image, options.imagePrefix);
  const images: UsedImage[] = [
    {
      image: prefixed(options.probeImage ?? DEFAULT_PROBE_IMAGE),
      usedFor: 'probe pods (agnhost: netexec, connect, sh)',
    },
  ];
  if (options.sonobuoy) {
    images.push(
      {
        image: prefixed(`${PLUGIN_REPOSITORY}:${options.version}`),
        usedFor: 'the Sonobuoy plugin ra2 (this suite)',
      },
      { image: prefixed(SONOBUOY_IMAGE), usedFor: 'Sonobuoy aggregator and worker sidecar' },
    );
  }
  return images;
}
