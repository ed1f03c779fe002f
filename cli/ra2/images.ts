/**
 * `ra2 images`: every image a run uses, with --image-prefix applied, so an
 * air-gapped cluster's registry can be filled before the run. The checks (and
 * the run's image preflight) use only the probe image; a Sonobuoy run adds the
 * plugin's own image (the test bed's, or the one given to `make image
 * IMAGE=...` and `ra2 plugin --image`) and Sonobuoy's aggregator/worker image.
 */
import type { Command } from 'commander';
import { DEFAULT_PROBE_IMAGE, withImagePrefix } from '../../helpers/framework/images.js';
import { settingNamed } from '../../helpers/framework/settings.js';
import type { TextSink } from '../../helpers/reporters/console.js';
import { optionFor } from './options.js';

/** The Sonobuoy release the plugin is built and tested with (scripts/build-sonobuoy.sh). */
export const SONOBUOY_VERSION = 'v0.57.3';
export const SONOBUOY_IMAGE = `docker.io/sonobuoy/sonobuoy:${SONOBUOY_VERSION}`;
/** The test bed's plugin repository; its tag is the package version (scripts/build-plugin-image.sh). */
export const PLUGIN_REPOSITORY = 'ra2-testbed/ra2-conformance';

/** The plugin image `make image` builds when IMAGE is not set. */
export function defaultPluginImage(version: string): string {
  return `${PLUGIN_REPOSITORY}:${version}`;
}

export interface UsedImage {
  image: string;
  usedFor: string;
}

export function usedImages(options: {
  probeImage?: string;
  imagePrefix?: string;
  /** List the Sonobuoy run's images too (implied by pluginImage). */
  sonobuoy?: boolean;
  /** The plugin image as given to `ra2 plugin --image`; default: the test bed's. */
  pluginImage?: string;
  version: string;
}): UsedImage[] {
  const prefixed = (image: string) => withImagePrefix(image, options.imagePrefix);
  const images: UsedImage[] = [
    {
      image: prefixed(options.probeImage ?? DEFAULT_PROBE_IMAGE),
      usedFor: 'probe pods (agnhost: netexec, connect, sh)',
    },
  ];
  if (options.sonobuoy || options.pluginImage) {
    images.push(
      {
        image: prefixed(options.pluginImage ?? defaultPluginImage(options.version)),
        usedFor: 'the Sonobuoy plugin ra2 (this suite)',
      },
      { image: prefixed(SONOBUOY_IMAGE), usedFor: 'Sonobuoy aggregator and worker sidecar' },
    );
  }
  return images;
}

interface ImagesFlags {
  probeImage: string;
  imagePrefix?: string;
  sonobuoy: boolean;
  pluginImage?: string;
  wide: boolean;
}

/** Adds `ra2 images` to the program. */
export function addImagesCommand(program: Command, stdout: TextSink, version: string): Command {
  return program
    .command('images')
    .description(
      'list every image a run uses, with --image-prefix applied (for air-gapped registries)',
    )
    .addOption(optionFor(settingNamed('probeImage')))
    .addOption(optionFor(settingNamed('imagePrefix')))
    .option('--sonobuoy', 'also list the Sonobuoy plugin and aggregator images', false)
    .option(
      '--plugin-image <image>',
      'the plugin image given to `ra2 plugin --image` (implies --sonobuoy)',
    )
    .option('--wide', 'add what each image is used for', false)
    .action((flags: ImagesFlags) => {
      for (const { image, usedFor } of usedImages({ ...flags, version })) {
        stdout.write(flags.wide ? `${image}\t${usedFor}\n` : `${image}\n`);
      }
    });
}
