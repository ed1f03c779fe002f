/**
 * What a run can be told, in one table: each setting has its name, its
 * `ra2 run` flag, its Sonobuoy plugin key (`--plugin-env ra2.RA2_…`), one
 * parser for both, its default and its help. cli/ra2 builds its options from
 * the table and cli/sonobuoy reads its environment with it, so the CLI and the
 * plugin accept the same values, durations included.
 */
import { DEFAULT_RELEASE, listReleases } from '../../catalog/index.js';
import type { Profile } from '../../catalog/types.js';
import { formatDuration, parseDuration } from '../k8s/duration.js';
import { oneLine, UsageError } from '../k8s/errors.js';
import { loadAttestations } from './attestations.js';
import { DEFAULT_PROBE_IMAGE } from './images.js';
import { parsePullSecretRef } from './pull-secret.js';
import { DEFAULT_PARALLEL } from './scheduler.js';
import type { RunOptions } from './runner.js';
import { splitPatterns } from './selection.js';
import { defaultTimeouts, type Timeouts } from './timeouts.js';

export type ProfileChoice = Profile | 'auto';
export const PROFILE_CHOICES: readonly ProfileChoice[] = ['basic', 'network-intensive', 'auto'];

/** The plugin's whole-run limit: below Sonobuoy's default plugin timeout, with room to hand over. */
export const DEFAULT_DEADLINE = '2h50m';

export interface RunSettings {
  kubeconfig?: string;
  context?: string;
  profile: ProfileChoice;
  focus: string[];
  skip: string[];
  disruptive: boolean;
  /** Per-node probes cover every node instead of one sample per role/zone/instance type. */
  allNodes: boolean;
  release: string;
  junit?: string;
  json?: string;
  report?: string;
  /** Per-check limit; unset, the runner's default (defaultTimeouts.check). */
  timeoutMs?: number;
  /** Whole-run limit; unset, none. */
  deadlineMs?: number;
  parallel: number;
  /** Path of the attestations file. */
  attestations?: string;
  probeImage: string;
  imagePrefix?: string;
  /** "name" or "namespace/name" of a registry secret for probe pods (pull-secret.ts). */
  imagePullSecret?: string;
  /** Waits set by `--wait`, each over its default (the plugin's keys are RA2_TIMEOUT_<NAME>). */
  waits: WaitOverride[];
}

/** One wait of Timeouts set to a duration (ms). */
export type WaitOverride = [wait: keyof Timeouts, ms: number];

export interface Setting<K extends keyof RunSettings = keyof RunSettings> {
  name: K;
  /** The `ra2 run` flag with its argument ("--timeout <duration>"); absent for plugin-only settings. */
  flag?: string;
  /** The plugin's environment key; absent for CLI-only settings. */
  env?: string;
  help: string;
  /** What the plugin's key adds to the help (how a switch or a path is written there). */
  envNote?: string;
  /** Reads one value as a user writes it; throws UsageError saying what is wrong. */
  parse: (text: string) => RunSettings[K];
  default: RunSettings[K];
  /** The default as a user would write it (help, docs, sonobuoy/ra2.yaml); '' when there is none. */
  shown: string;
  /** The values the CLI offers in its help. */
  choices?: readonly string[];
  /** switch: a flag without a value (true/false as a key); list: repeatable and comma-separated. */
  form?: 'switch' | 'list';
}

/** Any row of the table, with its name and value types kept together. */
export type AnySetting = { [K in keyof RunSettings]-?: Setting<K> }[keyof RunSettings];

const text = (value: string): string => value;

function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value))
      throw new UsageError(`"${value}" is not one of ${choices.join(', ')}`);
    return value as T;
  };
}

function trueOrFalse(value: string): boolean {
  const word = value.toLowerCase();
  if (['true', '1', 'yes'].includes(word)) return true;
  if (['false', '0', 'no'].includes(word)) return false;
  throw new UsageError(`"${value}" is not true or false`);
}

function positiveWholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`"${value}" is not a positive whole number`);
  return n;
}

const patterns = (value: string): string[] => splitPatterns([value]);

/** "podStart" -> "pod-start": the wait's name as `--wait` takes it. */
export function waitFlagName(wait: keyof Timeouts): string {
  return wait.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Every wait `--wait` can set: all but the per-check limit, which is --timeout. */
const SETTABLE_WAITS = (Object.keys(defaultTimeouts) as (keyof Timeouts)[]).filter(
  (wait) => wait !== 'check',
);

/** "load-balancer=20s,pod-start=5m" -> [["loadBalancer", 20000], ["podStart", 300000]] */
function waitOverrides(value: string): WaitOverride[] {
  return splitPatterns([value]).map((pair) => {
    const [name, duration] = pair.split('=', 2);
    const wait = SETTABLE_WAITS.find((w) => waitFlagName(w) === name?.trim());
    if (!wait || duration === undefined)
      throw new UsageError(
        `"${pair}" is not <wait>=<duration> with a wait among ${SETTABLE_WAITS.map(waitFlagName).join(', ')}`,
      );
    return [wait, parseDuration(duration.trim())];
  });
}

/** Optional text settings: unset unless given. */
function optionalText<K extends keyof RunSettings>(
  name: K,
  flag: string | undefined,
  env: string | undefined,
  help: string,
): Setting<K> {
  return {
    name,
    flag,
    env,
    help,
    parse: text as Setting<K>['parse'],
    default: undefined as RunSettings[K],
    shown: '',
  };
}

export const SETTINGS: readonly AnySetting[] = [
  optionalText(
    'kubeconfig',
    '--kubeconfig <path>',
    undefined,
    'kubeconfig file (default: in-cluster config, then the default kubeconfig)',
  ),
  optionalText(
    'context',
    '--context <name>',
    undefined,
    'kubeconfig context (default: the current context)',
  ),
  {
    name: 'profile',
    flag: '--profile <profile>',
    env: 'RA2_PROFILE',
    help: "Anuket profile to check (auto: read from the nodes' labels)",
    parse: oneOf(PROFILE_CHOICES),
    default: 'auto',
    shown: 'auto',
    choices: PROFILE_CHOICES,
  },
  {
    name: 'focus',
    flag: '--focus <ids>',
    env: 'RA2_FOCUS',
    help: 'only these ids or globs (ra2.ntw.*); repeatable or comma-separated',
    parse: patterns,
    default: [],
    shown: '',
    form: 'list',
  },
  {
    name: 'skip',
    flag: '--skip <ids>',
    env: 'RA2_SKIP',
    help: 'leave out these ids or globs; repeatable or comma-separated',
    parse: patterns,
    default: [],
    shown: '',
    form: 'list',
  },
  {
    name: 'disruptive',
    flag: '--disruptive',
    env: 'RA2_DISRUPTIVE',
    help: 'also run disruptive checks',
    envNote: 'true or false',
    parse: trueOrFalse,
    default: false,
    shown: 'false',
    form: 'switch',
  },
  {
    name: 'allNodes',
    flag: '--all-nodes',
    env: 'RA2_ALL_NODES',
    help: 'per-node probes cover every node instead of one sample per role/zone/instance type',
    envNote: 'true or false',
    parse: trueOrFalse,
    default: false,
    shown: 'false',
    form: 'switch',
  },
  {
    name: 'release',
    flag: '--release <name>',
    env: 'RA2_RELEASE',
    help: `RA2 release catalog (${listReleases().join(', ')})`,
    parse: text,
    default: DEFAULT_RELEASE,
    shown: DEFAULT_RELEASE,
  },
  optionalText('junit', '--junit <path>', undefined, 'write a JUnit XML file'),
  optionalText('json', '--json <path>', undefined, 'write a JSON result file'),
  optionalText(
    'report',
    '--report <path>',
    undefined,
    'write a conformance report (Markdown, or HTML for *.html)',
  ),
  {
    name: 'probeImage',
    flag: '--probe-image <image>',
    env: 'RA2_PROBE_IMAGE',
    help: 'image for probe pods',
    parse: text,
    default: DEFAULT_PROBE_IMAGE,
    shown: DEFAULT_PROBE_IMAGE,
  },
  optionalText(
    'imagePrefix',
    '--image-prefix <prefix>',
    'RA2_IMAGE_PREFIX',
    'registry/path prefix put in front of every image the checks use (air-gapped clusters)',
  ),
  {
    ...optionalText(
      'imagePullSecret',
      '--image-pull-secret <name>',
      'RA2_IMAGE_PULL_SECRET',
      "registry secret probe pods pull with: <name> (in the kubeconfig context's namespace, else default) or <namespace>/<name>; copied into each namespace the run creates",
    ),
    parse: (value) => {
      parsePullSecretRef(value);
      return value.trim();
    },
    envNote: "a bare name is looked up in the plugin's own namespace (sonobuoy)",
  },
  {
    name: 'timeoutMs',
    flag: '--timeout <duration>',
    env: 'RA2_TIMEOUT',
    help: 'per-check time limit (e.g. 90s, 5m, 1m30s)',
    parse: parseDuration,
    default: undefined,
    shown: formatDuration(defaultTimeouts.check),
  },
  {
    name: 'deadlineMs',
    env: 'RA2_DEADLINE',
    help: 'whole-run limit; at the deadline the results so far are written and the rest reported skipped',
    parse: parseDuration,
    default: parseDuration(DEFAULT_DEADLINE),
    shown: DEFAULT_DEADLINE,
  },
  {
    name: 'waits',
    flag: '--wait <wait=duration>',
    help: `set one wait over its default, e.g. load-balancer=20s where nothing will assign an address; repeatable or comma-separated (${SETTABLE_WAITS.map((w) => `${waitFlagName(w)} ${formatDuration(defaultTimeouts[w])}`).join(', ')})`,
    parse: waitOverrides,
    default: [],
    shown: '',
    form: 'list',
  },
  {
    name: 'parallel',
    flag: '--parallel <n>',
    env: 'RA2_PARALLEL',
    help: 'checks to run at once (1: one after another); a disruptive or exclusive check always runs alone',
    parse: positiveWholeNumber,
    default: DEFAULT_PARALLEL,
    shown: String(DEFAULT_PARALLEL),
  },
  {
    ...optionalText(
      'attestations',
      '--attestations <file>',
      'RA2_ATTESTATIONS',
      'YAML or JSON evidence for attest checks',
    ),
    envNote: 'its path inside the pod (mount the file with extra-volumes)',
  },
];

export function settingNamed<K extends keyof RunSettings>(name: K): Setting<K> {
  const setting = SETTINGS.find((s) => s.name === name);
  if (!setting) throw new Error(`no setting ${name}`);
  return setting as unknown as Setting<K>;
}

/** Every setting at its default: what a run gets when told nothing. */
export function defaultSettings(): RunSettings {
  const values: Partial<Record<keyof RunSettings, unknown>> = {};
  for (const setting of SETTINGS)
    values[setting.name] = Array.isArray(setting.default) ? [...setting.default] : setting.default;
  return values as RunSettings;
}

/** One wait of Timeouts, overridable by the plugin key RA2_TIMEOUT_<NAME>. */
export interface WaitSetting {
  wait: keyof Timeouts;
  env: string;
  help: string;
  default: number;
  shown: string;
}

/** "podStart" -> "RA2_TIMEOUT_POD_START" */
export function waitEnvKey(wait: keyof Timeouts): string {
  return `RA2_TIMEOUT_${wait.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** Every wait but the per-check limit, which is RA2_TIMEOUT / --timeout. */
export const WAIT_SETTINGS: readonly WaitSetting[] = SETTABLE_WAITS.map((wait) => ({
  wait,
  env: waitEnvKey(wait),
  help: `overrides the ${wait} wait (helpers/framework/timeouts.ts)`,
  default: defaultTimeouts[wait],
  shown: formatDuration(defaultTimeouts[wait]),
}));

export interface EnvSettings {
  settings: RunSettings;
  timeouts: Partial<Timeouts>;
  /** The text each given key held, by setting name (for messages that echo the user). */
  given: Partial<Record<keyof RunSettings, string>>;
  /** One "KEY: what is wrong" per bad key, in table order. */
  problems: string[];
}

/** Reads every plugin key from the environment; an unset or empty key keeps its default. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): EnvSettings {
  const settings = defaultSettings();
  const values = settings as unknown as Record<string, unknown>;
  const timeouts: Partial<Timeouts> = {};
  const given: EnvSettings['given'] = {};
  const problems: string[] = [];
  const read = (key: string, parse: (text: string) => unknown, keep: (value: unknown) => void) => {
    const value = env[key]?.trim();
    if (!value) return;
    try {
      keep(parse(value));
    } catch (err) {
      problems.push(`${key}: ${oneLine(err)}`);
    }
  };
  for (const setting of SETTINGS) {
    if (!setting.env) continue;
    read(setting.env, setting.parse, (value) => {
      values[setting.name] = value;
      given[setting.name] = env[setting.env as string]?.trim();
    });
  }
  for (const wait of WAIT_SETTINGS)
    read(wait.env, parseDuration, (value) => (timeouts[wait.wait] = value as number));
  return { settings, timeouts, given, problems };
}

/** The runner's options for these settings; the entry point adds suites, reporters and its signal. */
export function runOptionsFrom(
  settings: RunSettings,
): Omit<RunOptions, 'suites' | 'reporters' | 'signal'> & { imagePullSecret?: string } {
  return {
    release: settings.release,
    kubeconfig: settings.kubeconfig,
    context: settings.context,
    profile: settings.profile,
    focus: settings.focus,
    skip: settings.skip,
    disruptive: settings.disruptive,
    allNodes: settings.allNodes,
    timeoutMs: settings.timeoutMs,
    timeouts: Object.fromEntries(settings.waits),
    parallel: settings.parallel,
    attestations: settings.attestations ? loadAttestations(settings.attestations) : undefined,
    probeImage: settings.probeImage,
    imagePrefix: settings.imagePrefix,
    imagePullSecret: settings.imagePullSecret,
  };
}
