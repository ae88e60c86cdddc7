// Serves Evaluate on NATS (subject arbor.v1.value.evaluate), in the queue group every value replica shares.
import { arborV1, natsRoute } from '@arbor/contracts';
import { serveOnNats, type Logger, type NatsConnection, type NatsResponder } from '@arbor/kit';
import type { EvaluateHandler } from './handler.js';

export function serveValueOnNats(options: { nc: NatsConnection; handler: EvaluateHandler; logger: Logger; maxInFlight: number; maxCallMs?: number; namespace?: string }): NatsResponder {
  const { handler } = options;
  return serveOnNats({
    nc: options.nc,
    ...natsRoute('evaluate', options.namespace),
    method: arborV1().ValueService.service.Evaluate,
    requestType: 'arbor.v1.EvaluateRequest',
    handle: (request, signal) => handler.evaluate(request, signal),
    logger: options.logger,
    maxInFlight: options.maxInFlight,
    ...(options.maxCallMs !== undefined && { maxCallMs: options.maxCallMs }),
  });
}
