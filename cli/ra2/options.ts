/**
 * `ra2 run`'s options, built from the settings table (helpers/framework/
 * settings.ts): the same parsers the Sonobuoy plugin reads its keys with, so
 * `--timeout 1m30s` and `RA2_TIMEOUT=1m30s` mean the same.
 */
import { InvalidArgumentError, Option } from 'commander';
import { SETTINGS, type AnySetting, type RunSettings } from '../../helpers/framework/settings.js';
import { oneLine } from '../../helpers/k8s/errors.js';

/** The setting's parser, with its complaint in the form commander prints. */
function parseFlag(setting: AnySetting, value: string): unknown {
  try {
    return setting.parse(value);
  } catch (err) {
    throw new InvalidArgumentError(oneLine(err));
  }
}

/** The commander option for one setting of the table (one that has a flag). */
export function optionFor(setting: AnySetting): Option {
  const option = new Option(setting.flag ?? `--${setting.name} <value>`, setting.help);
  if (setting.form === 'switch') return option.default(setting.default);
  if (setting.choices) option.choices(setting.choices);
  else if (setting.form === 'list')
    option.argParser((value: string, previous: string[]) => [
      ...previous,
      ...(parseFlag(setting, value) as string[]),
    ]);
  else option.argParser((value: string) => parseFlag(setting, value));
  if (setting.default !== undefined)
    option.default(Array.isArray(setting.default) ? [...setting.default] : setting.default);
  return option;
}

/** Every setting with a flag, as commander options, in the table's order. */
export function runOptions(): Option[] {
  return SETTINGS.filter((setting) => setting.flag).map(optionFor);
}

/** commander's parsed flags, by the table's names; settings without a flag stay unset. */
export function settingsFromFlags(flags: Record<string, unknown>): RunSettings {
  const values: Partial<Record<keyof RunSettings, unknown>> = {};
  for (const setting of SETTINGS) {
    if (setting.flag) values[setting.name] = flags[optionFor(setting).attributeName()];
  }
  return values as RunSettings;
}
