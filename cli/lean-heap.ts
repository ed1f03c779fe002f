/**
 * The garbage collector grows the heap by 20% at a time instead of V8's default
 * (up to four times on a young heap). Reading a large cluster allocates in
 * bursts: each page of 500 pods is a response body, its parsed JSON and the
 * typed objects, most of it garbage a moment later, and with the default the
 * heap grew far past what the run keeps. On the 1,000-node scale bed the
 * inspect-only rows peaked at 330 MiB by default and at 245 MiB with this, in
 * the same wall time (docs/benchmarks.md). V8 reads the factor at each
 * collection, so setting it as the entry point starts is in time; an entry
 * point imports this module first.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--heap-growing-percent=20');
