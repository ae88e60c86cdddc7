// Warnings Arbor's processes do not print. grpc-js puts the host it dials in TLS's server name even when that is
// an IP address (`--server 127.0.0.1:50051`, an orchestrator dialling a pod IP), which Node reports as deprecated
// (DEP0123) on stderr, outside the JSON logs, in a warning no user can act on: the certificate is still checked
// against the IP address.
import * as grpc from '@grpc/grpc-js';

const SILENCED = new Set(['DEP0123']);

export function silenceKnownWarnings(): void {
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
    const [typeOrOptions, code] = rest;
    const given = typeof typeOrOptions === 'object' && typeOrOptions !== null ? (typeOrOptions as { code?: string }).code : code;
    if (typeof given === 'string' && SILENCED.has(given)) return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}

/**
 * grpc-js prints its own errors to stderr ("E No address added out of total 1 resolved"), outside the JSON logs,
 * about failures Arbor already reports in one line of its own. GRPC_VERBOSITY, when set, still decides.
 */
export function silenceGrpcLogs(env: Record<string, string | undefined>): void {
  if (env.GRPC_VERBOSITY === undefined) grpc.setLogVerbosity(grpc.logVerbosity.NONE);
}
