// Builds the Evaluate handler a value service runs, from its config: the configured backend and batching.
import type { ServicePrices } from '@arbor/kit';
import { createValueBackend } from './backends/index.js';
import { valueBatching, type ValueConfig } from './config.js';
import { EvaluateHandler } from './handler.js';

export function buildEvaluateHandler(config: ValueConfig, prices: ServicePrices): EvaluateHandler {
  return new EvaluateHandler(createValueBackend(config), prices, valueBatching(config));
}
