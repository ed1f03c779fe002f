/**
 * Which file holds the checks of which ids: one suite per RA2 section, in the
 * order of the sections. The composition roots (cli/) hand this list to the runner.
 */
import type { Suite } from '../helpers/framework/registry.js';
import kubernetes from './kubernetes.js';
import networking from './networking.js';
import node from './node.js';
import packaging from './packaging.js';
import runtime from './runtime.js';
import storage from './storage.js';
import workloads from './workloads.js';

/** id prefix -> the suite (file) that declares its checks. */
export const suitesByIdPrefix = {
  'ra2.ch': node, //          suites/node.ts        4.2 Kubernetes Node
  'ra2.k8s': kubernetes, //   suites/kubernetes.ts  4.3 Kubernetes
  'ra2.crt': runtime, //      suites/runtime.ts     4.4 Container runtimes
  'ra2.ntw': networking, //   suites/networking.ts  4.5 Networking solutions
  'ra2.stg': storage, //      suites/storage.ts     4.6 Storage components
  'ra2.pkg': packaging, //    suites/packaging.ts   4.8 Kubernetes application package manager
  'ra2.app': workloads, //    suites/workloads.ts   4.9 Kubernetes workloads
} as const satisfies Record<string, Suite>;

export const allSuites: readonly Suite[] = Object.values(suitesByIdPrefix);
