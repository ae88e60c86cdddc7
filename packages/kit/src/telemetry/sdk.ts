// Starts the OpenTelemetry Node SDK for one process. Configured by the standard OTEL_* variables (exporters,
// protocol, endpoint, sampler, batch sizes, propagators, resource); tests and benchmarks may pass exporters.
import { randomUUID } from 'node:crypto';
import { context, metrics, propagation, trace, type Attributes } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { defaultResource, envDetector, hostDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, PeriodicExportingMetricReader, type IMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { activeTelemetry, setActiveTelemetry, type TelemetryHandle } from './lifecycle.js';
import { serviceNameFromEnv, telemetryRequest } from './settings.js';

export interface TelemetryOptions {
  /** service.name, used unless OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) names one. */
  serviceName?: string;
  /** Where the decision to start is read from (default process.env). The SDK itself reads process.env. */
  env?: Record<string, string | undefined>;
  /** Spans go to this exporter, through a BatchSpanProcessor, instead of OTEL_TRACES_EXPORTER's. */
  spanExporter?: SpanExporter;
  /** Span processors to use instead of OTEL_TRACES_EXPORTER's (wins over `spanExporter`). */
  spanProcessors?: SpanProcessor[];
  /** Metric readers to use instead of OTEL_METRICS_EXPORTER's. */
  metricReaders?: IMetricReader[];
  /** Extra resource attributes. */
  resourceAttributes?: Attributes;
}

/**
 * Starts the SDK when the environment asks for traces or metrics, or when exporters are passed in; returns
 * undefined (telemetry off, nothing registered) otherwise. One SDK per process at a time: stop the running
 * one first.
 */
export function startTelemetry(options: TelemetryOptions = {}): TelemetryHandle | undefined {
  if (activeTelemetry()) throw new Error('telemetry is already running in this process; shut it down first');
  const env = options.env ?? process.env;
  const requested = telemetryRequest(env);
  const spanProcessors = options.spanProcessors ?? (options.spanExporter ? [new BatchSpanProcessor(options.spanExporter)] : undefined);
  const tracing = spanProcessors ? spanProcessors.length > 0 : requested.traces;
  const metering = options.metricReaders ? options.metricReaders.length > 0 : requested.metrics;
  if (!tracing && !metering) return undefined;
  // OTEL_SDK_DISABLED wins even over exporters passed in: NodeSDK reads it from process.env and would ignore
  // start(), leaving a handle that claims telemetry is on.
  if (isTrue(env.OTEL_SDK_DISABLED) || isTrue(process.env.OTEL_SDK_DISABLED)) return undefined;

  const sdk = new NodeSDK({
    // A fresh id per process tells replicas of one service apart (the semantic conventions' service.instance.id).
    resource: defaultResource().merge(
      resourceFromAttributes({
        'service.instance.id': randomUUID(),
        'process.pid': process.pid,
        'process.runtime.name': 'nodejs',
        'process.runtime.version': process.versions.node,
        ...options.resourceAttributes,
      }),
    ),
    // Not the SDK's process detector: it records the command line, and `arbor solve --numbers "..."` carries
    // the problem there, which must never reach telemetry. The few process attributes worth having are above.
    resourceDetectors: [envDetector, hostDetector],
    ...(options.serviceName && !serviceNameFromEnv(env) && { serviceName: options.serviceName }),
    // Propagation is done by hand at the gRPC and NATS boundaries; no monkey-patching instrumentation.
    instrumentations: [],
    // An empty list stops NodeSDK from falling back to its env default (OTLP) for a signal not asked for.
    spanProcessors: tracing ? spanProcessors : [],
    ...(metering ? options.metricReaders && { metricReaders: options.metricReaders } : { metricReaders: [] }),
    // Logs stay pino lines on stderr (with trace ids); nothing emits OpenTelemetry log records.
    logRecordProcessors: [],
  });
  sdk.start();

  let stopping: Promise<void> | undefined;
  const handle: TelemetryHandle = {
    tracing,
    metrics: metering,
    async forceFlush() {
      const provider = trace.getTracerProvider();
      await forceFlushOf(provider);
      await forceFlushOf(metrics.getMeterProvider());
    },
    shutdown() {
      stopping ??= (async () => {
        try {
          await sdk.shutdown();
        } finally {
          // Unregister so that a later startTelemetry (or none) takes effect: the API keeps globals otherwise.
          trace.disable();
          metrics.disable();
          propagation.disable();
          context.disable();
          if (activeTelemetry() === handle) setActiveTelemetry(undefined);
        }
      })();
      return stopping;
    },
  };
  setActiveTelemetry(handle);
  return handle;
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

async function forceFlushOf(provider: object): Promise<void> {
  // The API's proxy provider forwards to the SDK's, which is the one with forceFlush.
  const target = 'getDelegate' in provider && typeof provider.getDelegate === 'function' ? (provider.getDelegate() as object) : provider;
  if ('forceFlush' in target && typeof target.forceFlush === 'function') await (target.forceFlush() as Promise<void>);
}

/** A span exporter that drops everything: the whole tracing pipeline runs, nothing leaves the process. */
export class DiscardingSpanExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.exported += spans.length;
    resultCallback({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

class DiscardingMetricExporter implements PushMetricExporter {
  export(_metrics: unknown, resultCallback: (result: ExportResult) => void): void {
    resultCallback({ code: ExportResultCode.SUCCESS });
  }
  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }
  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

/**
 * Tracing and metrics switched on in this process with exporters that discard, for measuring what telemetry
 * costs (benchmark B2): every span is created, attributed, ended and batched by the real BatchSpanProcessor,
 * and every metric recorded and collected, but nothing is sent anywhere. Stop it with `shutdown()`.
 */
export function startDiscardingTelemetry(options: { serviceName?: string } = {}): TelemetryHandle & { spanExporter: DiscardingSpanExporter } {
  const spanExporter = new DiscardingSpanExporter();
  const handle = startTelemetry({
    serviceName: options.serviceName ?? 'arbor-bench',
    // OTEL_SDK_DISABLED must not silently turn a tracing-on measurement into a tracing-off one.
    env: {},
    spanExporter,
    metricReaders: [new PeriodicExportingMetricReader({ exporter: new DiscardingMetricExporter(), exportIntervalMillis: 60_000 })],
  });
  if (!handle) throw new Error('telemetry did not start');
  return Object.assign(handle, { spanExporter });
}
