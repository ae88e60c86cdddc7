// Serves Score on NATS (subject arbor.v1.reward.score), in the queue group every reward replica shares.
import { arborV1, natsRoute } from '@arbor/contracts';
import { serveOnNats, type Logger, type NatsConnection, type NatsResponder } from '@arbor/kit';
import type { ScoreHandler } from './handler.js';

export function serveRewardOnNats(options: { nc: NatsConnection; handler: ScoreHandler; logger: Logger; maxInFlight: number; maxCallMs?: number; namespace?: string }): NatsResponder {
  const { handler } = options;
  return serveOnNats({
    nc: options.nc,
    ...natsRoute('score', options.namespace),
    method: arborV1().RewardService.service.Score,
    requestType: 'arbor.v1.ScoreRequest',
    handle: (request, signal) => handler.score(request, signal),
    logger: options.logger,
    maxInFlight: options.maxInFlight,
    ...(options.maxCallMs !== undefined && { maxCallMs: options.maxCallMs }),
  });
}
