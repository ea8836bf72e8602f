// Runs an async job per item with at most `limit` in flight: starting hundreds of nodes at once would only make
// them all slow to answer their first joins. After a job fails no new one starts, and the failure is reported only
// once the jobs in flight have settled: a launch that failed is stopped next, and a node that finished starting
// after that stop would outlive its cluster.
export async function runLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      try {
        await run(items[next++]!);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const rejected = settled.find((s) => s.status === 'rejected');
  if (rejected) throw rejected.reason;
}
