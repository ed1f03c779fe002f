/**
 * `ra2 list`: one line per catalog row with its check's kind, condition and
 * whether it is disruptive; under it, when the check says, what it observes,
 * so a reviewer can hold the sentence against the RA2 text.
 */
import { loadCatalog } from '../../catalog/index.js';
import { bindSuites, type Check, type Suite } from '../../helpers/framework/registry.js';
import { testName } from '../../helpers/reporters/format.js';

function rowLine(check: Check): string {
  const kind = check.notImplemented
    ? `${check.options.kind} (not implemented)`
    : check.options.kind;
  const extra = [
    check.row.condition && `condition: ${check.row.condition}`,
    check.options.disruptive && 'disruptive',
  ]
    .filter(Boolean)
    .join('; ');
  return `${testName(check.row)}\t${kind}${extra ? `\t${extra}` : ''}`;
}

export function listLines(release: string, suites: readonly Suite[]): string[] {
  return bindSuites(loadCatalog(release), suites).flatMap((check) => [
    rowLine(check),
    ...(check.options.observes ? [`  observes: ${check.options.observes}`] : []),
  ]);
}
