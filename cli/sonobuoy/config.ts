/**
 * The plugin's configuration: the settings table read from the container's
 * environment, so `sonobuoy run --plugin-env ra2.KEY=VALUE` sets what
 * `ra2 run --flag` sets, with the same parsers.
 */
import type { RunDeadline, RunOptions } from '../../helpers/framework/runner.js';
import {
  DEFAULT_DEADLINE,
  runOptionsFrom,
  SETTINGS,
  settingsFromEnv,
  WAIT_SETTINGS,
  type AnySetting,
  type RunSettings,
} from '../../helpers/framework/settings.js';
import type { Timeouts } from '../../helpers/framework/timeouts.js';
import { parseDuration } from '../../helpers/k8s/duration.js';
import { UsageError } from '../../helpers/k8s/errors.js';

export { DEFAULT_DEADLINE };

export interface PluginEnvKey {
  name: string;
  default: string;
  description: string;
}

/** The key's help: the setting's, with its choices and what the key adds. */
function describe(setting: AnySetting): string {
  const choices = setting.choices ? `; one of ${setting.choices.join(', ')}` : '';
  return `${setting.help}${choices}${setting.envNote ? `; ${setting.envNote}` : ''}`;
}

/** The configuration keys, for --plugin-env ra2.KEY=VALUE; docs/sonobuoy.md lists the same. */
export const PLUGIN_ENV_KEYS: readonly PluginEnvKey[] = [
  ...SETTINGS.flatMap((s) =>
    s.env ? [{ name: s.env, default: s.shown, description: describe(s) }] : [],
  ),
  ...WAIT_SETTINGS.map((w) => ({ name: w.env, default: w.shown, description: w.help })),
];

export interface PluginConfig extends RunSettings {
  resultsDir: string;
  /** The per-wait overrides, RA2_TIMEOUT_<NAME>. */
  timeouts: Partial<Timeouts>;
  deadlineMs: number;
  /** RA2_DEADLINE as given, for the message at the deadline. */
  deadlineText: string;
}

/** Reads the plugin's configuration; throws one UsageError naming every bad key. */
export function pluginConfigFromEnv(env: NodeJS.ProcessEnv): PluginConfig {
  const { settings, timeouts, given, problems } = settingsFromEnv(env);
  const resultsDir = env.SONOBUOY_RESULTS_DIR?.trim() ?? '';
  if (!resultsDir) problems.unshift('SONOBUOY_RESULTS_DIR is not set (Sonobuoy sets it)');
  if (problems.length > 0)
    throw new UsageError(`invalid plugin configuration: ${problems.join('; ')}`);
  return {
    ...settings,
    resultsDir,
    timeouts,
    deadlineMs: settings.deadlineMs ?? parseDuration(DEFAULT_DEADLINE),
    deadlineText: given.deadlineMs ?? DEFAULT_DEADLINE,
  };
}

/** The runner's options for this configuration: the entry point adds suites, reporters and its signal. */
export function pluginRunOptions(
  config: PluginConfig,
): Omit<RunOptions, 'suites' | 'reporters' | 'signal'> {
  return {
    ...runOptionsFrom(config),
    timeouts: config.timeouts,
    deadline: pluginDeadline(config),
  };
}

/** The runner stops at it; the message names the key: "deadline reached (RA2_DEADLINE=2h50m)". */
export function pluginDeadline(config: PluginConfig): RunDeadline {
  return { ms: config.deadlineMs, setting: `RA2_DEADLINE=${config.deadlineText}` };
}
