/** Work over many items, a bounded number at a time: per-node reads on clusters of thousands of nodes. */

/**
 * Runs `work` on every item, at most `limit` at a time, and returns the
 * results in the items' order. The first rejection rejects the whole (the
 * items already started still finish).
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
