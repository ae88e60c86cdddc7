// Readiness (GET /readyz): the gateway can answer only while the orchestrator can, so it is ready exactly when the
// orchestrator's gRPC health (grpc.health.v1) says SERVING for arbor.v1.SearchService: NOT_SERVING while it
// drains or while its model services are unreachable, and no answer at all when it is down. Asked with a short
// deadline, and remembered for a moment, so that probes and load balancers polling /readyz cost the
// orchestrator at most one health call a second. /healthz stays liveness: it never asks the orchestrator.
import { checkHealth, type ClientTls, type HealthStatus } from '@arbor/kit';

/** The health name asked: the search API itself, so a server at that address that is not an orchestrator is not taken for one. */
export const SEARCH_SERVICE_HEALTH_NAME = 'arbor.v1.SearchService';

export interface ReadinessReport {
  ready: boolean;
  /** What the orchestrator said, or UNREACHABLE when it did not answer within the deadline. */
  orchestrator: HealthStatus | 'UNREACHABLE';
}

/** Resolves with the orchestrator's readiness as last seen; never rejects. */
export type ReadinessCheck = () => Promise<ReadinessReport>;

export interface ReadinessOptions {
  /** Deadline of one health call (default 1 s): a probe must get its answer before its own timeout. */
  timeoutMs?: number;
  /** How long an answer is reused (default 1 s). Concurrent checks share one call. */
  cacheMs?: number;
  /** The health call (default: grpc.health.v1 Check on `address`). */
  probe?: () => Promise<HealthStatus>;
}

export function orchestratorReadiness(address: string, tls: ClientTls | undefined, options: ReadinessOptions = {}): ReadinessCheck {
  const { timeoutMs = 1_000, cacheMs = 1_000 } = options;
  const probe = options.probe ?? (() => checkHealth(address, SEARCH_SERVICE_HEALTH_NAME, timeoutMs, tls));
  let last: { at: number; report: ReadinessReport } | undefined;
  let pending: Promise<ReadinessReport> | undefined;
  return () => {
    if (last && Date.now() - last.at < cacheMs) return Promise.resolve(last.report);
    pending ??= probe()
      .then(
        (status): ReadinessReport => ({ ready: status === 'SERVING', orchestrator: status }),
        // NOT_FOUND: the server answers health but serves no SearchService (not an orchestrator).
        (err: { code?: number }): ReadinessReport => ({ ready: false, orchestrator: err?.code === 5 ? 'SERVICE_UNKNOWN' : 'UNREACHABLE' }),
      )
      .then((report) => {
        last = { at: Date.now(), report };
        pending = undefined;
        return report;
      });
    return pending;
  };
}
