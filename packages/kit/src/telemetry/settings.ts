// When telemetry starts, and under which service name: decided from the standard OTEL_* variables and the
// command line alone, without loading the SDK (so a process with telemetry off never pays for importing it).

type Env = Record<string, string | undefined>;

export interface TelemetryRequest {
  traces: boolean;
  metrics: boolean;
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '');
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

/**
 * Which signals the environment asks for. Telemetry is off unless something is configured; so that one
 * variable does not switch on a second signal that would export nowhere, a signal whose exporter variable is
 * unset is on only when an OTLP endpoint is set for it (the SDK's own default would be OTLP to localhost).
 */
export function telemetryRequest(env: Env = process.env): TelemetryRequest {
  if (isTrue(env.OTEL_SDK_DISABLED)) return { traces: false, metrics: false };
  const anyEndpoint = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim());
  const signal = (exporterVar: string | undefined, endpointVar: string | undefined): boolean => {
    const exporters = list(exporterVar);
    if (exporters) return !exporters.includes('none');
    return anyEndpoint || Boolean(endpointVar?.trim());
  };
  return {
    traces: signal(env.OTEL_TRACES_EXPORTER, env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT),
    metrics: signal(env.OTEL_METRICS_EXPORTER, env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT),
  };
}

/** True when OTEL_TRACES_EXPORTER or OTEL_METRICS_EXPORTER names the SDK's console exporter. */
export function wantsConsoleExporter(env: Env = process.env): boolean {
  return [env.OTEL_TRACES_EXPORTER, env.OTEL_METRICS_EXPORTER].some((value) => list(value)?.includes('console') ?? false);
}

const SERVICES = new Set(['policy', 'value', 'reward', 'orchestrator', 'gateway']);

/**
 * service.name for an `arbor` process, from its arguments: `arbor serve policy` is `arbor-policy`; a process
 * running several services (`serve all`, `serve policy value reward`, `solve` with the embedded stack) is
 * `arbor`, and its spans tell the services apart by `arbor.service`.
 */
export function serviceNameFromArgs(args: readonly string[]): string {
  if (args[0] !== 'serve') return 'arbor';
  const names = args.slice(1).filter((a) => !a.startsWith('-'));
  const services = [...new Set(names.filter((n) => SERVICES.has(n)))];
  // A flag's value (`--listen 127.0.0.1:0`) is never a service name, so the filter above is enough.
  return services.length === 1 && !names.includes('all') ? `arbor-${services[0]}` : 'arbor';
}

/** True when the environment names the service itself (OTEL_SERVICE_NAME, or service.name in OTEL_RESOURCE_ATTRIBUTES). */
export function serviceNameFromEnv(env: Env = process.env): boolean {
  if (env.OTEL_SERVICE_NAME?.trim()) return true;
  return (env.OTEL_RESOURCE_ATTRIBUTES ?? '').split(',').some((pair) => pair.trim().startsWith('service.name='));
}
