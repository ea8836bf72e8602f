// The one way tests and benchmarks wait: poll a condition until it holds or a deadline passes. Never a bare sleep.

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Named in the timeout error. */
  readonly what?: string;
}

/** Resolves with the first truthy value of `cond` (which may be async; a throw counts as not yet), or rejects with
 *  an Error naming `what` and the last failure once `timeoutMs` has passed. */
export async function waitFor<T>(
  cond: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  opts: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await cond();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what ?? 'a condition'}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(opts.intervalMs ?? 50, Math.max(1, deadline - Date.now()))));
  }
}
