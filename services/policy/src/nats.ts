// Serves Propose on NATS (subject arbor.v1.policy.propose), in the queue group every policy replica shares.
import { arborV1, natsRoute } from '@arbor/contracts';
import { serveOnNats, type Logger, type NatsConnection, type NatsResponder } from '@arbor/kit';
import type { ProposeHandler } from './handler.js';

export function servePolicyOnNats(options: { nc: NatsConnection; handler: ProposeHandler; logger: Logger; maxInFlight: number; maxCallMs?: number; namespace?: string }): NatsResponder {
  const { handler } = options;
  return serveOnNats({
    nc: options.nc,
    ...natsRoute('propose', options.namespace),
    method: arborV1().PolicyService.service.Propose,
    requestType: 'arbor.v1.ProposeRequest',
    handle: (request, signal) => handler.propose(request, signal),
    logger: options.logger,
    maxInFlight: options.maxInFlight,
    ...(options.maxCallMs !== undefined && { maxCallMs: options.maxCallMs }),
  });
}
