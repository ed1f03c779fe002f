/**
 * The one parser of probe output: in-pod scripts print `key=value` lines;
 * anything else (shell noise, blank lines) is ignored and the last value of a
 * repeated key wins.
 */
export function parseKeyValues(output: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of output.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return fields;
}
