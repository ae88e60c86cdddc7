// Serves Score on NATS (subject arbor.v1.reward.score), in the queue group every reward replica shares.
import { arborV1, NATS_QUEUE_GROUPS, NATS_SUBJECTS } from '@arbor/contracts';
import { serveOnNats, type Logger, type NatsConnection, type NatsResponder } from '@arbor/kit';
import type { ScoreHandler } from './handler.js';

export function serveRewardOnNats(options: { nc: NatsConnection; handler: ScoreHandler; logger: Logger; maxInFlight: number }): NatsResponder {
  const { handler } = options;
  return serveOnNats({
    nc: options.nc,
    subject: NATS_SUBJECTS.score,
    queue: NATS_QUEUE_GROUPS.score,
    method: arborV1().RewardService.service.Score,
    requestType: 'arbor.v1.ScoreRequest',
    handle: (request, signal) => handler.score(request, signal),
    logger: options.logger,
    maxInFlight: options.maxInFlight,
  });
}
