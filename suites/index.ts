/** Every suite, in the order of the RA2 sections. */
import type { Suite } from '../helpers/framework/registry.js';
import node from './node.js';
import kubernetes from './kubernetes.js';
import runtime from './runtime.js';
import networking from './networking.js';
import storage from './storage.js';
import packaging from './packaging.js';
import workloads from './workloads.js';

export const allSuites: readonly Suite[] = [
  node,
  kubernetes,
  runtime,
  networking,
  storage,
  packaging,
  workloads,
];
