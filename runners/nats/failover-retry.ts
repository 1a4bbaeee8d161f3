/**
 * Retrying a request to the cluster while it fails over (a server died, a stream elects a leader), which takes
 * seconds: one loop for what must outlast a failover, publishes and code fetches alike.
 * @module
 */

/**
 * Runs `attempt` until it succeeds, trying again `pauseMs` after each failure for as long as `retryMsFor(error)`
 * allows since the first try (0: not at all); then the last error is thrown.
 */
export async function retryThroughFailover<T>(attempt: () => Promise<T>, retryMsFor: (error: unknown) => number, pauseMs: number): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return await attempt();
    } catch (e) {
      const allowedMs = retryMsFor(e);
      if (allowedMs <= 0 || Date.now() - started > allowedMs) throw e;
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }
}
