/** Public API: the runner the CLI, Sonobuoy entry point and e2e tests share. */
export {
  runSuite,
  planChecks,
  executeCheck,
  type RunOptions,
  type ProfileChoice,
} from './helpers/framework/runner.js';
export type { Reporter, RunInfo, RunReport } from './helpers/framework/result.js';
export type { CheckResult, CheckStatus } from './helpers/framework/result.js';
export { ConsoleReporter } from './helpers/reporters/console.js';
export { JUnitReporter, renderJUnit } from './helpers/reporters/junit.js';
export { JsonReporter, renderJson } from './helpers/reporters/json.js';
export {
  ConformanceReportReporter,
  renderMarkdown,
  renderHtml,
} from './helpers/reporters/report.js';
export { loadCatalog, listReleases, DEFAULT_RELEASE } from './catalog/index.js';
export { parseAttestations, loadAttestations } from './helpers/framework/attestations.js';
export { exitCodeFor } from './helpers/framework/result.js';
export { run } from './cli/ra2/run.js';
export { runPlugin as runSonobuoyPlugin, PLUGIN_ENV_KEYS } from './cli/sonobuoy/plugin.js';
export { SonobuoyProgressReporter } from './helpers/reporters/sonobuoy-progress.js';
