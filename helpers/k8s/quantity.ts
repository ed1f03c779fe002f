/** Kubernetes resource quantities ("250m", "32Gi", "320G") as numbers. */

const binary: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const decimal: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

export function parseQuantity(quantity: string): number {
  const match =
    /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(
      quantity.trim(),
    );
  if (!match) throw new Error(`bad quantity "${quantity}"`);
  const value = Number(match[1]);
  const suffix = match[2] ?? '';
  return value * (binary[suffix] ?? decimal[suffix] ?? 1);
}

/** Bytes as "31.4 GiB (33.7 GB)": both units, since RA2 writes GB and nodes report Ki. */
export function formatBytes(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB (${(bytes / 1e9).toFixed(1)} GB)`;
}
