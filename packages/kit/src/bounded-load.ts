// Consistent hashing with bounded loads (Mirrokni et al.), as the routers that keep a request where its cache is
// use it: the preferred server takes one more request only while it then holds at most `loadFactor` times its
// share of the requests in flight, rounded up; past that, another takes it, cache or not. Shared by the policy
// service's routing over model servers (model-http/server-pool.ts) and the orchestrator's replica affinity.

export interface LoadShare {
  /** Requests in flight to the preferred server. */
  inFlight: number;
  /** Requests in flight to every server that takes requests, the preferred one included. */
  totalInFlight: number;
  /** The preferred server's share of the pool, as a fraction: 1/n of n equal servers, or its capacity/total. */
  share: { numerator: number; denominator: number };
  loadFactor: number;
}

/** Whether the preferred server may take one more request. */
export function withinLoadBound({ inFlight, totalInFlight, share, loadFactor }: LoadShare): boolean {
  const bound = Math.ceil((loadFactor * (totalInFlight + 1) * share.numerator) / share.denominator);
  return inFlight + 1 <= bound;
}
