/**
 * `ra2 plugin`: writes the Sonobuoy plugin manifest for a plugin image and
 * options to standard output, in the manner of `sonobuoy gen plugin`:
 *
 *   ra2 plugin --image registry.example.org/ra2:0.2.0 --image-pull-secret regcred > ra2.yaml
 *   sonobuoy run --plugin ra2.yaml --wait
 *
 * Every setting with a plugin key is an option (its `ra2 run` flag, or
 * --deadline for the plugin-only RA2_DEADLINE), checked by the table's parser
 * and written into the manifest as given.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { SETTINGS, type AnySetting } from '../../helpers/framework/settings.js';
import { oneLine } from '../../helpers/k8s/errors.js';
import type { TextSink } from '../../helpers/reporters/console.js';
import { defaultPluginImage } from './images.js';
import { renderPluginManifest } from './plugin-manifest.js';

/** The setting's `ra2 run` flag, or one named after its plugin key ("RA2_DEADLINE" -> "--deadline <value>"). */
export function pluginFlag(setting: AnySetting): string {
  if (setting.flag) return setting.flag;
  const name = (setting.env ?? setting.name).replace(/^RA2_/, '').toLowerCase().replace(/_/g, '-');
  return `--${name} <value>`;
}

/** The option for one plugin key: the table's parser checks the value, the text is kept as given. */
function pluginOption(setting: AnySetting): Option {
  const option = new Option(pluginFlag(setting), `${setting.help} (${setting.env ?? ''})`);
  if (setting.form === 'switch') return option;
  const check = (value: string): string => {
    try {
      setting.parse(value);
    } catch (err) {
      throw new InvalidArgumentError(oneLine(err));
    }
    return value;
  };
  if (setting.choices) return option.choices(setting.choices);
  if (setting.form === 'list')
    return option.argParser((value: string, previous?: string) =>
      previous ? `${previous},${check(value)}` : check(value),
    );
  return option.argParser(check);
}

const pluginSettings = (): AnySetting[] => SETTINGS.filter((s) => s.env);

/** commander's parsed flags -> plugin key -> value as the user wrote it. */
export function pluginEnvFromFlags(flags: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const setting of pluginSettings()) {
    // Text as given; true for a switch.
    const value = flags[pluginOption(setting).attributeName()] as string | boolean | undefined;
    if (value !== undefined) env[setting.env as string] = String(value);
  }
  return env;
}

/** Adds `ra2 plugin` to the program; `version` is the default image's tag. */
export function addPluginCommand(program: Command, stdout: TextSink, version: string): Command {
  const command = program
    .command('plugin')
    .description(
      'write the Sonobuoy plugin manifest (sonobuoy/ra2.yaml) for a plugin image and options to standard output',
    )
    .option(
      '--image <image>',
      'the plugin image (built with `make image IMAGE=...` and pushed); --image-prefix applies to it',
      defaultPluginImage(version),
    );
  for (const setting of pluginSettings()) command.addOption(pluginOption(setting));
  return command.action((flags: Record<string, unknown>) => {
    stdout.write(
      renderPluginManifest({
        image: flags.image as string,
        env: pluginEnvFromFlags(flags),
        version,
      }),
    );
  });
}
