/**
 * --focus / --skip: ids or globs ("ra2.ntw.*"), repeatable or comma-separated.
 * A check runs when it matches some focus pattern (or no focus is given) and
 * no skip pattern.
 */

export function splitPatterns(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value.length > 0);
}

/** `*` matches any run of characters, `?` one character; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

export function isSelected(id: string, focus: readonly string[], skip: readonly string[]): boolean {
  const matches = (patterns: readonly string[]) => patterns.some((p) => globToRegExp(p).test(id));
  return (focus.length === 0 || matches(focus)) && !matches(skip);
}
