/**
 * Retrying a request to the cluster while it fails over (a server died, a stream elects a leader), which takes
 * seconds: one loop for what must outlast a failover, publishes and code fetches alike.
 * @module
 */

/**
 * Runs `attempt` until it succeeds, trying again `pauseMs` after each failure for as long as `retryMsFor(error)`
 * allows since the first try; then the last error is thrown.
 */
export async function retryThroughFailover<T>(attempt: () => Promise<T>, retryMsFor: (error: unknown) => number, pauseMs: number): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return await attempt();
    } catch (e) {
      if (Date.now() - started > retryMsFor(e)) throw e;
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }
}
