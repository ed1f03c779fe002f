/**
 * The one duration codec: Go's syntax, as Kubernetes and Sonobuoy users write
 * durations ("90s", "5m", "1m30s", "2h50m", "500ms"), read by every flag and
 * plugin key, and printed as the Kubernetes e2e framework prints them ("5m0s").
 */
import { UsageError } from './errors.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** One "<number><unit>" step of a duration, anchored where the previous one ended. */
const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;

/**
 * "2h50m", "90s", "1.5h", "500ms" -> milliseconds; a bare whole number is
 * seconds. Throws UsageError for anything else, and for zero or less.
 */
export function parseDuration(text: string): number {
  const value = text.trim();
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : sumOfParts(value, text);
  if (!(ms > 0)) throw new UsageError(`"${text}" is not a duration above zero`);
  return Math.round(ms);
}

function sumOfParts(value: string, text: string): number {
  let ms = 0;
  let at = 0;
  while (at < value.length) {
    PART.lastIndex = at;
    const part = PART.exec(value);
    if (!part) throw new UsageError(`"${text}" is not a duration such as 90s, 5m or 2h50m`);
    ms += Number(part[1]) * (UNIT_MS[part[2] as string] as number);
    at = PART.lastIndex;
  }
  return ms;
}

/**
 * "5m0s", "1m30s", "2h50m0s", "30s", "500ms": Go's form, in whole seconds
 * from one second up. parseDuration reads back whatever this prints.
 */
export function formatDuration(ms: number): string {
  if (ms > 0 && ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}
