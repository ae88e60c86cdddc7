// Picks the value backend named by configuration.
import { sleep } from '@arbor/kit';
import type { ValueBackend } from '../backend.js';
import type { ValueConfig } from '../config.js';
import { createEmbeddedValue } from './embedded.js';
import { createHttpValue } from './http.js';
import { valueServerSettings } from './model-server.js';
import { createJudgeValue } from './openai-judge.js';

export function createValueBackend(config: ValueConfig): ValueBackend {
  switch (config.ARBOR_VALUE_BACKEND) {
    case 'embedded':
      return withLatency(createEmbeddedValue(), config.ARBOR_VALUE_EMBEDDED_LATENCY_MS);
    case 'openai-judge':
      return createJudgeValue(valueServerSettings(config));
    case 'http':
      return createHttpValue(valueServerSettings(config));
  }
}

/**
 * Makes an embedded backend answer after a fixed delay, to stand in for a model server's latency in
 * benchmarks and failure tests (a replica killed mid-call needs calls that take time).
 */
function withLatency(backend: ValueBackend, latencyMs: number): ValueBackend {
  if (latencyMs <= 0) return backend;
  return {
    name: backend.name,
    check: (problem) => backend.check(problem),
    async evaluate(items, signal) {
      await sleep(latencyMs, signal);
      return backend.evaluate(items, signal);
    },
  };
}
