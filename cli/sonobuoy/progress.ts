/**
 * What the plugin tells while it runs: one line per check on the pod's log,
 * the recorder that keeps partial results, and progress updates to Sonobuoy's
 * worker sidecar when it listens (SONOBUOY_PROGRESS_PORT).
 */
import type { Reporter } from '../../helpers/framework/result.js';
import { ConsoleReporter, type TextSink } from '../../helpers/reporters/console.js';
import { SonobuoyProgressReporter } from '../../helpers/reporters/sonobuoy-progress.js';
import type { ResultsRecorder } from './partial-report.js';

export function pluginReporters(
  env: NodeJS.ProcessEnv,
  stdout: TextSink,
  recorder: ResultsRecorder,
  warn: (line: string) => void,
): Reporter[] {
  const reporters: Reporter[] = [new ConsoleReporter(stdout), recorder];
  const progress = SonobuoyProgressReporter.fromEnv(env, { warn });
  if (progress) reporters.push(progress);
  return reporters;
}
