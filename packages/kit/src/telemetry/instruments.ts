// Arbor's metrics, on the OpenTelemetry metrics API: a no-op until an SDK registers a MeterProvider.
import { metrics, type Counter, type Histogram, type MeterProvider } from '@opentelemetry/api';
import { INSTRUMENTATION_SCOPE, METRIC } from './attributes.js';

export interface ArborInstruments {
  /** USD one search tree cost, recorded once per search. */
  treeCost: Histogram;
  /** Tokens per model call, by `gen_ai.token.type` (input | output) and `arbor.service`. */
  tokenUsage: Histogram;
  /** Seconds per model call as the orchestrator saw it (retries included), by `arbor.service`. */
  modelCallDuration: Histogram;
  /** Searches finished, by `arbor.tree.stop_reason`. */
  searches: Counter;
  /** Judge prompts answered with neither verdict (scored 0.5), by `arbor.service` and `gen_ai.request.model`. */
  judgeUndecided: Counter;
}

// Bucket bounds sized to the values: the SDK's default bounds (0, 5, 10, 25, ... 10000) would put every
// cost in the first bucket and every call duration in the first two.
const COST_BUCKETS_USD = [0, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];
// The GenAI semantic conventions' advice for gen_ai.client.token.usage and operation duration.
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const DURATION_BUCKETS_S = [0.001, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

let cached: { provider: MeterProvider; instruments: ArborInstruments } | undefined;

/**
 * The instruments of the MeterProvider registered now. Created once per provider: the SDK can be started and
 * stopped within one process, and instruments of a provider that was shut down record nothing.
 */
export function arborInstruments(): ArborInstruments {
  const provider = metrics.getMeterProvider();
  if (cached?.provider === provider) return cached.instruments;
  const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
  const instruments: ArborInstruments = {
    treeCost: meter.createHistogram(METRIC.treeCost, {
      description: 'Cost of one search tree',
      unit: 'USD',
      advice: { explicitBucketBoundaries: COST_BUCKETS_USD },
    }),
    tokenUsage: meter.createHistogram(METRIC.tokenUsage, {
      description: 'Tokens used per model call',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    }),
    modelCallDuration: meter.createHistogram(METRIC.modelCallDuration, {
      description: 'Duration of one model call as the orchestrator saw it, retries included',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS_S },
    }),
    searches: meter.createCounter(METRIC.searches, { description: 'Searches finished, by stop reason', unit: '{search}' }),
    judgeUndecided: meter.createCounter(METRIC.judgeUndecided, {
      description: 'Judge prompts whose top tokens held neither verdict (scored 0.5)',
      unit: '{prompt}',
    }),
  };
  cached = { provider, instruments };
  return instruments;
}
