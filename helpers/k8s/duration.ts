/** Durations as the Kubernetes e2e framework prints them. */
/** "5m0s" style, as the Kubernetes e2e framework prints durations. */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}
